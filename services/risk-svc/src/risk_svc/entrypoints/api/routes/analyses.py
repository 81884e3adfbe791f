from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Response, status
from sqlalchemy import select

from platform_shared.access import Action
from platform_shared.api.deps import (
    AuthorizerDep,
    CurrentPrincipal,
    DirectoryDep,
    IfMatch,
    RuntimeDep,
    SessionDep,
    check_version,
)
from platform_shared.api.pagination import Page, page_by_id
from platform_shared.api.types import Year
from platform_shared.errors import FieldError, ValidationFailed
from risk_svc.adapters.orm import RiskAnalysis
from risk_svc.domain.analyses import AnalysisStatus, Trigger
from risk_svc.domain.suggestions import lookback, suggest
from risk_svc.entrypoints.api import schemas as s
from risk_svc.entrypoints.api import views
from risk_svc.entrypoints.api.access import require_named_unit, visible_analysis
from risk_svc.entrypoints.api.routes.common import DEFAULT, RESPONSES, Cursor, Limit, with_etag, writing
from risk_svc.service_layer import analyses, queries
from risk_svc.service_layer import settings as tenant

router = APIRouter(prefix="/api/v1/risk/analyses", tags=["risk analyses"], responses=RESPONSES)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Prepare a risk analysis (arlig or forandring)")
async def prepare_analysis(
    body: s.AnalysisCreate,
    principal: CurrentPrincipal,
    directory: DirectoryDep,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    response: Response,
) -> s.AnalysisRead:
    if not await directory.unit_exists(body.unit_id):
        raise ValidationFailed("Unknown unit", errors=[FieldError("unit_id", "no such org unit")])
    await require_named_unit(principal, Action.RISK_MANAGE, body.unit_id, authz)
    async with writing(runtime, principal) as uow:
        analysis = await analyses.prepare(
            uow,
            analyses.PrepareAnalysis(
                unit_id=body.unit_id,
                trigger=body.trigger,
                analysis_date=body.analysis_date,
                created_by=principal.person_id,
                year=body.year,
                change_description=body.change_description,
                participant_ids=body.participant_ids,
                external_participants=body.external_participants,
                action_plan=body.action_plan,
            ),
        )
        read = await views.analysis_read(uow.session, analysis)
    with_etag(response, analysis.version)
    return read


@router.get("", summary="Risk analyses the caller may read (keyset pages)")
async def list_analyses(
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    session: SessionDep,
    unit_id: uuid.UUID | None = None,
    year: Year | None = None,
    trigger: Trigger | None = None,
    status_: AnalysisStatus | None = Query(default=None, alias="status"),
    cursor: Cursor = None,
    limit: Limit = DEFAULT,
) -> Page[s.AnalysisRead]:
    visibility = await authz.visibility(principal, Action.RISK_READ)
    stmt = select(RiskAnalysis).where(
        queries.scope_filter(visibility, RiskAnalysis.unit_id, [RiskAnalysis.created_by], principal.person_id)
    )
    for column, value in (
        (RiskAnalysis.unit_id, unit_id),
        (RiskAnalysis.year, year),
        (RiskAnalysis.trigger, trigger.value if trigger else None),
        (RiskAnalysis.status, status_.value if status_ else None),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    rows, next_cursor = await page_by_id(session, stmt, RiskAnalysis.id, cursor, limit)
    return Page[s.AnalysisRead](
        items=[await views.analysis_read(session, a) for a in rows], next_cursor=next_cursor
    )


@router.get("/{analysis_id}", summary="One risk analysis with the risks it identified")
async def get_analysis(
    analysis_id: uuid.UUID,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    session: SessionDep,
    response: Response,
) -> s.AnalysisRead:
    analysis = await visible_analysis(principal, await session.get(RiskAnalysis, analysis_id), authz)
    with_etag(response, analysis.version)
    return await views.analysis_read(session, analysis)


@router.patch("/{analysis_id}", summary="Edit a draft analysis' fields")
async def edit_analysis(
    analysis_id: uuid.UUID,
    body: s.AnalysisPatch,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.AnalysisRead:
    changes = body.model_dump(exclude_unset=True)
    if "analysis_date" in changes and changes["analysis_date"] is None:
        raise ValidationFailed(
            "analysis_date cannot be empty", errors=[FieldError("analysis_date", "cannot be null")]
        )
    async with writing(runtime, principal) as uow:
        analysis = await visible_analysis(principal, await uow.session.get(RiskAnalysis, analysis_id), authz)
        await authz.require(principal, Action.RISK_MANAGE, analysis.unit_id)
        check_version(expected, analysis.version)
        analysis = await analyses.edit(uow, analysis, changes)
        read = await views.analysis_read(uow.session, analysis)
    with_etag(response, analysis.version)
    return read


@router.post("/{analysis_id}/complete", summary="Complete the analysis (every risk assessed)")
async def complete_analysis(
    analysis_id: uuid.UUID,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.AnalysisRead:
    async with writing(runtime, principal) as uow:
        analysis = await visible_analysis(principal, await uow.session.get(RiskAnalysis, analysis_id), authz)
        await authz.require(principal, Action.RISK_MANAGE, analysis.unit_id)
        check_version(expected, analysis.version)
        analysis = await analyses.complete(uow, analysis, principal.person_id)
        read = await views.analysis_read(uow.session, analysis)
    with_etag(response, analysis.version)
    return read


@router.get(
    "/{analysis_id}/suggestions",
    summary="Risks proposed from the unit's own history: recurring or rising categories, severe events, "
    "missed deadlines, failed controls, egenkontroll shortcomings and open risks — with the figures",
)
async def analysis_suggestions(
    analysis_id: uuid.UUID,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    session: SessionDep,
) -> s.SuggestionsRead:
    analysis = await visible_analysis(principal, await session.get(RiskAnalysis, analysis_id), authz)
    rule = (await tenant.current(session)).suggestions
    windows = lookback(analysis.analysis_date, rule.period_months, rule.periods)
    start, end = windows[0].start, windows[-1].end
    units = await directory.subtree(analysis.unit_id)
    history = await queries.load_history(session, units, start, end, analysis)
    taken = await queries.taken_suggestions(session, analysis.id)
    items = [
        s.SuggestionRead(
            key=found.key,
            kind=found.kind,
            source=found.source,
            unit_id=found.unit_id,
            title=found.title,
            category=found.category,
            figures=found.figures,
            linked_deviation_ids=list(found.deviation_ids),
            linked_complaint_ids=list(found.complaint_ids),
            control_ids=list(found.control_ids),
            risk_id=found.risk_id,
            taken_by_risk_id=taken.get(found.key),
        )
        for found in suggest(history, rule, analysis.analysis_date)
    ]
    basis = s.SuggestionBasis(
        period_from=start,
        period_to=end,
        deviations=len(history.deviations),
        complaints=len(history.complaints),
        missed_deadlines=len(history.missed_deadlines),
        controls=len(history.controls),
    )
    return s.SuggestionsRead(analysis_id=analysis.id, unit_id=analysis.unit_id, basis=basis, items=items)
