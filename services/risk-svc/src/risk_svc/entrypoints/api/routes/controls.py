from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Response
from sqlalchemy import or_, select

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
from platform_shared.api.types import Day
from platform_shared.errors import NotFound
from platform_shared.timeutil import local_date
from risk_svc.adapters.orm import Control, ControlPlan
from risk_svc.domain.control_plans import ControlStatus
from risk_svc.entrypoints.api import schemas as s
from risk_svc.entrypoints.api import views
from risk_svc.entrypoints.api.access import reads_plan, sees_control_details, visible_control
from risk_svc.entrypoints.api.routes.common import DEFAULT, RESPONSES, Cursor, Limit, with_etag, writing
from risk_svc.service_layer import control_plans, queries
from risk_svc.service_layer.risks import ActionInput

router = APIRouter(prefix="/api/v1/risk/controls", tags=["internkontrollplan"], responses=RESPONSES)


def _finding(body: s.FindingCreate) -> control_plans.FindingInput:
    action = body.action
    return control_plans.FindingInput(
        body.description,
        ActionInput(action.description, action.responsible_id, action.due_date) if action else None,
    )


@router.get(
    "", summary="Scheduled controls (a plan's: plan_id; otherwise those of units in the caller's scope)"
)
async def list_controls(
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    session: SessionDep,
    runtime: RuntimeDep,
    plan_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    status_: ControlStatus | None = Query(default=None, alias="status"),
    due_before: Day | None = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT,
) -> Page[s.ControlRead]:
    today = local_date(runtime.clock())
    stmt = select(Control)
    if plan_id is not None:
        plan = await session.get(ControlPlan, plan_id)
        if plan is None or not await reads_plan(principal, plan, authz, directory):
            raise NotFound("Internkontrollplan not found")
        stmt = stmt.where(Control.plan_id == plan_id)
    else:
        perform = await authz.visibility(principal, Action.CONTROL_PERFORM)
        read = await authz.visibility(principal, Action.RISK_READ)
        stmt = stmt.where(
            or_(
                queries.scope_filter(perform, Control.unit_id, [], principal.person_id),
                queries.scope_filter(read, Control.unit_id, [], principal.person_id),
            )
        )
    if unit_id is not None:
        stmt = stmt.where(Control.unit_id == unit_id)
    if due_before is not None:
        stmt = stmt.where(Control.due_date < due_before)
    if status_ is ControlStatus.PERFORMED:
        stmt = stmt.where(Control.performed.is_(True))
    elif status_ is ControlStatus.MISSED:
        stmt = stmt.where(Control.performed.is_(False), Control.due_date < today)
    elif status_ is ControlStatus.SCHEDULED:
        stmt = stmt.where(Control.performed.is_(False), Control.due_date >= today)
    rows, next_cursor = await page_by_id(session, stmt, Control.id, cursor, limit)
    items = [
        await views.control_read(session, c, today, await sees_control_details(principal, c, authz))
        for c in rows
    ]
    return Page[s.ControlRead](items=items, next_cursor=next_cursor)


@router.get("/{control_id}", summary="One control, its result and findings")
async def get_control(
    control_id: uuid.UUID,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    session: SessionDep,
    runtime: RuntimeDep,
    response: Response,
) -> s.ControlRead:
    control = await session.get(Control, control_id)
    plan = await session.get(ControlPlan, control.plan_id) if control else None
    control = await visible_control(principal, control, plan, authz, directory)
    with_etag(response, control.version)
    details = await sees_control_details(principal, control, authz)
    return await views.control_read(session, control, local_date(runtime.clock()), details)


@router.post(
    "/{control_id}/perform",
    summary="Record the control: result ok or avvikelser (with findings, whose actions go to the risk)",
)
async def perform_control(
    control_id: uuid.UUID,
    body: s.PerformBody,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.ControlRead:
    async with writing(runtime, principal) as uow:
        control = await uow.session.get(Control, control_id)
        plan = await uow.session.get(ControlPlan, control.plan_id) if control else None
        control = await visible_control(principal, control, plan, authz, directory)
        assert plan is not None
        await authz.require(principal, Action.CONTROL_PERFORM, control.unit_id)
        check_version(expected, control.version)
        control = await control_plans.perform(
            uow,
            plan,
            control,
            control_plans.PerformControl(
                result=body.result,
                performed_by=principal.person_id,
                performed_on=body.performed_on,
                note=body.note,
                findings=[_finding(f) for f in body.findings],
            ),
        )
        read = await views.control_read(uow.session, control, local_date(uow.clock()), True)
    with_etag(response, control.version)
    return read


@router.post("/{control_id}/findings", summary="Record a further finding on a performed control")
async def add_finding(
    control_id: uuid.UUID,
    body: s.FindingCreate,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    runtime: RuntimeDep,
    expected: IfMatch,
    response: Response,
) -> s.ControlRead:
    async with writing(runtime, principal) as uow:
        control = await uow.session.get(Control, control_id)
        plan = await uow.session.get(ControlPlan, control.plan_id) if control else None
        control = await visible_control(principal, control, plan, authz, directory)
        assert plan is not None
        await authz.require(principal, Action.CONTROL_PERFORM, control.unit_id)
        check_version(expected, control.version)
        control = await control_plans.add_finding(uow, plan, control, _finding(body), principal.person_id)
        read = await views.control_read(uow.session, control, local_date(uow.clock()), True)
    with_etag(response, control.version)
    return read
