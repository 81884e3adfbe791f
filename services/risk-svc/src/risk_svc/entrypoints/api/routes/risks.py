from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

from fastapi import APIRouter, Query, Response, status
from sqlalchemy import select

from platform_shared.access import Action, Authorizer, Principal
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
from platform_shared.api.types import Day
from platform_shared.errors import FieldError, Forbidden, ValidationFailed
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.runtime import ServiceRuntime
from platform_shared.timeutil import start_of_local_day
from risk_svc.adapters.orm import Risk
from risk_svc.domain.matrix import build_matrix
from risk_svc.domain.model import CONSEQUENCE_LABELS, PROBABILITY_LABELS
from risk_svc.domain.risks import RiskSource, RiskStatus
from risk_svc.entrypoints.api import schemas as s
from risk_svc.entrypoints.api import views
from risk_svc.entrypoints.api.access import manage_risk, visible_risk
from risk_svc.entrypoints.api.routes.common import DEFAULT, RESPONSES, Cursor, Limit, with_etag, writing
from risk_svc.service_layer import queries, risks
from risk_svc.service_layer import settings as tenant

router = APIRouter(prefix="/api/v1/risk/risks", tags=["risks"], responses=RESPONSES)
matrix_router = APIRouter(prefix="/api/v1/risk", tags=["risks"], responses=RESPONSES)


def _actions(items: list[s.ActionCreate]) -> list[risks.ActionInput]:
    return [risks.ActionInput(a.description, a.responsible_id, a.due_date) for a in items]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Identify a risk; with sannolikhet and konsekvens it is assessed at once (RISK_MANAGE)",
)
async def identify_risk(
    body: s.RiskCreate,
    principal: CurrentPrincipal,
    directory: DirectoryDep,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    response: Response,
) -> s.RiskRead:
    if not await directory.unit_exists(body.unit_id):
        raise ValidationFailed("Unknown unit", errors=[FieldError("unit_id", "no such org unit")])
    assessed = body.probability is not None or body.consequence is not None
    await authz.require(principal, Action.RISK_MANAGE if assessed else Action.RISK_CONTRIBUTE, body.unit_id)
    async with writing(runtime, principal) as uow:
        risk = await risks.identify(
            uow,
            risks.IdentifyRisk(
                unit_id=body.unit_id,
                title=body.title,
                identified_by=principal.person_id,
                description=body.description,
                process=body.process,
                source=body.source.value if body.source else None,
                analysis_id=body.analysis_id,
                owner_id=body.owner_id,
                probability=body.probability,
                consequence=body.consequence,
                assessment_note=body.assessment_note,
                deviation_ids=body.linked_deviation_ids,
                complaint_ids=body.linked_complaint_ids,
                suggestion_key=body.suggestion_key,
                actions=_actions(body.actions),
            ),
        )
        read = await views.risk_read(uow.session, risk, await tenant.current(uow.session))
    with_etag(response, risk.version)
    return read


@router.get("", summary="Risks the caller may read (keyset pages)")
async def list_risks(
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    session: SessionDep,
    unit_id: uuid.UUID | None = None,
    responsible_unit_id: uuid.UUID | None = None,
    analysis_id: uuid.UUID | None = None,
    status_: RiskStatus | None = Query(default=None, alias="status"),
    source: RiskSource | None = None,
    prioritised: bool | None = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT,
) -> Page[s.RiskSummary]:
    visibility = await authz.visibility(principal, Action.RISK_READ)
    for named in (unit_id, responsible_unit_id):  # a named unit outside one's reach is 403
        if (
            named is not None
            and not visibility.own
            and not await authz.can(principal, Action.RISK_READ, named)
        ):
            raise Forbidden("Din roll ger inte behörighet att läsa risker här")
    stmt = select(Risk).where(
        queries.scope_filter(
            visibility, Risk.unit_id, [Risk.identified_by, Risk.owner_id], principal.person_id
        )
    )
    for column, value in (
        (Risk.unit_id, unit_id),
        (Risk.responsible_unit_id, responsible_unit_id),
        (Risk.analysis_id, analysis_id),
        (Risk.status, status_.value if status_ else None),
        (Risk.source, source.value if source else None),
        (Risk.prioritised, prioritised),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    rows, next_cursor = await page_by_id(session, stmt, Risk.id, cursor, limit)
    return Page[s.RiskSummary](items=[views.risk_summary(r) for r in rows], next_cursor=next_cursor)


@router.get("/{risk_id}", summary="One risk, its links and action plan")
async def get_risk(
    risk_id: uuid.UUID,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    session: SessionDep,
    response: Response,
) -> s.RiskRead:
    risk = await visible_risk(principal, await session.get(Risk, risk_id), authz)
    with_etag(response, risk.version)
    return await views.risk_read(session, risk, await tenant.current(session))


@router.get("/{risk_id}/history", summary="Every assessment and step of the risk")
async def get_risk_history(
    risk_id: uuid.UUID, principal: CurrentPrincipal, authz: AuthorizerDep, session: SessionDep
) -> s.RiskHistoryRead:
    risk = await visible_risk(principal, await session.get(Risk, risk_id), authz)
    assessments, transitions = await queries.risk_history(session, risk.id)
    return s.RiskHistoryRead(
        risk_id=risk.id,
        assessments=[s.AssessmentRead.model_validate(a) for a in assessments],
        transitions=[s.TransitionRead.model_validate(t) for t in transitions],
    )


@router.patch("/{risk_id}", summary="Edit a risk's fields (never its state)")
async def edit_risk(
    risk_id: uuid.UUID,
    body: s.RiskPatch,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.RiskRead:
    changes = body.model_dump(exclude_unset=True)
    if "source" in changes and changes["source"] is not None:
        changes["source"] = changes["source"].value
    for required in ("title",):
        if required in changes and changes[required] is None:
            raise ValidationFailed(
                f"{required} cannot be empty", errors=[FieldError(required, "cannot be null")]
            )
    async with writing(runtime, principal) as uow:
        risk = await visible_risk(principal, await uow.session.get(Risk, risk_id), authz)
        await manage_risk(principal, risk, authz)
        check_version(expected, risk.version)
        risk = await risks.edit(uow, risk, changes, principal.person_id)
        read = await views.risk_read(uow.session, risk, await tenant.current(uow.session))
    with_etag(response, risk.version)
    return read


Step = Callable[[UnitOfWork, Risk, uuid.UUID], Awaitable[Risk]]


async def _command(
    risk_id: uuid.UUID,
    principal: Principal,
    authz: Authorizer,
    runtime: ServiceRuntime,
    expected: int | None,
    response: Response,
    step: Step,
) -> s.RiskRead:
    """Load (404 when not visible) → RISK_MANAGE at the responsible level (403) → If-Match (412) → step."""
    async with writing(runtime, principal) as uow:
        risk = await visible_risk(principal, await uow.session.get(Risk, risk_id), authz)
        await manage_risk(principal, risk, authz)
        check_version(expected, risk.version)
        risk = await step(uow, risk, principal.person_id)
        read = await views.risk_read(uow.session, risk, await tenant.current(uow.session))
    with_etag(response, risk.version)
    return read


@router.post("/{risk_id}/assess", summary="Assess (or reassess) sannolikhet × konsekvens; history is kept")
async def assess_risk(
    risk_id: uuid.UUID,
    body: s.AssessBody,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.RiskRead:
    return await _command(
        risk_id,
        principal,
        authz,
        runtime,
        expected,
        response,
        lambda uow, risk, by: risks.reassess(uow, risk, body.probability, body.consequence, body.note, by),
    )


@router.post(
    "/{risk_id}/prioritise",
    summary="Confirm the prioritisation (proposed for the internkontrollplan); against the tenant's rule "
    "only with a motivation",
)
async def prioritise_risk(
    risk_id: uuid.UUID,
    body: s.MotivationBody,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.RiskRead:
    return await _command(
        risk_id,
        principal,
        authz,
        runtime,
        expected,
        response,
        lambda uow, risk, by: risks.prioritise(uow, risk, body.motivation, by),
    )


@router.post(
    "/{risk_id}/handle-in-unit",
    summary="Handle the risk in the unit's own work; a risk the rule proposes needs a motivation",
)
async def handle_risk_in_unit(
    risk_id: uuid.UUID,
    body: s.MotivationBody,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.RiskRead:
    return await _command(
        risk_id,
        principal,
        authz,
        runtime,
        expected,
        response,
        lambda uow, risk, by: risks.handle_in_unit(uow, risk, body.motivation, by),
    )


@router.post("/{risk_id}/escalate", summary="Escalate to the level above the responsible unit, with a reason")
async def escalate_risk(
    risk_id: uuid.UUID,
    body: s.EscalateBody,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.RiskRead:
    return await _command(
        risk_id,
        principal,
        authz,
        runtime,
        expected,
        response,
        lambda uow, risk, by: risks.escalate(uow, risk, body.reason, by),
    )


@router.post(
    "/{risk_id}/follow-up", summary="Follow up a prioritised or unit-handled risk (residual risk optional)"
)
async def follow_up_risk(
    risk_id: uuid.UUID,
    body: s.FollowUpBody,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.RiskRead:
    return await _command(
        risk_id,
        principal,
        authz,
        runtime,
        expected,
        response,
        lambda uow, risk, by: risks.follow_up(uow, risk, body.note, by, body.probability, body.consequence),
    )


@router.post("/{risk_id}/close", summary="Close a followed-up risk whose actions are all done")
async def close_risk(
    risk_id: uuid.UUID,
    body: s.NoteBody,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.RiskRead:
    return await _command(
        risk_id,
        principal,
        authz,
        runtime,
        expected,
        response,
        lambda uow, risk, by: risks.close(uow, risk, body.note, by),
    )


@router.post(
    "/{risk_id}/actions", status_code=status.HTTP_201_CREATED, summary="Add an action to the risk's plan"
)
async def add_risk_action(
    risk_id: uuid.UUID,
    body: s.ActionCreate,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.RiskRead:
    action = risks.ActionInput(body.description, body.responsible_id, body.due_date)
    return await _command(
        risk_id,
        principal,
        authz,
        runtime,
        expected,
        response,
        lambda uow, risk, by: risks.add_action(uow, risk, action, by),
    )


@router.post("/{risk_id}/actions/{action_id}/complete", summary="Mark an action of the risk's plan done")
async def complete_risk_action(
    risk_id: uuid.UUID,
    action_id: uuid.UUID,
    body: s.NoteBody,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.RiskRead:
    return await _command(
        risk_id,
        principal,
        authz,
        runtime,
        expected,
        response,
        lambda uow, risk, by: risks.complete_action(uow, risk, action_id, body.note, by),
    )


@matrix_router.get(
    "/matrix",
    summary="The 4 × 4 matrix of a unit's subtree, now or as it stood on a date (aggregates: counts only)",
)
async def risk_matrix(
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    session: SessionDep,
    runtime: RuntimeDep,
    unit_id: uuid.UUID,
    date_: Day | None = Query(
        default=None, alias="date", description="As the matrix stood at the end of this day"
    ),
) -> s.MatrixRead:
    if not await directory.unit_exists(unit_id):
        raise ValidationFailed("Unknown unit", errors=[FieldError("unit_id", "no such org unit")])
    if not await authz.can_aggregate(principal, Action.RISK_READ, unit_id):
        raise Forbidden("Din roll ger inte behörighet att se risker för enheten")
    at = start_of_local_day(date_ + timedelta(days=1)) if date_ else None
    if at is not None and at > runtime.clock() + timedelta(days=1):
        raise ValidationFailed(
            "A matrix cannot be drawn for the future", errors=[FieldError("date", "in the future")]
        )
    units = await directory.subtree(unit_id, at=at)
    found, unassessed = await queries.matrix_risks(session, units, at)
    visibility = await authz.visibility(principal, Action.RISK_READ)
    readable = queries.visible_units(visibility)
    aggregate_only = visibility.aggregate_only

    async def may_read(m: queries.MatrixRisk) -> bool:
        if readable is None or m.unit_id in readable:
            return True
        return visibility.own and principal.person_id in (m.identified_by, m.owner_id)

    thresholds = (await tenant.current(session)).bands
    cells = build_matrix(((m.probability, m.consequence, m) for m in found), thresholds)
    out = []
    for cell in cells:
        shown = None
        if not aggregate_only:
            shown = [
                s.MatrixRiskRead(
                    id=m.id,
                    reference=m.reference,
                    title=m.title,
                    unit_id=m.unit_id,
                    status=RiskStatus(m.status),
                )
                for m in cell.items
                if await may_read(m)
            ]
        out.append(
            s.MatrixCellRead(
                probability=cell.probability,
                probability_label=PROBABILITY_LABELS[cell.probability],
                consequence=cell.consequence,
                consequence_label=CONSEQUENCE_LABELS[cell.consequence],
                risk_value=cell.risk_value,
                band=cell.band,
                count=cell.count,
                risks=shown,
            )
        )
    return s.MatrixRead(
        unit_id=unit_id,
        date=date_,
        total=len(found),
        unassessed=unassessed,
        aggregate_only=aggregate_only,
        cells=out,
    )
