"""Värdighetsgarantier (/api/v1/risk/guarantees) and a unit's coverage of the värdegrund's seven areas.
If-Match names the garanti's ETag."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status
from fastapi import Query as Param

from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import Page, PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Day
from platform_shared.timeutil import local_date
from risk_svc.domain.guarantees import GuaranteeStatus, ValueArea
from risk_svc.entrypoints.api.deps import Command, Query
from risk_svc.entrypoints.api.schemas.guarantees import (
    GuaranteeCoverageRead,
    GuaranteeCreate,
    GuaranteePatch,
    GuaranteeRead,
)
from risk_svc.service_layer.guarantees import commands, queries

router = APIRouter(
    prefix="/api/v1/risk/guarantees", tags=["värdighetsgarantier"], responses=PROBLEM_RESPONSES
)

APPLY_TO = "Those that apply to the unit: its own and those of the units above"


@router.post("", status_code=status.HTTP_201_CREATED, summary="Adopt a värdighetsgaranti for a unit")
async def adopt_guarantee(body: GuaranteeCreate, ctx: Command, response: Response) -> GuaranteeRead:
    created = await commands.adopt(ctx, body.command())
    response.status_code = created.status
    return with_etag(response, GuaranteeRead.model_validate(await queries.guarantee_view(ctx, created.value)))


@router.get("", summary="Värdighetsgarantier the caller may read")
async def list_guarantees(
    ctx: Query,
    page: PageDep,
    unit_id: Annotated[uuid.UUID | None, Param(description=APPLY_TO)] = None,
    area: ValueArea | None = None,
    status_: Annotated[GuaranteeStatus | None, Param(alias="status")] = None,
) -> Page[GuaranteeRead]:
    rows, cursor = await queries.guarantees(ctx, queries.GuaranteeFilter(unit_id, area, status_), page)
    items = [GuaranteeRead.model_validate(await queries.guarantee_view(ctx, g)) for g in rows]
    return Page[GuaranteeRead](items=items, next_cursor=cursor)


@router.get("/coverage", summary="The värdegrund's seven areas for a unit: its garantier, and the gaps")
async def get_coverage(unit_id: uuid.UUID, ctx: Query, as_of: Day | None = None) -> GuaranteeCoverageRead:
    view = await queries.coverage(ctx, unit_id, as_of or local_date(ctx.now()))
    return GuaranteeCoverageRead.model_validate(view)


@router.get("/{guarantee_id}", summary="One garanti, its indicators and the complaints that named it")
async def get_guarantee(guarantee_id: uuid.UUID, ctx: Query, response: Response) -> GuaranteeRead:
    return with_etag(response, GuaranteeRead.model_validate(await queries.guarantee(ctx, guarantee_id)))


@router.patch("/{guarantee_id}", summary="Change an active garanti")
async def edit_guarantee(
    guarantee_id: uuid.UUID, body: GuaranteePatch, ctx: Command, response: Response
) -> GuaranteeRead:
    g = await commands.edit(ctx, commands.EditGuarantee(guarantee_id, body.model_dump(exclude_unset=True)))
    return with_etag(response, GuaranteeRead.model_validate(await queries.guarantee_view(ctx, g)))


@router.post("/{guarantee_id}/withdraw", summary="Withdraw a garanti (kept with its history)")
async def withdraw_guarantee(guarantee_id: uuid.UUID, ctx: Command, response: Response) -> GuaranteeRead:
    g = await commands.withdraw(ctx, guarantee_id)
    return with_etag(response, GuaranteeRead.model_validate(await queries.guarantee_view(ctx, g)))
