"""Delegations (delegationsordning), the duty catalogue, and who is responsible for a duty."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from org_svc.entrypoints.api.common import At, moment
from org_svc.entrypoints.api.deps import Command, Query
from org_svc.entrypoints.api.schemas import (
    DelegationCreate,
    DelegationRead,
    DelegationRevoke,
    DutyRead,
    ResponsibleRead,
)
from org_svc.service_layer.delegations import commands, queries
from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import Page, PageDep
from platform_shared.orgreplica.responsibility import Duty
from platform_shared.roles import Role

router = APIRouter()


@router.post(
    "/delegations",
    status_code=status.HTTP_201_CREATED,
    summary="Delegate a decision (e.g. ivo_anmalan_lex_sarah) from its owning role to a person or role",
)
async def grant_delegation(body: DelegationCreate, ctx: Command, response: Response) -> DelegationRead:
    created = await commands.grant_delegation(ctx, commands.GrantDelegation(**body.model_dump()))
    response.status_code = created.status
    return with_etag(response, DelegationRead.model_validate(created.value))


@router.get("/delegations", summary="List delegations (in force or planned, unless include_ended)")
async def list_delegations(
    ctx: Query,
    page: PageDep,
    decision_type: str | None = None,
    unit_id: uuid.UUID | None = None,
    to_person_id: uuid.UUID | None = None,
    to_role: Role | None = None,
    include_ended: bool = False,
) -> Page[DelegationRead]:
    found = queries.DelegationFilter(decision_type, unit_id, to_person_id, to_role, include_ended)
    rows, next_cursor = await queries.delegations(ctx, found, page)
    return Page[DelegationRead](
        items=[DelegationRead.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.get("/delegations/{delegation_id}", summary="One delegation")
async def get_delegation(delegation_id: uuid.UUID, ctx: Query, response: Response) -> DelegationRead:
    return with_etag(response, DelegationRead.model_validate(await queries.delegation(ctx, delegation_id)))


@router.post("/delegations/{delegation_id}/revoke", summary="Revoke a delegation")
async def revoke_delegation(
    delegation_id: uuid.UUID, body: DelegationRevoke, ctx: Command, response: Response
) -> DelegationRead:
    delegation = await commands.revoke_delegation(
        ctx, commands.RevokeDelegation(delegation_id, body.revoked_at)
    )
    return with_etag(response, DelegationRead.model_validate(delegation))


@router.get("/duties", summary="The catalogue of duties (who handles, investigates, decides, writes)")
async def list_duties(ctx: Query) -> Page[DutyRead]:
    """The whole catalogue on one page."""
    items = [DutyRead.model_validate(d, from_attributes=True) for d in queries.duties(ctx)]
    return Page[DutyRead](items=items, next_cursor=None)


@router.get(
    "/units/{unit_id}/responsible",
    summary="Who holds a duty for a unit, now or `at` a date (walking up the tree, honouring delegations)",
)
async def responsible_for(unit_id: uuid.UUID, duty: Duty, ctx: Query, at: At = None) -> ResponsibleRead:
    return ResponsibleRead.model_validate(await queries.responsible_for(ctx, unit_id, duty, moment(at)))
