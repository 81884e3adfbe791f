"""The scheduled controls of internkontrollplaner (/api/v1/risk/controls). If-Match names the control's
ETag."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response
from fastapi import Query as Param

from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import Page, PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Day
from risk_svc.adapters.orm import Control
from risk_svc.domain.control_plans import ControlStatus
from risk_svc.entrypoints.api.deps import Command, Query
from risk_svc.entrypoints.api.schemas.controls import ControlFindingCreate, ControlPerformBody, ControlRead
from risk_svc.service_layer.context import Ctx
from risk_svc.service_layer.controls import commands, queries

router = APIRouter(prefix="/api/v1/risk/controls", tags=["internkontrollplan"], responses=PROBLEM_RESPONSES)


async def read_model(ctx: Ctx, control: Control, response: Response) -> ControlRead:
    return with_etag(response, ControlRead.model_validate(await queries.view(ctx, control)))


@router.get("", summary="Scheduled controls the caller may see (a plan's: plan_id)")
async def list_controls(
    ctx: Query,
    page: PageDep,
    plan_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    status_: Annotated[ControlStatus | None, Param(alias="status")] = None,
    due_before: Day | None = None,
) -> Page[ControlRead]:
    rows, next_cursor = await queries.controls(
        ctx, queries.ControlFilter(plan_id, unit_id, status_, due_before), page
    )
    items = [ControlRead.model_validate(await queries.view(ctx, c)) for c in rows]
    return Page[ControlRead](items=items, next_cursor=next_cursor)


@router.get("/{control_id}", summary="One control, its result and findings")
async def get_control(control_id: uuid.UUID, ctx: Query, response: Response) -> ControlRead:
    return with_etag(response, ControlRead.model_validate(await queries.control(ctx, control_id)))


@router.post(
    "/{control_id}/perform",
    summary="Record the control: result ok or avvikelser (with findings, whose actions go to the risk)",
)
async def perform_control(
    control_id: uuid.UUID, body: ControlPerformBody, ctx: Command, response: Response
) -> ControlRead:
    return await read_model(ctx, await commands.perform(ctx, body.command(control_id)), response)


@router.post("/{control_id}/findings", summary="Record a further finding on a performed control")
async def add_finding(
    control_id: uuid.UUID, body: ControlFindingCreate, ctx: Command, response: Response
) -> ControlRead:
    created = await commands.add_finding(ctx, commands.AddFinding(control_id, body.input()))
    response.status_code = created.status
    return await read_model(ctx, created.value, response)
