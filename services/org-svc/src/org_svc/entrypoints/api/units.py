"""Units over time: create, rename/change laws (PATCH), move, close; the tree now or at a date."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from org_svc.adapters.orm import OrgUnit
from org_svc.domain.model import UnitLevel
from org_svc.entrypoints.api.common import At, moment
from org_svc.entrypoints.api.deps import Command, Query
from org_svc.entrypoints.api.schemas import (
    UnitChangeRead,
    UnitClose,
    UnitCreate,
    UnitMove,
    UnitRead,
    UnitUpdate,
)
from org_svc.service_layer.context import Ctx
from org_svc.service_layer.units import commands, queries
from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import Page, PageDep

router = APIRouter()


async def read_model(ctx: Ctx, unit: OrgUnit, response: Response) -> UnitRead:
    return with_etag(response, UnitRead.model_validate((await queries.view(ctx, [unit]))[0]))


@router.post("/units", status_code=status.HTTP_201_CREATED, summary="Create an org unit under a parent")
async def create_unit(body: UnitCreate, ctx: Command, response: Response) -> UnitRead:
    fields = body.model_dump(exclude={"provider"}) | {"laws": tuple(body.laws)}
    cmd = commands.CreateUnit(**fields, provider=body.provider.facts() if body.provider else None)
    created = await commands.create(ctx, cmd)
    response.status_code = created.status
    return await read_model(ctx, created.value, response)


@router.get("/units", summary="List org units (the tree as parent links): now, or as it stood `at`")
async def list_units(
    ctx: Query,
    page: PageDep,
    parent_id: uuid.UUID | None = None,
    level: UnitLevel | None = None,
    code: str | None = None,
    at: At = None,
) -> Page[UnitRead]:
    found = queries.UnitFilter(parent_id, level, code, moment(at))
    rows, next_cursor = await queries.units(ctx, found, page)
    return Page[UnitRead](items=[UnitRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/units/{unit_id}", summary="One org unit: now, or as it stood `at`")
async def get_unit(unit_id: uuid.UUID, ctx: Query, response: Response, at: At = None) -> UnitRead:
    return with_etag(response, UnitRead.model_validate(await queries.unit(ctx, unit_id, moment(at))))


@router.get(
    "/units/{unit_id}/history", summary="A unit's changes: created, renamed, moved, laws, regi, closed"
)
async def unit_history(unit_id: uuid.UUID, ctx: Query, page: PageDep) -> Page[UnitChangeRead]:
    rows, next_cursor = await queries.history(ctx, unit_id, page)
    items = [UnitChangeRead.model_validate(r) for r in rows]
    return Page[UnitChangeRead](items=items, next_cursor=next_cursor)


@router.patch("/units/{unit_id}", summary="Rename a unit and/or change its laws (from effective_at)")
async def update_unit(unit_id: uuid.UUID, body: UnitUpdate, ctx: Command, response: Response) -> UnitRead:
    laws = tuple(body.laws) if body.laws is not None else None
    provider = body.provider.facts() if body.provider else None
    cmd = commands.UpdateUnit(unit_id, body.name, laws, body.effective_at, body.regi, provider)
    unit = await commands.update(ctx, cmd)
    return await read_model(ctx, unit, response)


@router.post("/units/{unit_id}/move", summary="Move a unit under another parent (from moved_at)")
async def move_unit(unit_id: uuid.UUID, body: UnitMove, ctx: Command, response: Response) -> UnitRead:
    unit = await commands.move(ctx, commands.MoveUnit(unit_id, body.parent_id, body.moved_at))
    return await read_model(ctx, unit, response)


@router.post(
    "/units/{unit_id}/close",
    summary="Close a unit (kept for history); its roles end and its delegations are revoked",
)
async def close_unit(unit_id: uuid.UUID, body: UnitClose, ctx: Command, response: Response) -> UnitRead:
    unit = await commands.close(ctx, commands.CloseUnit(unit_id, body.closed_at))
    return await read_model(ctx, unit, response)
