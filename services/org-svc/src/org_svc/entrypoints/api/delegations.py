"""Delegations (delegationsordning), the duty catalogue, and who is responsible for a duty."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from org_svc.adapters.orm import Delegation, OrgUnit, Person
from org_svc.entrypoints.api.common import At, Limit, moment, require_may, with_etag
from org_svc.entrypoints.api.schemas import (
    DelegationCreate,
    DelegationRead,
    DelegationRevoke,
    DutyRead,
    ResponsiblePersonRead,
    ResponsibleRead,
)
from org_svc.service_layer import delegations as handlers
from platform_shared.access import Action
from platform_shared.api.deps import (
    AuthorizerDep,
    CurrentPrincipal,
    DirectoryDep,
    IfMatch,
    RuntimeDep,
    SessionDep,
)
from platform_shared.api.pagination import DEFAULT_LIMIT, Page, page_by_id
from platform_shared.errors import FieldError, NotFound, ValidationFailed
from platform_shared.orgreplica.responsibility import DUTIES, Duty, ResponsiblePerson, responsible
from platform_shared.roles import Role

router = APIRouter()

_NO_ROLE = "No role in the organisation"


@router.post(
    "/delegations",
    status_code=status.HTTP_201_CREATED,
    summary="Delegate a decision (e.g. ivo_anmalan_lex_sarah) from its owning role to a person or role",
)
async def grant_delegation(
    body: DelegationCreate,
    principal: CurrentPrincipal,
    directory: DirectoryDep,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    response: Response,
) -> DelegationRead:
    if not await directory.unit_exists(body.unit_id):
        raise ValidationFailed("Unit not found", errors=[FieldError("unit_id", "not found")])
    await authz.require(principal, Action.ORG_MANAGE, body.unit_id)
    async with runtime.uow(principal.person_id) as uow:
        delegation = await handlers.grant_delegation(
            uow,
            handlers.GrantDelegation(
                decision_type=body.decision_type,
                from_role=body.from_role.value,
                unit_id=body.unit_id,
                to_person_id=body.to_person_id,
                to_role=body.to_role.value if body.to_role else None,
                valid_from=body.valid_from,
                valid_to=body.valid_to,
                reference=body.reference,
            ),
        )
    with_etag(response, delegation.version)
    return DelegationRead.model_validate(delegation)


@router.get("/delegations", summary="List delegations (in force or planned, unless include_ended)")
async def list_delegations(
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    session: SessionDep,
    decision_type: str | None = None,
    unit_id: uuid.UUID | None = None,
    to_person_id: uuid.UUID | None = None,
    to_role: Role | None = None,
    include_ended: bool = False,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[DelegationRead]:
    require_may(principal, Action.ORG_READ, _NO_ROLE)
    d = Delegation
    stmt = select(d)
    for column, value in (
        (d.decision_type, decision_type),
        (d.unit_id, unit_id),
        (d.to_person_id, to_person_id),
        (d.to_role, to_role.value if to_role else None),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if not include_ended:
        stmt = stmt.where(or_(d.valid_to.is_(None), d.valid_to > runtime.clock()))
    rows, next_cursor = await page_by_id(session, stmt, d.id, cursor, limit)
    return Page[DelegationRead](
        items=[DelegationRead.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.get("/delegations/{delegation_id}", summary="One delegation")
async def get_delegation(
    delegation_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, response: Response
) -> DelegationRead:
    delegation = await session.get(Delegation, delegation_id)
    if delegation is None or not principal.may(Action.ORG_READ):
        raise NotFound("Delegation not found")
    with_etag(response, delegation.version)
    return DelegationRead.model_validate(delegation)


@router.post("/delegations/{delegation_id}/revoke", summary="Revoke a delegation")
async def revoke_delegation(
    delegation_id: uuid.UUID,
    body: DelegationRevoke,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatch,
) -> DelegationRead:
    found = await session.get(Delegation, delegation_id)
    if found is None or not principal.may(Action.ORG_READ):
        raise NotFound("Delegation not found")
    await authz.require(principal, Action.ORG_MANAGE, found.unit_id)
    async with runtime.uow(principal.person_id) as uow:
        delegation = await handlers.revoke_delegation(
            uow, handlers.RevokeDelegation(delegation_id, body.revoked_at, if_match)
        )
    with_etag(response, delegation.version)
    return DelegationRead.model_validate(delegation)


@router.get("/duties", summary="The catalogue of duties (who handles, investigates, decides, writes)")
async def list_duties(principal: CurrentPrincipal) -> Page[DutyRead]:
    """The whole catalogue on one page (it is short and kept as data in platform_shared)."""
    require_may(principal, Action.ORG_READ, _NO_ROLE)
    items = [
        DutyRead(
            duty=d.duty,
            title=d.title,
            roles=list(d.roles),
            fallback=list(d.fallback),
            decision_type=d.decision_type,
            regime=d.regime,
            source=d.source,
        )
        for d in DUTIES.values()
    ]
    return Page[DutyRead](items=items, next_cursor=None)


async def _people(session: AsyncSession, found: tuple[ResponsiblePerson, ...]) -> list[ResponsiblePersonRead]:
    people = {
        p.id: p
        for p in await session.scalars(select(Person).where(Person.id.in_([f.person_id for f in found])))
    }
    return [
        ResponsiblePersonRead(
            person_id=f.person_id,
            name=people[f.person_id].name,
            email=people[f.person_id].email,
            role=Role(f.role) if f.role else None,
            unit_id=f.unit_id,
            acting=f.acting,
            delegation_id=f.delegation_id,
        )
        for f in found
        if f.person_id in people
    ]


@router.get(
    "/units/{unit_id}/responsible",
    summary="Who holds a duty for a unit, now or `at` a date (walking up the tree, honouring delegations)",
)
async def responsible_for(
    unit_id: uuid.UUID,
    duty: Duty,
    principal: CurrentPrincipal,
    directory: DirectoryDep,
    session: SessionDep,
    at: At = None,
) -> ResponsibleRead:
    if await session.get(OrgUnit, unit_id) is None or not principal.may(Action.ORG_READ):
        raise NotFound("Unit not found")
    found = await responsible(directory, duty, unit_id, moment(at))
    return ResponsibleRead(
        duty=found.duty,
        unit_id=found.unit_id,
        at=found.at,
        applies=found.applies,
        delegated=found.delegated,
        people=await _people(session, found.people),
        owners=await _people(session, found.owners),
    )
