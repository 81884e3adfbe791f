"""Read side of a deviation: the full case for those who handle it, the status for its reporter.
Every read of a case is audited in the same transaction."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import select

from deviation_svc.adapters.orm import (
    Decision,
    Deviation,
    DeviationAction,
    InvestigationEntry,
    IvoNotification,
)
from deviation_svc.domain.model import DeviationType, ivo_required, risk_value
from deviation_svc.service_layer import deadlines, subjects
from deviation_svc.service_layer.context import Ctx, case_target, responsibles, visible_deviation
from platform_shared.access import Action, Target
from platform_shared.errors import NotFound

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


async def handles(ctx: Ctx, d: Deviation) -> bool:
    """May read the case as more than its reporter (the reporter sees status, not the investigation)."""
    t = case_target(d, await responsibles(ctx.uow.session, d.id))
    as_handler = Target(unit_id=t.unit_id, case_type=t.case_type, assigned_ids=t.assigned_ids)
    return await ctx.caller.can(Action.CASE_READ, as_handler)


async def readable(
    ctx: Ctx, deviation_id: uuid.UUID, *, handlers_only: bool = False
) -> tuple[Deviation, bool]:
    """(deviation, handler view?); 404 when not visible. Parts only handlers see (investigation, IVO,
    attachments, history) pass handlers_only: the reporter alone then gets 404 too."""
    d = await visible_deviation(ctx, deviation_id)
    full = await handles(ctx, d)
    if handlers_only and not full:
        raise NotFound("Not found")
    return d, full


async def audited(ctx: Ctx, d: Deviation, audit_action: str) -> None:
    """The read is recorded (audit row + AuditRecorded) and committed before anything is shown."""
    await ctx.audit("deviation", d.id, audit_action)
    await ctx.uow.commit()


async def read(
    ctx: Ctx, deviation_id: uuid.UUID, audit_action: str = "read", *, handlers_only: bool = False
) -> tuple[Deviation, bool]:
    d, full = await readable(ctx, deviation_id, handlers_only=handlers_only)
    await audited(ctx, d, audit_action)
    return d, full


def columns_of(row: Any) -> dict[str, Any]:
    """A mapped row's columns as a dict (to build a response model from)."""
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


def reporter_view(d: Deviation) -> dict[str, Any]:
    return {name: getattr(d, name) for name in REPORTER_FIELDS} | {"view": "reporter"}


async def full_view(ctx: Ctx, d: Deviation) -> dict[str, Any]:
    session = ctx.uow.session
    notification = await session.scalar(select(IvoNotification).where(IvoNotification.deviation_id == d.id))
    decision = await session.scalar(
        select(Decision).where(Decision.deviation_id == d.id).order_by(Decision.decided_at.desc()).limit(1)
    )
    actions = await actions_of(ctx, d.id)
    kind = DeviationType(d.type)
    view = columns_of(d)
    view.update(
        view="full",
        source={"system": d.source_system, "external_id": d.source_external_id} if d.source_system else None,
        risk_value=risk_value(d.probability, d.severity),
        ivo_required=notification is not None or ivo_required(kind, d.degree),
        decision=_decision(decision),
        ivo_notification=_ivo_summary(notification),
        actions=[action_view(a) for a in actions],
        subjects=[asdict(s) for s in await subjects.of(session, ctx.parts.cipher, d.id)],
        deadlines=[asdict(v) for v in await deadlines.views(ctx, d.id)],
    )
    return view


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


def _ivo_summary(n: IvoNotification | None) -> dict[str, Any] | None:
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


async def actions_of(ctx: Ctx, deviation_id: uuid.UUID) -> list[DeviationAction]:
    rows = await ctx.uow.session.scalars(
        select(DeviationAction)
        .where(DeviationAction.deviation_id == deviation_id)
        .order_by(DeviationAction.created_at, DeviationAction.id)
    )
    return list(rows.all())


def action_view(a: DeviationAction) -> dict[str, Any]:
    return columns_of(a)


async def action_with_deadlines(ctx: Ctx, a: DeviationAction) -> dict[str, Any]:
    return action_view(a) | {"deadlines": [asdict(v) for v in await deadlines.views(ctx, a.id)]}


async def investigation(ctx: Ctx, d: Deviation) -> dict[str, Any]:
    entries = (
        await ctx.uow.session.scalars(
            select(InvestigationEntry)
            .where(InvestigationEntry.deviation_id == d.id)
            .order_by(InvestigationEntry.created_at, InvestigationEntry.id)
        )
    ).all()
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
        "entries": [entry_view(e) for e in entries],
    }


def entry_view(e: InvestigationEntry) -> dict[str, Any]:
    return columns_of(e)
