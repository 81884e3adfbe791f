"""The internkontrollplan (/api/v1/risk/control-plans) and its rows. If-Match names the plan's ETag."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status
from fastapi import Query as Param

from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import Page, PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Year
from risk_svc.adapters.orm import ControlPlan
from risk_svc.domain.control_plans import PlanStatus
from risk_svc.entrypoints.api.deps import Command, Query
from risk_svc.entrypoints.api.schemas.control_plans import (
    ControlPlanAdoptBody,
    ControlPlanCreate,
    ControlPlanFollowUpBody,
    ControlPlanProposalRead,
    ControlPlanRead,
    ControlPlanRowCreate,
    ControlPlanRowPatch,
    ControlPlanSummary,
)
from risk_svc.service_layer.context import Ctx
from risk_svc.service_layer.control_plans import commands, queries

router = APIRouter(
    prefix="/api/v1/risk/control-plans", tags=["internkontrollplan"], responses=PROBLEM_RESPONSES
)


async def read_model(ctx: Ctx, plan: ControlPlan, response: Response) -> ControlPlanRead:
    return with_etag(response, ControlPlanRead.model_validate(await queries.view(ctx, plan)))


@router.post(
    "", status_code=status.HTTP_201_CREATED, summary="Draft the nämnd's internkontrollplan for a year"
)
async def create_plan(body: ControlPlanCreate, ctx: Command, response: Response) -> ControlPlanRead:
    created = await commands.create(ctx, commands.CreatePlan(**body.model_dump()))
    response.status_code = created.status
    return await read_model(ctx, created.value, response)


@router.get("", summary="Internkontrollplaner the caller may see")
async def list_plans(
    ctx: Query,
    page: PageDep,
    unit_id: uuid.UUID | None = None,
    year: Year | None = None,
    status_: Annotated[PlanStatus | None, Param(alias="status")] = None,
) -> Page[ControlPlanSummary]:
    rows, next_cursor = await queries.plans(ctx, queries.PlanFilter(unit_id, year, status_), page)
    items = [ControlPlanSummary.model_validate(p) for p in rows]
    return Page[ControlPlanSummary](items=items, next_cursor=next_cursor)


@router.get("/{plan_id}", summary="The plan with its rows (kontrollmoment) and follow-ups")
async def get_plan(plan_id: uuid.UUID, ctx: Query, response: Response) -> ControlPlanRead:
    return with_etag(response, ControlPlanRead.model_validate(await queries.plan(ctx, plan_id)))


@router.get(
    "/{plan_id}/proposals",
    summary="Prioritised risks of the nämnd's organisation not yet in the plan (proposed for it)",
)
async def plan_proposals(plan_id: uuid.UUID, ctx: Query) -> list[ControlPlanProposalRead]:
    return [ControlPlanProposalRead.model_validate(r) for r in await queries.proposals(ctx, plan_id)]


@router.post(
    "/{plan_id}/rows",
    status_code=status.HTTP_201_CREATED,
    summary="Add a kontrollmoment (draft only): internkontroll of a prioritised risk, or avtalsuppfoljning "
    "or mas_tillsyn of a unit in private regi",
)
async def add_row(
    plan_id: uuid.UUID, body: ControlPlanRowCreate, ctx: Command, response: Response
) -> ControlPlanRead:
    created = await commands.add_row(ctx, commands.AddRow(plan_id, **body.model_dump()))
    response.status_code = created.status
    return await read_model(ctx, created.value, response)


@router.patch("/{plan_id}/rows/{row_id}", summary="Edit a kontrollmoment (draft only)")
async def edit_row(
    plan_id: uuid.UUID, row_id: uuid.UUID, body: ControlPlanRowPatch, ctx: Command, response: Response
) -> ControlPlanRead:
    cmd = commands.EditRow(plan_id, row_id, body.model_dump(exclude_unset=True))
    return await read_model(ctx, await commands.edit_row(ctx, cmd), response)


@router.delete("/{plan_id}/rows/{row_id}", summary="Remove a kontrollmoment (draft only)")
async def delete_row(
    plan_id: uuid.UUID, row_id: uuid.UUID, ctx: Command, response: Response
) -> ControlPlanRead:
    plan = await commands.delete_row(ctx, commands.DeleteRow(plan_id, row_id))
    return await read_model(ctx, plan, response)


@router.post(
    "/{plan_id}/adopt",
    summary="The nämnd adopts the plan (decision reference and date); every row's controls are scheduled",
)
async def adopt_plan(
    plan_id: uuid.UUID, body: ControlPlanAdoptBody, ctx: Command, response: Response
) -> ControlPlanRead:
    plan = await commands.adopt(ctx, commands.Adopt(plan_id, **body.model_dump()))
    return await read_model(ctx, plan, response)


@router.post("/{plan_id}/follow-up", summary="Follow the plan up at t1, t2 or arsbokslut (in order)")
async def follow_up_plan(
    plan_id: uuid.UUID, body: ControlPlanFollowUpBody, ctx: Command, response: Response
) -> ControlPlanRead:
    plan = await commands.follow_up(ctx, commands.FollowUp(plan_id, **body.model_dump()))
    return await read_model(ctx, plan, response)
