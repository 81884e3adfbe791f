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
from platform_shared.errors import FieldError, NotFound, ValidationFailed
from risk_svc.adapters.orm import ControlPlan, ControlPlanRow, Risk
from risk_svc.domain.control_plans import PlanStatus
from risk_svc.domain.risks import RiskStatus
from risk_svc.entrypoints.api import schemas as s
from risk_svc.entrypoints.api import views
from risk_svc.entrypoints.api.access import reads_plan, require_named_unit, visible_plan
from risk_svc.entrypoints.api.routes.common import DEFAULT, RESPONSES, Cursor, Limit, with_etag, writing
from risk_svc.service_layer import control_plans
from risk_svc.service_layer.common import unit_level

router = APIRouter(prefix="/api/v1/risk/control-plans", tags=["internkontrollplan"], responses=RESPONSES)


@router.post(
    "", status_code=status.HTTP_201_CREATED, summary="Draft the nämnd's internkontrollplan for a year"
)
async def create_plan(
    body: s.PlanCreate,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    session: SessionDep,
    response: Response,
) -> s.PlanRead:
    level = await unit_level(session, body.unit_id)
    if level is None:
        raise ValidationFailed("Unknown unit", errors=[FieldError("unit_id", "no such org unit")])
    if level != "namnd":
        raise ValidationFailed("A plan belongs to a nämnd", errors=[FieldError("unit_id", "not a nämnd")])
    await require_named_unit(principal, Action.CONTROL_PLAN_PREPARE, body.unit_id, authz)
    async with writing(runtime, principal) as uow:
        plan = await control_plans.create(uow, body.unit_id, body.year, principal.person_id)
        read = await views.plan_read(uow.session, plan)
    with_etag(response, plan.version)
    return read


@router.get("", summary="Internkontrollplaner the caller may see")
async def list_plans(
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    session: SessionDep,
    unit_id: uuid.UUID | None = None,
    year: Year | None = None,
    status_: PlanStatus | None = Query(default=None, alias="status"),
    cursor: Cursor = None,
    limit: Limit = DEFAULT,
) -> Page[s.PlanSummary]:
    stmt = select(ControlPlan)
    for column, value in (
        (ControlPlan.unit_id, unit_id),
        (ControlPlan.year, year),
        (ControlPlan.status, status_.value if status_ else None),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    # Plans are few (one per nämnd and year): filter them by the plan rule after the keyset page.
    rows, next_cursor = await page_by_id(session, stmt, ControlPlan.id, cursor, limit)
    items = [views.plan_summary(p) for p in rows if await reads_plan(principal, p, authz, directory)]
    return Page[s.PlanSummary](items=items, next_cursor=next_cursor)


@router.get("/{plan_id}", summary="The plan with its rows (kontrollmoment) and follow-ups")
async def get_plan(
    plan_id: uuid.UUID,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    session: SessionDep,
    response: Response,
) -> s.PlanRead:
    plan = await visible_plan(principal, await session.get(ControlPlan, plan_id), authz, directory)
    with_etag(response, plan.version)
    return await views.plan_read(session, plan)


@router.get(
    "/{plan_id}/proposals",
    summary="Prioritised risks of the nämnd's organisation not yet in the plan (proposed for it)",
)
async def plan_proposals(
    plan_id: uuid.UUID,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    session: SessionDep,
) -> list[s.ProposalRead]:
    plan = await visible_plan(principal, await session.get(ControlPlan, plan_id), authz, directory)
    await authz.require(principal, Action.CONTROL_PLAN_PREPARE, plan.unit_id)
    units = await directory.subtree(plan.unit_id)
    in_plan = select(ControlPlanRow.risk_id).where(ControlPlanRow.plan_id == plan.id)
    risks = await session.scalars(
        select(Risk)
        .where(
            Risk.unit_id.in_(units),
            Risk.prioritised.is_(True),
            Risk.status != RiskStatus.CLOSED.value,
            Risk.id.not_in(in_plan),
        )
        .order_by(Risk.risk_value.desc(), Risk.id)
    )
    return [
        s.ProposalRead(
            risk_id=r.id,
            reference=r.reference,
            title=r.title,
            unit_id=r.unit_id,
            risk_value=r.risk_value,
            band=r.band,
            prioritised_at=r.prioritised_at,
        )
        for r in risks
    ]


async def _preparing(
    plan_id: uuid.UUID,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    session_plan: ControlPlan | None,
) -> ControlPlan:
    plan = await visible_plan(principal, session_plan, authz, directory)
    await authz.require(principal, Action.CONTROL_PLAN_PREPARE, plan.unit_id)
    return plan


@router.post(
    "/{plan_id}/rows", status_code=status.HTTP_201_CREATED, summary="Add a kontrollmoment (draft only)"
)
async def add_row(
    plan_id: uuid.UUID,
    body: s.RowCreate,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.PlanRead:
    async with writing(runtime, principal) as uow:
        plan = await _preparing(
            plan_id, principal, authz, directory, await uow.session.get(ControlPlan, plan_id)
        )
        check_version(expected, plan.version)
        await control_plans.add_row(
            uow,
            plan,
            control_plans.RowInput(
                risk_id=body.risk_id,
                control_activity=body.control_activity,
                method=body.method,
                frequency=body.frequency,
                reporting_occasion=body.reporting_occasion,
                responsible_id=body.responsible_id,
                unit_id=body.unit_id,
            ),
        )
        read = await views.plan_read(uow.session, plan)
    with_etag(response, plan.version)
    return read


def _row(plan: ControlPlan, row: ControlPlanRow | None) -> ControlPlanRow:
    if row is None or row.plan_id != plan.id:
        raise NotFound("Row not found")
    return row


@router.patch("/{plan_id}/rows/{row_id}", summary="Edit a kontrollmoment (draft only)")
async def edit_row(
    plan_id: uuid.UUID,
    row_id: uuid.UUID,
    body: s.RowPatch,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.PlanRead:
    changes = body.model_dump(exclude_unset=True)
    for required in ("control_activity", "method", "frequency", "reporting_occasion", "unit_id"):
        if required in changes and changes[required] is None:
            raise ValidationFailed(
                f"{required} cannot be empty", errors=[FieldError(required, "cannot be null")]
            )
    async with writing(runtime, principal) as uow:
        plan = await _preparing(
            plan_id, principal, authz, directory, await uow.session.get(ControlPlan, plan_id)
        )
        row = _row(plan, await uow.session.get(ControlPlanRow, row_id))
        check_version(expected, plan.version)
        await control_plans.edit_row(uow, plan, row, changes)
        read = await views.plan_read(uow.session, plan)
    with_etag(response, plan.version)
    return read


@router.delete("/{plan_id}/rows/{row_id}", summary="Remove a kontrollmoment (draft only)")
async def delete_row(
    plan_id: uuid.UUID,
    row_id: uuid.UUID,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.PlanRead:
    async with writing(runtime, principal) as uow:
        plan = await _preparing(
            plan_id, principal, authz, directory, await uow.session.get(ControlPlan, plan_id)
        )
        row = _row(plan, await uow.session.get(ControlPlanRow, row_id))
        check_version(expected, plan.version)
        await control_plans.delete_row(uow, plan, row)
        read = await views.plan_read(uow.session, plan)
    with_etag(response, plan.version)
    return read


@router.post(
    "/{plan_id}/adopt",
    summary="The nämnd adopts the plan (decision reference and date); every row's controls are scheduled",
)
async def adopt_plan(
    plan_id: uuid.UUID,
    body: s.AdoptBody,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.PlanRead:
    async with writing(runtime, principal) as uow:
        plan = await visible_plan(principal, await uow.session.get(ControlPlan, plan_id), authz, directory)
        await authz.require(principal, Action.CONTROL_PLAN_ADOPT, plan.unit_id)
        check_version(expected, plan.version)
        plan = await control_plans.adopt(
            uow, plan, body.decision_reference, body.decided_on, principal.person_id
        )
        read = await views.plan_read(uow.session, plan)
    with_etag(response, plan.version)
    return read


@router.post("/{plan_id}/follow-up", summary="Follow the plan up at t1, t2 or arsbokslut (in order)")
async def follow_up_plan(
    plan_id: uuid.UUID,
    body: s.PlanFollowUpBody,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.PlanRead:
    async with writing(runtime, principal) as uow:
        plan = await _preparing(
            plan_id, principal, authz, directory, await uow.session.get(ControlPlan, plan_id)
        )
        check_version(expected, plan.version)
        plan = await control_plans.follow_up(uow, plan, body.occasion, body.note, principal.person_id)
        read = await views.plan_read(uow.session, plan)
    with_etag(response, plan.version)
    return read
