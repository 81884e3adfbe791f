"""Egenkontroll (/api/v1/risk/self-assessments). If-Match names the egenkontroll's ETag."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status
from fastapi import Query as Param

from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import Page, PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from risk_svc.adapters.orm import SelfAssessment
from risk_svc.domain.self_assessments import SelfAssessmentMethod, SelfAssessmentStatus
from risk_svc.entrypoints.api.deps import Command, Query
from risk_svc.entrypoints.api.schemas.self_assessments import (
    SelfAssessmentComplete,
    SelfAssessmentCreate,
    SelfAssessmentPatch,
    SelfAssessmentRead,
)
from risk_svc.service_layer.self_assessments import commands, queries

router = APIRouter(prefix="/api/v1/risk/self-assessments", tags=["egenkontroll"], responses=PROBLEM_RESPONSES)


def read_model(assessment: SelfAssessment, response: Response) -> SelfAssessmentRead:
    return with_etag(response, SelfAssessmentRead.model_validate(queries.view(assessment)))


@router.post(
    "", status_code=status.HTTP_201_CREATED, summary="Plan an egenkontroll outside the internkontrollplan"
)
async def plan_self_assessment(
    body: SelfAssessmentCreate, ctx: Command, response: Response
) -> SelfAssessmentRead:
    created = await commands.plan(ctx, commands.PlanSelfAssessment(**body.model_dump()))
    response.status_code = created.status
    return read_model(created.value, response)


@router.get("", summary="Egenkontroller the caller may read")
async def list_self_assessments(
    ctx: Query,
    page: PageDep,
    unit_id: uuid.UUID | None = None,
    method: SelfAssessmentMethod | None = None,
    status_: Annotated[SelfAssessmentStatus | None, Param(alias="status")] = None,
) -> Page[SelfAssessmentRead]:
    f = queries.SelfAssessmentFilter(unit_id, method, status_)
    rows, next_cursor = await queries.self_assessments(ctx, f, page)
    items = [SelfAssessmentRead.model_validate(queries.view(a)) for a in rows]
    return Page[SelfAssessmentRead](items=items, next_cursor=next_cursor)


@router.get("/{assessment_id}", summary="One egenkontroll")
async def get_self_assessment(assessment_id: uuid.UUID, ctx: Query, response: Response) -> SelfAssessmentRead:
    return with_etag(
        response, SelfAssessmentRead.model_validate(await queries.self_assessment(ctx, assessment_id))
    )


@router.patch("/{assessment_id}", summary="Edit a planned egenkontroll's fields")
async def edit_self_assessment(
    assessment_id: uuid.UUID, body: SelfAssessmentPatch, ctx: Command, response: Response
) -> SelfAssessmentRead:
    cmd = commands.EditSelfAssessment(assessment_id, body.model_dump(exclude_unset=True))
    return read_model(await commands.edit(ctx, cmd), response)


@router.post(
    "/{assessment_id}/complete",
    summary="Complete with result (ok | brister), analysis, figures (comparisons) and actions",
)
async def complete_self_assessment(
    assessment_id: uuid.UUID, body: SelfAssessmentComplete, ctx: Command, response: Response
) -> SelfAssessmentRead:
    return read_model(await commands.complete(ctx, body.command(assessment_id)), response)
