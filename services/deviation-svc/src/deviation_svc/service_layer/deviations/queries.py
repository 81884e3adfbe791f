"""Reading deviations: one case (the full case for those who handle it, the status for its reporter),
lists (keyset pages, newest first), the investigation, the timeline. Every read of a case is audited
in the same transaction, before it is shown."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import exists, not_, or_, select

from deviation_svc.adapters.orm import (
    Decision,
    Deviation,
    DeviationAction,
    InvestigationEntry,
    IvoNotification,
)
from deviation_svc.adapters.orm import messaging as messaging_tables
from deviation_svc.domain.documents import document_ids_of
from deviation_svc.domain.model import DeviationType, ivo_required, risk_value
from deviation_svc.service_layer import subjects
from deviation_svc.service_layer.access import readable
from deviation_svc.service_layer.actions.queries import action_view, actions_of
from deviation_svc.service_layer.context import Ctx, QueryCtx
from deviation_svc.service_layer.lists import DEADLINE, late, like, period, subtree, visibility_clause
from deviation_svc.service_layer.views import columns_of, deadlines_of
from platform_shared.access import Action
from platform_shared.contracts.common import AuditRecorded
from platform_shared.pagination import PageRequest, keyset_page

OBJECT_TYPE = "deviation"
DEVIATION_TYPES = frozenset(t.value for t in DeviationType)
REPORTER_FIELDS = (
    "id",
    "reference",
    "type",
    "status",
    "unit_id",
    "occurred_at",
    "reported_at",
    "description",
    "category",
    "reporter_id",
    "closed_at",
    "version",
)


# --- one case ------------------------------------------------------------------------------------


async def read(
    ctx: QueryCtx, deviation_id: uuid.UUID, audit_action: str = "read", *, handlers_only: bool = False
) -> tuple[Deviation, bool]:
    """(deviation, handler view?), the read audited; 404 when not visible."""
    d, full = await readable(ctx, deviation_id, handlers_only=handlers_only)
    await ctx.audited(OBJECT_TYPE, d.id, audit_action)
    return d, full


async def deviation(ctx: QueryCtx, deviation_id: uuid.UUID) -> dict[str, Any]:
    d, full = await read(ctx, deviation_id)
    return await view(ctx, d, full=full)


async def view(ctx: Ctx, d: Deviation, *, full: bool = True) -> dict[str, Any]:
    """The read model of a case: the whole case for its handlers, the status for its reporter."""
    if not full:
        return {name: getattr(d, name) for name in REPORTER_FIELDS} | {
            "view": "reporter",
            "document_ids": document_ids_of(d.document_ids),
        }
    session = ctx.session
    notification = await session.scalar(select(IvoNotification).where(IvoNotification.deviation_id == d.id))
    decision = await session.scalar(
        select(Decision).where(Decision.deviation_id == d.id).order_by(Decision.decided_at.desc()).limit(1)
    )
    kind = DeviationType(d.type)
    return columns_of(d) | {
        "view": "full",
        "source": {"system": d.source_system, "external_id": d.source_external_id}
        if d.source_system
        else None,
        "risk_value": risk_value(d.probability, d.severity),
        "document_ids": document_ids_of(d.document_ids),
        "ivo_required": notification is not None or ivo_required(kind, d.degree),
        "decision": _decision(decision),
        "ivo_notification": ivo_summary(notification),
        "actions": [action_view(a) for a in await actions_of(ctx, d.id)],
        "subjects": [asdict(s) for s in await subjects.of(session, ctx.parts.cipher, d.id)],
        "deadlines": await deadlines_of(ctx, d.id),
    }


def _decision(decision: Decision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {
        "degree": decision.degree,
        "ivo_required": decision.ivo_required,
        "motivation": decision.motivation,
        "no_actions_motivation": decision.no_actions_motivation,
        "decided_by": decision.decided_by,
        "decided_at": decision.decided_at,
    }


def ivo_summary(n: IvoNotification | None) -> dict[str, Any] | None:
    if n is None:
        return None
    return {
        "id": n.id,
        "kind": n.kind,
        "degree": n.degree,
        "decided_by": n.decided_by,
        "decided_at": n.decided_at,
        "sent_at": n.sent_at,
        "ivo_case_number": n.ivo_case_number,
        "investigation_attached": n.investigation_attached,
        "investigation_sent_at": n.investigation_sent_at,
        "namnd_informed_at": n.namnd_informed_at,
    }


# --- the investigation and the timeline -----------------------------------------------------------


async def investigation(ctx: QueryCtx, deviation_id: uuid.UUID) -> dict[str, Any]:
    d, _ = await read(ctx, deviation_id, "read_investigation", handlers_only=True)
    return await investigation_view(ctx, d)


async def investigation_view(ctx: Ctx, d: Deviation) -> dict[str, Any]:
    entries = await ctx.session.scalars(
        select(InvestigationEntry)
        .where(InvestigationEntry.deviation_id == d.id)
        .order_by(InvestigationEntry.created_at, InvestigationEntry.id)
    )
    return {
        "deviation_id": d.id,
        "investigator_id": d.investigator_id,
        "method": d.investigation_method,
        "started_at": d.investigation_started_at,
        "completed_at": d.investigation_completed_at,
        "conclusion": d.investigation_conclusion,
        "proposed_degree": d.proposed_degree,
        "analysis_team": d.analysis_team,
        "individual_involvement": d.individual_involvement,
        "entries": [columns_of(e) for e in entries.all()],
    }


async def history(ctx: QueryCtx, deviation_id: uuid.UUID, page: PageRequest) -> dict[str, Any]:
    """The case's timeline, read from the service's event log (the outbox keeps sent rows): every step
    with its time, actor and the facts it carried; audit records of reads are left out."""
    d, _ = await read(ctx, deviation_id, "read_history", handlers_only=True)
    o = messaging_tables.outbox.c
    stmt = select(o.seq, o.payload).where(o.key == str(d.id), o.event_type != AuditRecorded.event_type)
    rows, next_cursor = await keyset_page(ctx.session, stmt, [o.seq], page, scalars=False)
    items = [
        {
            "at": row.payload["time"],
            "type": row.payload["type"],
            "actor_id": row.payload.get("actorid"),
            "status": row.payload["data"].get("status"),
            "data": row.payload["data"],
        }
        for row in rows
    ]
    return {"items": items, "next_cursor": next_cursor}


# --- lists ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviationFilter:
    status: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    unit_id: uuid.UUID | None = None
    first: date | None = None
    last: date | None = None
    category: str | None = None
    severity: int | None = None
    overdue: bool | None = None
    q: str | None = None


async def deviations(
    ctx: QueryCtx, f: DeviationFilter, page: PageRequest
) -> tuple[list[Deviation], str | None]:
    """Newest first by (reported_at, id); never a case the caller may not read."""
    caller = ctx.caller
    vis = await caller.visibility(Action.CASE_READ)
    if vis.nothing:
        return [], None
    me = caller.id
    assigned = or_(
        Deviation.investigator_id == me,
        exists(
            select(DeviationAction.id).where(
                DeviationAction.deviation_id == Deviation.id, DeviationAction.responsible_id == me
            )
        ),
    )
    stmt = select(Deviation)
    visible = visibility_clause(
        vis,
        caller.principal,
        Deviation.unit_id,
        Deviation.type,
        DEVIATION_TYPES,
        Deviation.reporter_id,
        assigned,
    )
    if visible is not None:
        stmt = stmt.where(visible)
    units = await subtree(ctx, f.unit_id)
    if units is not None:
        stmt = stmt.where(Deviation.unit_id.in_(units))
    if f.status:
        stmt = stmt.where(Deviation.status.in_(f.status))
    if f.type:
        stmt = stmt.where(Deviation.type.in_(f.type))
    if f.category is not None:
        stmt = stmt.where(Deviation.category == f.category)
    if f.severity is not None:
        stmt = stmt.where(Deviation.severity == f.severity)
    if f.q:
        stmt = stmt.where(Deviation.description.ilike(like(f.q), escape="\\"))
    stmt = stmt.where(*period(Deviation.reported_at, f.first, f.last))
    if f.overdue is not None:
        actions = select(DeviationAction.id).where(DeviationAction.deviation_id == Deviation.id)
        overdue = or_(
            late(DEADLINE.object_id == Deviation.id, ctx.now()),
            late(DEADLINE.object_id.in_(actions), ctx.now()),
        )
        stmt = stmt.where(overdue if f.overdue else not_(overdue))
    return await keyset_page(ctx.session, stmt, [Deviation.reported_at, Deviation.id], page, descending=True)
