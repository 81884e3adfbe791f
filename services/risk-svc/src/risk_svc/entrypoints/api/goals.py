"""Goals, indicators, their values and activities, and the styrkort (/api/v1/risk/goals,
/indicators, /activities, /scorecards). If-Match names the object's ETag."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Response, status
from fastapi import Query as Param

from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import Page, PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Day
from platform_shared.timeutil import local_date
from risk_svc.adapters.scorecard_pdf import PDF_MEDIA_TYPE
from risk_svc.entrypoints.api.deps import Command, Query
from risk_svc.entrypoints.api.schemas.goals import (
    GoalCreate,
    GoalPatch,
    GoalRead,
    IndicatorActivityCreate,
    IndicatorActivityFollowUp,
    IndicatorActivityRead,
    IndicatorCreate,
    IndicatorPatch,
    IndicatorRead,
    MeasurementCreate,
    MeasurementRead,
    ScorecardRead,
)
from risk_svc.service_layer.goals import commands, queries

router = APIRouter(prefix="/api/v1/risk", tags=["mål och styrkort"], responses=PROBLEM_RESPONSES)


@router.post("/goals", status_code=status.HTTP_201_CREATED, summary="Set a goal of a unit")
async def set_goal(body: GoalCreate, ctx: Command, response: Response) -> GoalRead:
    created = await commands.set_goal(ctx, commands.SetGoal(**body.model_dump()))
    response.status_code = created.status
    return with_etag(response, GoalRead.model_validate(await queries.goal_view(ctx, created.value)))


@router.get("/goals", summary="Goals the caller may read")
async def list_goals(
    ctx: Query,
    page: PageDep,
    unit_id: uuid.UUID | None = None,
    parent_id: uuid.UUID | None = None,
    status_: Annotated[Literal["active", "ended"] | None, Param(alias="status")] = None,
    year: int | None = None,
) -> Page[GoalRead]:
    rows, cursor = await queries.goals(ctx, queries.GoalFilter(unit_id, parent_id, status_, year), page)
    return Page[GoalRead](
        items=[GoalRead.model_validate(await queries.goal_view(ctx, g)) for g in rows], next_cursor=cursor
    )


@router.get("/goals/{goal_id}", summary="One goal, its indicators and the goals broken down from it")
async def get_goal(goal_id: uuid.UUID, ctx: Query, response: Response) -> GoalRead:
    return with_etag(response, GoalRead.model_validate(await queries.goal(ctx, goal_id)))


@router.patch("/goals/{goal_id}", summary="Change an active goal")
async def edit_goal(goal_id: uuid.UUID, body: GoalPatch, ctx: Command, response: Response) -> GoalRead:
    g = await commands.edit_goal(ctx, commands.EditGoal(goal_id, body.model_dump(exclude_unset=True)))
    return with_etag(response, GoalRead.model_validate(await queries.goal_view(ctx, g)))


@router.post("/goals/{goal_id}/end", summary="End a goal (after the goals broken down from it)")
async def end_goal(goal_id: uuid.UUID, ctx: Command, response: Response) -> GoalRead:
    g = await commands.end_goal(ctx, goal_id)
    return with_etag(response, GoalRead.model_validate(await queries.goal_view(ctx, g)))


@router.post("/indicators", status_code=status.HTTP_201_CREATED, summary="Define an indicator of a goal")
async def define_indicator(body: IndicatorCreate, ctx: Command, response: Response) -> IndicatorRead:
    created = await commands.define_indicator(ctx, body.command())
    response.status_code = created.status
    return with_etag(response, IndicatorRead.model_validate(await queries.indicator_view(ctx, created.value)))


@router.get("/indicators", summary="Indicators the caller may read")
async def list_indicators(
    ctx: Query,
    page: PageDep,
    goal_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    status_: Annotated[Literal["active", "retired"] | None, Param(alias="status")] = None,
) -> Page[IndicatorRead]:
    rows, cursor = await queries.indicators(ctx, queries.IndicatorFilter(goal_id, unit_id, status_), page)
    items = [IndicatorRead.model_validate(await queries.indicator_view(ctx, i)) for i in rows]
    return Page[IndicatorRead](items=items, next_cursor=cursor)


@router.get("/indicators/{indicator_id}", summary="One indicator and its latest value")
async def get_indicator(indicator_id: uuid.UUID, ctx: Query, response: Response) -> IndicatorRead:
    return with_etag(response, IndicatorRead.model_validate(await queries.indicator(ctx, indicator_id)))


@router.patch("/indicators/{indicator_id}", summary="Change name, definition, target, gränsvärde or link")
async def edit_indicator(
    indicator_id: uuid.UUID, body: IndicatorPatch, ctx: Command, response: Response
) -> IndicatorRead:
    i = await commands.edit_indicator(
        ctx, commands.EditIndicator(indicator_id, body.model_dump(exclude_unset=True))
    )
    return with_etag(response, IndicatorRead.model_validate(await queries.indicator_view(ctx, i)))


@router.post("/indicators/{indicator_id}/retire", summary="Retire an indicator (kept with its values)")
async def retire_indicator(indicator_id: uuid.UUID, ctx: Command, response: Response) -> IndicatorRead:
    i = await commands.retire_indicator(ctx, indicator_id)
    return with_etag(response, IndicatorRead.model_validate(await queries.indicator_view(ctx, i)))


@router.post(
    "/indicators/{indicator_id}/measurements",
    status_code=status.HTTP_201_CREATED,
    summary="Record a period's value (below the gränsvärde with an activity); 200 when it replaces one",
)
async def record_measurement(
    indicator_id: uuid.UUID, body: MeasurementCreate, ctx: Command, response: Response
) -> MeasurementRead:
    created = await commands.record_measurement(ctx, body.command(indicator_id))
    response.status_code = created.status
    return MeasurementRead.model_validate(await queries.measurement_with_activities(ctx, created.value))


@router.get("/indicators/{indicator_id}/measurements", summary="The indicator's values, latest first")
async def list_measurements(indicator_id: uuid.UUID, ctx: Query) -> list[MeasurementRead]:
    return [MeasurementRead.model_validate(m) for m in await queries.measurements(ctx, indicator_id)]


@router.post(
    "/indicators/{indicator_id}/activities",
    status_code=status.HTTP_201_CREATED,
    summary="Plan an activity of the indicator",
)
async def plan_activity(
    indicator_id: uuid.UUID, body: IndicatorActivityCreate, ctx: Command, response: Response
) -> IndicatorActivityRead:
    created = await commands.plan_activity(ctx, commands.PlanActivity(indicator_id, body.input()))
    response.status_code = created.status
    return with_etag(response, IndicatorActivityRead.model_validate(created.value, from_attributes=True))


@router.get("/indicators/{indicator_id}/activities", summary="The indicator's activities")
async def list_activities(indicator_id: uuid.UUID, ctx: Query) -> list[IndicatorActivityRead]:
    return [
        IndicatorActivityRead.model_validate(a, from_attributes=True)
        for a in await queries.activities(ctx, indicator_id)
    ]


@router.post("/activities/{activity_id}/complete", summary="The activity is carried out")
async def complete_activity(
    activity_id: uuid.UUID, ctx: Command, response: Response
) -> IndicatorActivityRead:
    a = await commands.complete_activity(ctx, activity_id)
    return with_etag(response, IndicatorActivityRead.model_validate(a, from_attributes=True))


@router.post("/activities/{activity_id}/follow-up", summary="Follow up a completed activity: did it help?")
async def follow_up_activity(
    activity_id: uuid.UUID, body: IndicatorActivityFollowUp, ctx: Command, response: Response
) -> IndicatorActivityRead:
    a = await commands.follow_up_activity(
        ctx, commands.FollowUpActivity(activity_id, body.effective, body.effect)
    )
    return with_etag(response, IndicatorActivityRead.model_validate(a, from_attributes=True))


@router.get(
    "/scorecards/{unit_id}",
    summary="The unit's styrkort as of a day (its child units' too); as PDF with Accept: application/pdf",
    response_model=ScorecardRead,
    responses={200: {"content": {"application/json": {}, PDF_MEDIA_TYPE: {}}}},
)
async def get_scorecard(
    unit_id: uuid.UUID, ctx: Query, as_of: Day | None = None, accept: Annotated[str | None, Header()] = None
) -> Any:
    view = queries.card_view(await queries.card(ctx, unit_id, as_of or local_date(ctx.now())))
    if PDF_MEDIA_TYPE in (accept or ""):
        headers = {"Content-Disposition": f'inline; filename="styrkort-{view["as_of"]}.pdf"'}
        return Response(queries.card_pdf(view, ctx.now()), media_type=PDF_MEDIA_TYPE, headers=headers)
    return ScorecardRead.model_validate(view)
