"""Reading controls: one with its result and findings, and the controls the caller may see (those of a
plan, or of the units in the caller's scope). One rule for both: service_layer/access.py."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from platform_shared.access import Action
from platform_shared.errors import NotFound
from platform_shared.pagination import PageRequest, keyset_page
from risk_svc.adapters.orm import Control, ControlFinding, ControlPlan, ControlPlanRow
from risk_svc.domain.control_plans import ControlStatus, control_status
from risk_svc.service_layer.access import (
    PLAN_NOT_FOUND,
    holds_plan,
    readable_control,
    reads_plan,
    sees_control_details,
)
from risk_svc.service_layer.context import Ctx, QueryCtx, columns_of, today
from risk_svc.service_layer.lists import scope_filter


async def control(ctx: QueryCtx, control_id: uuid.UUID) -> dict[str, Any]:
    return await view(ctx, await readable_control(ctx, control_id))


async def view(ctx: Ctx, c: Control) -> dict[str, Any]:
    """The control; its note and the text of its findings only for those who perform or read risks
    where it is performed."""
    details = await sees_control_details(ctx, c)
    kind = await ctx.session.scalar(select(ControlPlanRow.kind).where(ControlPlanRow.id == c.row_id))
    findings = (
        await ctx.session.scalars(
            select(ControlFinding).where(ControlFinding.control_id == c.id).order_by(ControlFinding.id)
        )
    ).all()
    return columns_of(c) | {
        "kind": kind,
        "status": control_status(c.performed, c.due_date, today(ctx)),
        "note": c.note if details else None,
        "finding_count": len(findings),
        "findings": [columns_of(f) | {"description": f.description if details else None} for f in findings],
    }


@dataclass(frozen=True)
class ControlFilter:
    plan_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    status: ControlStatus | None = None
    due_before: date | None = None


async def _visible(ctx: QueryCtx) -> ColumnElement[bool]:
    """Controls performed where the caller performs or reads risks, and every control of the plans the
    caller holds at the nämnd."""
    perform = await ctx.caller.visibility(Action.CONTROL_PERFORM)
    read = await ctx.caller.visibility(Action.RISK_READ)
    held = [p.id for p in (await ctx.session.scalars(select(ControlPlan))).all() if await holds_plan(ctx, p)]
    return or_(
        scope_filter(perform, Control.unit_id, [], ctx.caller.id),
        scope_filter(read, Control.unit_id, [], ctx.caller.id),
        Control.plan_id.in_(held),
    )


async def controls(ctx: QueryCtx, f: ControlFilter, page: PageRequest) -> tuple[list[Control], str | None]:
    """The controls the caller may see; a plan named must be one the caller sees (else 404)."""
    stmt = select(Control).where(await _visible(ctx))
    if f.plan_id is not None:
        plan = await ctx.session.get(ControlPlan, f.plan_id)
        if plan is None or not await reads_plan(ctx, plan):
            raise NotFound(PLAN_NOT_FOUND)
        stmt = stmt.where(Control.plan_id == f.plan_id)
    if f.unit_id is not None:
        stmt = stmt.where(Control.unit_id == f.unit_id)
    if f.due_before is not None:
        stmt = stmt.where(Control.due_date < f.due_before)
    day = today(ctx)
    if f.status is ControlStatus.PERFORMED:
        stmt = stmt.where(Control.performed.is_(True))
    elif f.status is ControlStatus.MISSED:
        stmt = stmt.where(Control.performed.is_(False), Control.due_date < day)
    elif f.status is ControlStatus.SCHEDULED:
        stmt = stmt.where(Control.performed.is_(False), Control.due_date >= day)
    return await keyset_page(ctx.session, stmt, [Control.id], page)
