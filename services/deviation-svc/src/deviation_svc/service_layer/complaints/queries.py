"""Reading complaints: one (audited), and lists visible to the caller (newest first)."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import not_, select

from deviation_svc.adapters.orm import Complaint, ComplaintGuarantee
from deviation_svc.service_layer import subjects
from deviation_svc.service_layer.access import load_case
from deviation_svc.service_layer.context import Ctx, QueryCtx
from deviation_svc.service_layer.lists import DEADLINE, late, period, subtree, visibility_clause
from deviation_svc.service_layer.views import columns_of, deadlines_of
from platform_shared.access import Action
from platform_shared.pagination import PageRequest, keyset_page


async def complaint(ctx: QueryCtx, complaint_id: uuid.UUID) -> dict[str, Any]:
    c = await load_case(ctx, Complaint, complaint_id, None, lock=False)
    await ctx.audited("complaint", c.id, "read")
    return await view(ctx, c)


async def view(ctx: Ctx, c: Complaint) -> dict[str, Any]:
    people = await subjects.of(ctx.session, ctx.parts.cipher, c.id)
    named = await ctx.session.scalars(
        select(ComplaintGuarantee.guarantee_id)
        .where(ComplaintGuarantee.complaint_id == c.id)
        .order_by(ComplaintGuarantee.guarantee_id)
    )
    return columns_of(c) | {
        "guarantee_ids": list(named.all()),
        "subjects": [asdict(s) for s in people],
        "deadlines": await deadlines_of(ctx, c.id),
    }


@dataclass(frozen=True)
class CaseFilter:
    """Filters of the complaint and data-breach lists."""

    status: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    unit_id: uuid.UUID | None = None
    first: date | None = None
    last: date | None = None
    overdue: bool | None = None


async def complaints(ctx: QueryCtx, f: CaseFilter, page: PageRequest) -> tuple[list[Complaint], str | None]:
    vis = await ctx.caller.visibility(Action.CASE_READ)
    if vis.nothing:
        return [], None
    stmt = select(Complaint).where(Complaint.moved_to_proposal_id.is_(None))  # proposals now
    visible = visibility_clause(
        vis,
        ctx.caller.principal,
        Complaint.unit_id,
        None,
        frozenset({"complaint"}),
        Complaint.registered_by,
        None,
    )
    if visible is not None:
        stmt = stmt.where(visible)
    units = await subtree(ctx, f.unit_id)
    if units is not None:
        stmt = stmt.where(Complaint.unit_id.in_(units))
    if f.status:
        stmt = stmt.where(Complaint.status.in_(f.status))
    if f.kind:
        stmt = stmt.where(Complaint.kind.in_(f.kind))
    stmt = stmt.where(*period(Complaint.received_at, f.first, f.last))
    if f.overdue is not None:
        overdue = late(DEADLINE.object_id == Complaint.id, ctx.now())
        stmt = stmt.where(overdue if f.overdue else not_(overdue))
    return await keyset_page(ctx.session, stmt, [Complaint.received_at, Complaint.id], page, descending=True)
