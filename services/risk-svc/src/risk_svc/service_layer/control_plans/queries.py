"""Reading internkontrollplaner: one with its rows and follow-ups, the plans the caller may see, and the
prioritised risks proposed for a plan."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from platform_shared.access import Action
from platform_shared.decisions import Decision
from platform_shared.pagination import PageRequest, keyset_page
from risk_svc.adapters.orm import Control, ControlPlan, ControlPlanFollowUp, ControlPlanRow, Risk
from risk_svc.domain.control_plans import OCCASION_ORDER, ControlKind, Occasion, PlanStatus
from risk_svc.domain.risks import RiskStatus
from risk_svc.service_layer.access import plan_for, readable_plan, reads_plan
from risk_svc.service_layer.context import Ctx, QueryCtx, columns_of


async def plan(ctx: QueryCtx, plan_id: uuid.UUID) -> dict[str, Any]:
    return await view(ctx, await readable_plan(ctx, plan_id))


async def view(ctx: Ctx, p: ControlPlan) -> dict[str, Any]:
    """The plan with its rows (each with its risk and how many controls it scheduled), its follow-ups
    and the occasion it is followed up at next."""
    rows = (
        await ctx.session.execute(
            select(ControlPlanRow, Risk.reference, Risk.title, Risk.risk_value)
            .outerjoin(Risk, Risk.id == ControlPlanRow.risk_id)
            .where(ControlPlanRow.plan_id == p.id)
            .order_by(ControlPlanRow.id)
        )
    ).all()
    scheduled = dict(
        (
            await ctx.session.execute(
                select(Control.row_id, func.count()).where(Control.plan_id == p.id).group_by(Control.row_id)
            )
        ).all()
    )
    follow_ups = (
        await ctx.session.scalars(
            select(ControlPlanFollowUp)
            .where(ControlPlanFollowUp.plan_id == p.id)
            .order_by(ControlPlanFollowUp.followed_up_at)
        )
    ).all()
    done = {Occasion(f.occasion) for f in follow_ups}
    upcoming = [o for o in OCCASION_ORDER if o not in done]
    decision = Decision.from_dict(p.decision) if p.decision else None
    return columns_of(p) | {
        "decision": decision.as_dict() | {"text": decision.describe()} if decision else None,
        "rows": [
            columns_of(row)
            | {
                "risk_reference": reference,
                "risk_title": title,
                "risk_value": value,
                "controls_scheduled": int(scheduled.get(row.id, 0)),
            }
            for row, reference, title, value in rows
        ],
        "follow_ups": [columns_of(f) | {"figures": dict(f.figures or {})} for f in follow_ups],
        "next_occasion": upcoming[0] if upcoming and p.status != PlanStatus.DRAFT.value else None,
    }


@dataclass(frozen=True)
class PlanFilter:
    unit_id: uuid.UUID | None = None
    year: int | None = None
    status: PlanStatus | None = None


async def plans(ctx: QueryCtx, f: PlanFilter, page: PageRequest) -> tuple[list[ControlPlan], str | None]:
    """The plans the caller may see. Plans are few (one per nämnd and year): they are filtered by the
    plan rule after the keyset page."""
    stmt = select(ControlPlan)
    for column, value in (
        (ControlPlan.unit_id, f.unit_id),
        (ControlPlan.year, f.year),
        (ControlPlan.status, f.status.value if f.status else None),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    rows, next_cursor = await keyset_page(ctx.session, stmt, [ControlPlan.id], page)
    return [p for p in rows if await reads_plan(ctx, p)], next_cursor


async def proposals(ctx: QueryCtx, plan_id: uuid.UUID) -> list[Risk]:
    """Prioritised open risks of the nämnd's organisation not yet in the plan (for those preparing it)."""
    p = await plan_for(ctx, plan_id, Action.CONTROL_PLAN_PREPARE, lock=False)
    units = await ctx.caller.directory.subtree(p.unit_id)
    in_plan = select(ControlPlanRow.risk_id).where(
        ControlPlanRow.plan_id == p.id,
        ControlPlanRow.kind == ControlKind.INTERNKONTROLL.value,
        ControlPlanRow.risk_id.is_not(None),  # NOT IN over a NULL is never true
    )
    found = await ctx.session.scalars(
        select(Risk)
        .where(
            Risk.unit_id.in_(units),
            Risk.prioritised.is_(True),
            Risk.status != RiskStatus.CLOSED.value,
            Risk.id.not_in(in_plan),
        )
        .order_by(Risk.risk_value.desc(), Risk.id)
    )
    return list(found.all())
