"""Units over time: create, rename/change laws (PATCH), move, close; the tree now or at a date."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from org_svc.adapters.orm import OrgUnit, OrgUnitChange
from org_svc.domain.history import UnitState
from org_svc.domain.model import Law, UnitLevel
from org_svc.entrypoints.api.common import At, Limit, moment, require_may, with_etag
from org_svc.entrypoints.api.schemas import (
    UnitChangeRead,
    UnitClose,
    UnitCreate,
    UnitMove,
    UnitRead,
    UnitUpdate,
)
from org_svc.service_layer import handlers, views
from platform_shared.access import Action, Authorizer, Principal
from platform_shared.api.deps import AuthorizerDep, CurrentPrincipal, IfMatch, RuntimeDep, SessionDep
from platform_shared.api.pagination import DEFAULT_LIMIT, Page, page_by_id
from platform_shared.errors import FieldError, NotFound, ValidationFailed

router = APIRouter()


async def _reads(
    session: AsyncSession, units: list[OrgUnit], states: dict[uuid.UUID, UnitState] | None = None
) -> list[UnitRead]:
    regimes = await views.regimes(session)
    reads = []
    for unit in units:
        state = states.get(unit.id) if states is not None else None
        laws = list(state.laws) if state else list(unit.laws)
        reads.append(
            UnitRead(
                id=unit.id,
                parent_id=state.parent_id if state else unit.parent_id,
                name=state.name if state else unit.name,
                code=unit.code,
                level=UnitLevel(unit.level),
                laws=[Law(x) for x in laws],
                regimes=sorted(regimes.get(unit.id, frozenset())),
                valid_from=unit.valid_from,
                valid_to=unit.valid_to,
                version=unit.version,
            )
        )
    return reads


async def _visible(session: AsyncSession, principal: Principal, unit_id: uuid.UUID) -> OrgUnit:
    unit = await session.get(OrgUnit, unit_id)
    if unit is None or not principal.may(Action.ORG_READ):
        raise NotFound("Unit not found")
    return unit


async def _manage(authz: Authorizer, principal: Principal, *unit_ids: uuid.UUID) -> None:
    for unit_id in unit_ids:
        await authz.require(principal, Action.ORG_MANAGE, unit_id)


@router.post("/units", status_code=status.HTTP_201_CREATED, summary="Create an org unit under a parent")
async def create_unit(
    body: UnitCreate,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    session: SessionDep,
    response: Response,
) -> UnitRead:
    if await session.get(OrgUnit, body.parent_id) is None:
        raise ValidationFailed("Parent unit not found", errors=[FieldError("parent_id", "not found")])
    await _manage(authz, principal, body.parent_id)
    async with runtime.uow(principal.person_id) as uow:
        unit = await handlers.create_unit(
            uow,
            handlers.CreateUnit(
                name=body.name,
                level=body.level,
                parent_id=body.parent_id,
                code=body.code,
                laws=tuple(body.laws),
                valid_from=body.valid_from,
            ),
        )
        read = (await _reads(uow.session, [unit]))[0]
    with_etag(response, unit.version)
    return read


@router.get("/units", summary="List org units (the tree as parent links): now, or as it stood `at`")
async def list_units(
    principal: CurrentPrincipal,
    session: SessionDep,
    parent_id: uuid.UUID | None = None,
    level: UnitLevel | None = None,
    code: str | None = None,
    at: At = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[UnitRead]:
    require_may(principal, Action.ORG_READ, "No role in the organisation")
    when = moment(at)
    stmt = select(OrgUnit)
    if level is not None:
        stmt = stmt.where(OrgUnit.level == level.value)
    if code is not None:
        stmt = stmt.where(OrgUnit.code == code)
    if when is None:
        if parent_id is not None:
            stmt = stmt.where(OrgUnit.parent_id == parent_id)
        rows, next_cursor = await page_by_id(session, stmt, OrgUnit.id, cursor, limit)
        return Page[UnitRead](items=await _reads(session, rows), next_cursor=next_cursor)
    stmt = stmt.where(OrgUnit.valid_from <= when, or_(OrgUnit.valid_to.is_(None), OrgUnit.valid_to > when))
    if parent_id is not None:  # the parent then: a unit moved away since still counts under it
        moved_there = select(OrgUnitChange.unit_id).where(OrgUnitChange.parent_id == parent_id)
        stmt = stmt.where(or_(OrgUnit.parent_id == parent_id, OrgUnit.id.in_(moved_there)))
    items: list[UnitRead] = []
    while True:  # keyset pages of candidates, filtered by the state at `when`
        rows, next_cursor = await page_by_id(session, stmt, OrgUnit.id, cursor, limit)
        states = await views.states_at(session, [u.id for u in rows], when)
        kept = [
            u for u in rows if u.id in states and (parent_id is None or states[u.id].parent_id == parent_id)
        ]
        items.extend(await _reads(session, kept, states))
        if next_cursor is None or items:
            return Page[UnitRead](items=items, next_cursor=next_cursor)
        cursor = next_cursor


@router.get("/units/{unit_id}", summary="One org unit: now, or as it stood `at`")
async def get_unit(
    unit_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, response: Response, at: At = None
) -> UnitRead:
    unit = await _visible(session, principal, unit_id)
    when = moment(at)
    states = await views.states_at(session, [unit.id], when) if when else None
    if states is not None and unit.id not in states:
        raise NotFound("The unit did not exist then")
    with_etag(response, unit.version)
    return (await _reads(session, [unit], states))[0]


@router.get("/units/{unit_id}/history", summary="A unit's changes: created, renamed, moved, laws, closed")
async def unit_history(
    unit_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: SessionDep,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[UnitChangeRead]:
    await _visible(session, principal, unit_id)
    stmt = select(OrgUnitChange).where(OrgUnitChange.unit_id == unit_id)
    rows, next_cursor = await page_by_id(session, stmt, OrgUnitChange.id, cursor, limit)
    return Page[UnitChangeRead](
        items=[UnitChangeRead.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.patch("/units/{unit_id}", summary="Rename a unit and/or change its laws (from effective_at)")
async def update_unit(
    unit_id: uuid.UUID,
    body: UnitUpdate,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatch,
) -> UnitRead:
    await _visible(session, principal, unit_id)
    await _manage(authz, principal, unit_id)
    async with runtime.uow(principal.person_id) as uow:
        unit = await handlers.update_unit(
            uow,
            handlers.UpdateUnit(
                unit_id=unit_id,
                name=body.name,
                laws=tuple(body.laws) if body.laws is not None else None,
                effective_at=body.effective_at,
                expected_version=if_match,
            ),
        )
        read = (await _reads(uow.session, [unit]))[0]
    with_etag(response, unit.version)
    return read


@router.post("/units/{unit_id}/move", summary="Move a unit under another parent (from moved_at)")
async def move_unit(
    unit_id: uuid.UUID,
    body: UnitMove,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatch,
) -> UnitRead:
    await _visible(session, principal, unit_id)
    if await session.get(OrgUnit, body.parent_id) is None:
        raise ValidationFailed("Parent unit not found", errors=[FieldError("parent_id", "not found")])
    await _manage(authz, principal, unit_id, body.parent_id)
    async with runtime.uow(principal.person_id) as uow:
        unit = await handlers.move_unit(
            uow, handlers.MoveUnit(unit_id, body.parent_id, body.moved_at, expected_version=if_match)
        )
        read = (await _reads(uow.session, [unit]))[0]
    with_etag(response, unit.version)
    return read


@router.post(
    "/units/{unit_id}/close",
    summary="Close a unit (kept for history); its roles end and its delegations are revoked",
)
async def close_unit(
    unit_id: uuid.UUID,
    body: UnitClose,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatch,
) -> UnitRead:
    await _visible(session, principal, unit_id)
    await _manage(authz, principal, unit_id)
    async with runtime.uow(principal.person_id) as uow:
        unit = await handlers.close_unit(uow, handlers.CloseUnit(unit_id, body.closed_at, if_match))
        read = (await _reads(uow.session, [unit]))[0]
    with_etag(response, unit.version)
    return read
