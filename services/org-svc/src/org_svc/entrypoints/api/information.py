"""The staff's information duty (/api/v1/org/information): what staff must be told, who is due to be
told, that they were told (by the chef, or a medarbetare's own acknowledgement of a rutin)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from org_svc.domain.information import DueStatus
from org_svc.entrypoints.api.deps import Command
from org_svc.entrypoints.api.deps import Query as QueryDep
from org_svc.entrypoints.api.information_schemas import (
    CoverageRead,
    InformationDueRead,
    InformationItemCreate,
    InformationItemList,
    InformationItemRead,
    InformationItemUpdate,
    InformationRecordCreate,
    InformationRecordRead,
)
from org_svc.service_layer.information import commands, queries
from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import Page, PageDep

router = APIRouter(prefix="/information", tags=["information duty"])
UnitParam = Annotated[uuid.UUID | None, Query(description="The chef's view: this unit and its subtree")]


@router.get("/items", summary="What staff must be told (the tenant's items and the defaults)")
async def list_items(ctx: QueryDep) -> InformationItemList:
    return InformationItemList.model_validate({"items": await queries.items(ctx)})


@router.post("/items", status_code=status.HTTP_201_CREATED, summary="Add an item staff must be told")
async def define_item(body: InformationItemCreate, ctx: Command, response: Response) -> InformationItemRead:
    created = await commands.define_item(ctx, body.command())
    response.status_code = created.status
    return InformationItemRead.model_validate(queries.item_view(created.value))


@router.patch("/items/{item_id}", summary="Change an item: its days, title, text, repeat or use")
async def change_item(
    item_id: uuid.UUID, body: InformationItemUpdate, ctx: Command, response: Response
) -> InformationItemRead:
    row = await commands.change_item(ctx, body.command(item_id))
    return with_etag(response, InformationItemRead.model_validate(queries.item_view(row)))


@router.post("/records", status_code=status.HTTP_201_CREATED, summary="Record that information was given")
async def record(body: InformationRecordCreate, ctx: Command, response: Response) -> InformationRecordRead:
    created = await commands.record(ctx, body.command())
    response.status_code = created.status
    return InformationRecordRead.model_validate(await queries.record_view(ctx, created.value))


@router.get("/records", summary="Information given at a unit and its subtree, latest first")
async def list_records(ctx: QueryDep, page: PageDep, unit_id: uuid.UUID) -> Page[InformationRecordRead]:
    rows, cursor = await queries.records(ctx, unit_id, page)
    return Page[InformationRecordRead](
        items=[InformationRecordRead.model_validate(r) for r in rows], next_cursor=cursor
    )


@router.get("/dues", summary="Who is due to be told what: a unit's (its chef) or one's own (mine)")
async def list_dues(
    ctx: QueryDep,
    page: PageDep,
    unit_id: UnitParam = None,
    person_id: uuid.UUID | None = None,
    item_id: uuid.UUID | None = None,
    status: DueStatus | None = None,
    mine: bool = False,
) -> Page[InformationDueRead]:
    found = queries.DueFilter(unit_id, person_id, item_id, status, mine)
    rows, cursor = await queries.dues(ctx, found, page)
    return Page[InformationDueRead](
        items=[InformationDueRead.model_validate(r) for r in rows], next_cursor=cursor
    )


@router.get("/coverage", summary="Per unit and item: informed, not yet informed, overdue, share informed")
async def coverage(ctx: QueryDep, unit_id: uuid.UUID) -> CoverageRead:
    return CoverageRead.model_validate(await queries.unit_coverage(ctx, unit_id))
