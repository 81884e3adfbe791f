"""Risks (/api/v1/risk/risks) and the matrix (/api/v1/risk/matrix). If-Match names the risk's ETag."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status
from fastapi import Query as Param

from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import Page, PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Day
from risk_svc.adapters.orm import Risk
from risk_svc.domain.risks import RiskSource, RiskStatus
from risk_svc.entrypoints.api.deps import Command, Query
from risk_svc.entrypoints.api.schemas.common import RiskActionCreate
from risk_svc.entrypoints.api.schemas.risks import (
    MatrixRead,
    RiskAssessBody,
    RiskCreate,
    RiskEscalateBody,
    RiskFollowUpBody,
    RiskHistoryRead,
    RiskMotivationBody,
    RiskNoteBody,
    RiskPatch,
    RiskRead,
    RiskSummary,
)
from risk_svc.service_layer.context import Ctx
from risk_svc.service_layer.risks import commands, queries

router = APIRouter(prefix="/api/v1/risk/risks", tags=["risks"], responses=PROBLEM_RESPONSES)
matrix_router = APIRouter(prefix="/api/v1/risk", tags=["risks"], responses=PROBLEM_RESPONSES)


async def read_model(ctx: Ctx, risk: Risk, response: Response) -> RiskRead:
    return with_etag(response, RiskRead.model_validate(await queries.view(ctx, risk)))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Identify a risk; with sannolikhet and konsekvens it is assessed at once (RISK_MANAGE)",
)
async def identify_risk(body: RiskCreate, ctx: Command, response: Response) -> RiskRead:
    created = await commands.identify(ctx, body.command())
    response.status_code = created.status
    return await read_model(ctx, created.value, response)


@router.get("", summary="Risks the caller may read (keyset pages)")
async def list_risks(
    ctx: Query,
    page: PageDep,
    unit_id: uuid.UUID | None = None,
    responsible_unit_id: uuid.UUID | None = None,
    analysis_id: uuid.UUID | None = None,
    status_: Annotated[RiskStatus | None, Param(alias="status")] = None,
    source: RiskSource | None = None,
    prioritised: bool | None = None,
) -> Page[RiskSummary]:
    f = queries.RiskFilter(unit_id, responsible_unit_id, analysis_id, status_, source, prioritised)
    rows, next_cursor = await queries.risks(ctx, f, page)
    return Page[RiskSummary](items=[RiskSummary.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/{risk_id}", summary="One risk, its links and action plan")
async def get_risk(risk_id: uuid.UUID, ctx: Query, response: Response) -> RiskRead:
    return with_etag(response, RiskRead.model_validate(await queries.risk(ctx, risk_id)))


@router.get("/{risk_id}/history", summary="Every assessment and step of the risk")
async def get_risk_history(risk_id: uuid.UUID, ctx: Query) -> RiskHistoryRead:
    return RiskHistoryRead.model_validate(await queries.history(ctx, risk_id))


@router.patch("/{risk_id}", summary="Edit a risk's fields (never its state)")
async def edit_risk(risk_id: uuid.UUID, body: RiskPatch, ctx: Command, response: Response) -> RiskRead:
    risk = await commands.edit(ctx, commands.EditRisk(risk_id, body.model_dump(exclude_unset=True)))
    return await read_model(ctx, risk, response)


@router.post("/{risk_id}/assess", summary="Assess (or reassess) sannolikhet × konsekvens; history is kept")
async def assess_risk(risk_id: uuid.UUID, body: RiskAssessBody, ctx: Command, response: Response) -> RiskRead:
    risk = await commands.reassess(ctx, commands.Assess(risk_id, **body.model_dump()))
    return await read_model(ctx, risk, response)


@router.post(
    "/{risk_id}/prioritise",
    summary="Confirm the prioritisation (proposed for the internkontrollplan); against the tenant's rule "
    "only with a motivation",
)
async def prioritise_risk(
    risk_id: uuid.UUID, body: RiskMotivationBody, ctx: Command, response: Response
) -> RiskRead:
    risk = await commands.prioritise(ctx, commands.Prioritise(risk_id, **body.model_dump()))
    return await read_model(ctx, risk, response)


@router.post(
    "/{risk_id}/handle-in-unit",
    summary="Handle the risk in the unit's own work; a risk the rule proposes needs a motivation",
)
async def handle_risk_in_unit(
    risk_id: uuid.UUID, body: RiskMotivationBody, ctx: Command, response: Response
) -> RiskRead:
    risk = await commands.handle_in_unit(ctx, commands.HandleInUnit(risk_id, **body.model_dump()))
    return await read_model(ctx, risk, response)


@router.post("/{risk_id}/escalate", summary="Escalate to the level above the responsible unit, with a reason")
async def escalate_risk(
    risk_id: uuid.UUID, body: RiskEscalateBody, ctx: Command, response: Response
) -> RiskRead:
    risk = await commands.escalate(ctx, commands.Escalate(risk_id, **body.model_dump()))
    return await read_model(ctx, risk, response)


@router.post(
    "/{risk_id}/follow-up", summary="Follow up a prioritised or unit-handled risk (residual risk optional)"
)
async def follow_up_risk(
    risk_id: uuid.UUID, body: RiskFollowUpBody, ctx: Command, response: Response
) -> RiskRead:
    risk = await commands.follow_up(ctx, commands.FollowUp(risk_id, **body.model_dump()))
    return await read_model(ctx, risk, response)


@router.post("/{risk_id}/close", summary="Close a followed-up risk whose actions are all done")
async def close_risk(risk_id: uuid.UUID, body: RiskNoteBody, ctx: Command, response: Response) -> RiskRead:
    risk = await commands.close(ctx, commands.Close(risk_id, **body.model_dump()))
    return await read_model(ctx, risk, response)


@router.post(
    "/{risk_id}/actions", status_code=status.HTTP_201_CREATED, summary="Add an action to the risk's plan"
)
async def add_risk_action(
    risk_id: uuid.UUID, body: RiskActionCreate, ctx: Command, response: Response
) -> RiskRead:
    created = await commands.add_action(ctx, commands.AddAction(risk_id, **body.model_dump()))
    response.status_code = created.status
    return await read_model(ctx, created.value, response)


@router.post("/{risk_id}/actions/{action_id}/complete", summary="Mark an action of the risk's plan done")
async def complete_risk_action(
    risk_id: uuid.UUID, action_id: uuid.UUID, body: RiskNoteBody, ctx: Command, response: Response
) -> RiskRead:
    risk = await commands.complete_action(
        ctx, commands.CompleteAction(risk_id, action_id, **body.model_dump())
    )
    return await read_model(ctx, risk, response)


@matrix_router.get(
    "/matrix",
    summary="The 4 × 4 matrix of a unit's subtree, now or as it stood on a date (aggregates: counts only)",
)
async def risk_matrix(
    ctx: Query,
    unit_id: uuid.UUID,
    date_: Annotated[
        Day | None, Param(alias="date", description="As the matrix stood at the end of this day")
    ] = None,
) -> MatrixRead:
    return MatrixRead.model_validate(await queries.matrix(ctx, unit_id, date_))
