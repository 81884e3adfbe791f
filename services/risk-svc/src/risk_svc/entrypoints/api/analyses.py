"""Risk analyses (/api/v1/risk/analyses) and their suggestions. If-Match names the analysis' ETag."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status
from fastapi import Query as Param

from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import Page, PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Year
from risk_svc.adapters.orm import RiskAnalysis
from risk_svc.domain.analyses import AnalysisStatus, Trigger
from risk_svc.entrypoints.api.deps import Command, Query
from risk_svc.entrypoints.api.schemas.analyses import (
    AnalysisCreate,
    AnalysisPatch,
    AnalysisRead,
    SuggestionsRead,
)
from risk_svc.service_layer.analyses import commands, queries
from risk_svc.service_layer.context import Ctx

router = APIRouter(prefix="/api/v1/risk/analyses", tags=["risk analyses"], responses=PROBLEM_RESPONSES)


async def read_model(ctx: Ctx, analysis: RiskAnalysis, response: Response) -> AnalysisRead:
    return with_etag(response, AnalysisRead.model_validate(await queries.view(ctx, analysis)))


@router.post("", status_code=status.HTTP_201_CREATED, summary="Prepare a risk analysis (arlig or forandring)")
async def prepare_analysis(body: AnalysisCreate, ctx: Command, response: Response) -> AnalysisRead:
    created = await commands.prepare(ctx, commands.PrepareAnalysis(**body.model_dump()))
    response.status_code = created.status
    return await read_model(ctx, created.value, response)


@router.get("", summary="Risk analyses the caller may read (keyset pages)")
async def list_analyses(
    ctx: Query,
    page: PageDep,
    unit_id: uuid.UUID | None = None,
    year: Year | None = None,
    trigger: Trigger | None = None,
    status_: Annotated[AnalysisStatus | None, Param(alias="status")] = None,
) -> Page[AnalysisRead]:
    rows, next_cursor = await queries.analyses(
        ctx, queries.AnalysisFilter(unit_id, year, trigger, status_), page
    )
    items = [AnalysisRead.model_validate(await queries.view(ctx, a)) for a in rows]
    return Page[AnalysisRead](items=items, next_cursor=next_cursor)


@router.get("/{analysis_id}", summary="One risk analysis with the risks it identified")
async def get_analysis(analysis_id: uuid.UUID, ctx: Query, response: Response) -> AnalysisRead:
    return with_etag(response, AnalysisRead.model_validate(await queries.analysis(ctx, analysis_id)))


@router.patch("/{analysis_id}", summary="Edit a draft analysis' fields")
async def edit_analysis(
    analysis_id: uuid.UUID, body: AnalysisPatch, ctx: Command, response: Response
) -> AnalysisRead:
    cmd = commands.EditAnalysis(analysis_id, body.model_dump(exclude_unset=True))
    return await read_model(ctx, await commands.edit(ctx, cmd), response)


@router.post("/{analysis_id}/complete", summary="Complete the analysis (every risk assessed)")
async def complete_analysis(analysis_id: uuid.UUID, ctx: Command, response: Response) -> AnalysisRead:
    analysis = await commands.complete(ctx, commands.CompleteAnalysis(analysis_id))
    return await read_model(ctx, analysis, response)


@router.get(
    "/{analysis_id}/suggestions",
    summary="Risks proposed from the unit's own history: recurring or rising categories, severe events, "
    "missed deadlines, failed controls, egenkontroll shortcomings and open risks — with the figures",
)
async def analysis_suggestions(analysis_id: uuid.UUID, ctx: Query) -> SuggestionsRead:
    return SuggestionsRead.model_validate(await queries.suggestions(ctx, analysis_id))
