"""Reading personuppgiftsincidenter: one (audited), and lists visible to the caller (newest first)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import not_, select

from deviation_svc.adapters.orm import DataBreach
from deviation_svc.domain.breaches import BreachRisk, subjects_must_be_informed
from deviation_svc.service_layer.access import load_case
from deviation_svc.service_layer.complaints.queries import CaseFilter
from deviation_svc.service_layer.context import Ctx, QueryCtx
from deviation_svc.service_layer.lists import DEADLINE, late, period, subtree, visibility_clause
from deviation_svc.service_layer.views import columns_of, deadlines_of
from platform_shared.access import Action
from platform_shared.pagination import PageRequest, keyset_page


async def breach(ctx: QueryCtx, breach_id: uuid.UUID) -> dict[str, Any]:
    b = await load_case(ctx, DataBreach, breach_id, None, lock=False)
    await ctx.audited("data_breach", b.id, "read")
    return await view(ctx, b)


async def view(ctx: Ctx, b: DataBreach) -> dict[str, Any]:
    return columns_of(b) | {
        "subjects_must_be_informed": subjects_must_be_informed(BreachRisk(b.risk)) if b.risk else None,
        "deadlines": await deadlines_of(ctx, b.id),
    }


async def breaches(ctx: QueryCtx, f: CaseFilter, page: PageRequest) -> tuple[list[DataBreach], str | None]:
    vis = await ctx.caller.visibility(Action.CASE_READ)
    if vis.nothing:
        return [], None
    stmt = select(DataBreach)
    visible = visibility_clause(
        vis,
        ctx.caller.principal,
        DataBreach.unit_id,
        None,
        frozenset({"data_breach"}),
        DataBreach.reported_by,
        None,
    )
    if visible is not None:
        stmt = stmt.where(visible)
    units = await subtree(ctx, f.unit_id)
    if units is not None:
        stmt = stmt.where(DataBreach.unit_id.in_(units))
    if f.status:
        stmt = stmt.where(DataBreach.status.in_(f.status))
    stmt = stmt.where(*period(DataBreach.reported_at, f.first, f.last))
    if f.overdue is not None:
        overdue = late(DEADLINE.object_id == DataBreach.id, ctx.now())
        stmt = stmt.where(overdue if f.overdue else not_(overdue))
    return await keyset_page(
        ctx.session, stmt, [DataBreach.reported_at, DataBreach.id], page, descending=True
    )
