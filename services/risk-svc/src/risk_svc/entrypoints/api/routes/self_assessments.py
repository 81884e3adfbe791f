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
from platform_shared.errors import FieldError, ValidationFailed
from risk_svc.adapters.orm import SelfAssessment
from risk_svc.domain.self_assessments import Figure, SelfAssessmentMethod, SelfAssessmentStatus
from risk_svc.entrypoints.api import schemas as s
from risk_svc.entrypoints.api import views
from risk_svc.entrypoints.api.access import require_named_unit, visible_self_assessment
from risk_svc.entrypoints.api.routes.common import DEFAULT, RESPONSES, Cursor, Limit, with_etag, writing
from risk_svc.service_layer import queries, self_assessments
from risk_svc.service_layer.risks import ActionInput

router = APIRouter(prefix="/api/v1/risk/self-assessments", tags=["egenkontroll"], responses=RESPONSES)


@router.post(
    "", status_code=status.HTTP_201_CREATED, summary="Plan an egenkontroll outside the internkontrollplan"
)
async def plan_self_assessment(
    body: s.SelfAssessmentCreate,
    principal: CurrentPrincipal,
    directory: DirectoryDep,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    response: Response,
) -> s.SelfAssessmentRead:
    if not await directory.unit_exists(body.unit_id):
        raise ValidationFailed("Unknown unit", errors=[FieldError("unit_id", "no such org unit")])
    await require_named_unit(principal, Action.RISK_MANAGE, body.unit_id, authz)
    async with writing(runtime, principal) as uow:
        assessment = await self_assessments.plan(
            uow,
            self_assessments.PlanSelfAssessment(
                unit_id=body.unit_id,
                area=body.area,
                method=body.method,
                created_by=principal.person_id,
                period_from=body.period_from,
                period_to=body.period_to,
            ),
        )
    with_etag(response, assessment.version)
    return views.self_assessment_read(assessment)


@router.get("", summary="Egenkontroller the caller may read")
async def list_self_assessments(
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    session: SessionDep,
    unit_id: uuid.UUID | None = None,
    method: SelfAssessmentMethod | None = None,
    status_: SelfAssessmentStatus | None = Query(default=None, alias="status"),
    cursor: Cursor = None,
    limit: Limit = DEFAULT,
) -> Page[s.SelfAssessmentRead]:
    visibility = await authz.visibility(principal, Action.RISK_READ)
    stmt = select(SelfAssessment).where(
        queries.scope_filter(
            visibility, SelfAssessment.unit_id, [SelfAssessment.created_by], principal.person_id
        )
    )
    for column, value in (
        (SelfAssessment.unit_id, unit_id),
        (SelfAssessment.method, method.value if method else None),
        (SelfAssessment.status, status_.value if status_ else None),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    rows, next_cursor = await page_by_id(session, stmt, SelfAssessment.id, cursor, limit)
    return Page[s.SelfAssessmentRead](
        items=[views.self_assessment_read(a) for a in rows], next_cursor=next_cursor
    )


@router.get("/{assessment_id}", summary="One egenkontroll")
async def get_self_assessment(
    assessment_id: uuid.UUID,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    session: SessionDep,
    response: Response,
) -> s.SelfAssessmentRead:
    assessment = await visible_self_assessment(
        principal, await session.get(SelfAssessment, assessment_id), authz
    )
    with_etag(response, assessment.version)
    return views.self_assessment_read(assessment)


@router.patch("/{assessment_id}", summary="Edit a planned egenkontroll's fields")
async def edit_self_assessment(
    assessment_id: uuid.UUID,
    body: s.SelfAssessmentPatch,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.SelfAssessmentRead:
    changes = body.model_dump(exclude_unset=True)
    for required in ("area", "method"):
        if required in changes and changes[required] is None:
            raise ValidationFailed(
                f"{required} cannot be empty", errors=[FieldError(required, "cannot be null")]
            )
    async with writing(runtime, principal) as uow:
        assessment = await visible_self_assessment(
            principal, await uow.session.get(SelfAssessment, assessment_id), authz
        )
        await authz.require(principal, Action.RISK_MANAGE, assessment.unit_id)
        check_version(expected, assessment.version)
        assessment = await self_assessments.edit(uow, assessment, changes)
    with_etag(response, assessment.version)
    return views.self_assessment_read(assessment)


@router.post(
    "/{assessment_id}/complete",
    summary="Complete with result (ok | brister), analysis, figures (comparisons) and actions",
)
async def complete_self_assessment(
    assessment_id: uuid.UUID,
    body: s.SelfAssessmentComplete,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.SelfAssessmentRead:
    async with writing(runtime, principal) as uow:
        assessment = await visible_self_assessment(
            principal, await uow.session.get(SelfAssessment, assessment_id), authz
        )
        await authz.require(principal, Action.RISK_MANAGE, assessment.unit_id)
        check_version(expected, assessment.version)
        assessment = await self_assessments.complete(
            uow,
            assessment,
            self_assessments.CompleteSelfAssessment(
                result=body.result,
                analysis=body.analysis,
                completed_by=principal.person_id,
                figures=[
                    Figure(f.indicator, f.value, f.reference_value, f.higher_is_better) for f in body.figures
                ],
                actions=[ActionInput(a.description, a.responsible_id, a.due_date) for a in body.actions],
            ),
        )
    with_etag(response, assessment.version)
    return views.self_assessment_read(assessment)
