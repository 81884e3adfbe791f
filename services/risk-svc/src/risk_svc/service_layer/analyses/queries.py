"""Reading risk analyses: one with the risks it identified, lists of what the caller may read, and the
risks suggested from the unit's own history (what risk-svc learnt from deviation-svc's events, its
controls, egenkontroller and open risks)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from platform_shared.access import Action
from platform_shared.pagination import PageRequest, keyset_page
from platform_shared.timeutil import local_date, start_of_local_day
from risk_svc.adapters.orm import (
    Control,
    ControlFinding,
    ControlPlanRow,
    Risk,
    RiskAnalysis,
    SelfAssessment,
    complaint_fact,
    deviation_fact,
    missed_deadline_fact,
)
from risk_svc.domain.analyses import AnalysisStatus, Trigger
from risk_svc.domain.control_plans import ControlResult
from risk_svc.domain.risks import RiskStatus
from risk_svc.domain.self_assessments import COMPARISON_METHODS, Figure, SelfAssessmentMethod
from risk_svc.domain.suggestions import (
    ComplaintFact,
    ControlFact,
    DeviationFact,
    History,
    MissedDeadlineFact,
    OpenRiskFact,
    SelfAssessmentFact,
    lookback,
    suggest,
)
from risk_svc.service_layer.access import readable_analysis
from risk_svc.service_layer.context import Ctx, QueryCtx, columns_of
from risk_svc.service_layer.lists import scope_filter
from risk_svc.service_layer.settings.queries import current


async def analysis(ctx: QueryCtx, analysis_id: uuid.UUID) -> dict[str, Any]:
    return await view(ctx, await readable_analysis(ctx, analysis_id))


async def view(ctx: Ctx, a: RiskAnalysis) -> dict[str, Any]:
    risks = await ctx.session.scalars(select(Risk).where(Risk.analysis_id == a.id).order_by(Risk.id))
    return columns_of(a) | {
        "participant_ids": [uuid.UUID(str(p)) for p in a.participant_ids or []],
        "external_participants": list(a.external_participants or []),
        "risks": [columns_of(r) for r in risks.all()],
    }


@dataclass(frozen=True)
class AnalysisFilter:
    unit_id: uuid.UUID | None = None
    year: int | None = None
    trigger: Trigger | None = None
    status: AnalysisStatus | None = None


async def analyses(
    ctx: QueryCtx, f: AnalysisFilter, page: PageRequest
) -> tuple[list[RiskAnalysis], str | None]:
    """The analyses the caller may read (as creator or participant, or in scope), oldest first."""
    vis = await ctx.caller.visibility(Action.RISK_READ)
    stmt = select(RiskAnalysis).where(
        scope_filter(vis, RiskAnalysis.unit_id, [RiskAnalysis.created_by], ctx.caller.id)
    )
    for column, value in (
        (RiskAnalysis.unit_id, f.unit_id),
        (RiskAnalysis.year, f.year),
        (RiskAnalysis.trigger, f.trigger.value if f.trigger else None),
        (RiskAnalysis.status, f.status.value if f.status else None),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    return await keyset_page(ctx.session, stmt, [RiskAnalysis.id], page)


# --- suggestions -----------------------------------------------------------------------------------


async def suggestions(ctx: QueryCtx, analysis_id: uuid.UUID) -> dict[str, Any]:
    """Risks proposed from the history of the analysed unit's subtree, with the figures behind each and
    the risk of this analysis already made from it."""
    a = await readable_analysis(ctx, analysis_id)
    rule = (await current(ctx.session)).suggestions
    windows = lookback(a.analysis_date, rule.period_months, rule.periods)
    start, end = windows[0].start, windows[-1].end
    history = await _history(ctx, await ctx.caller.directory.subtree(a.unit_id), start, end, a)
    taken = await _taken(ctx, a.id)
    return {
        "analysis_id": a.id,
        "unit_id": a.unit_id,
        "basis": {
            "period_from": start,
            "period_to": end,
            "deviations": len(history.deviations),
            "complaints": len(history.complaints),
            "missed_deadlines": len(history.missed_deadlines),
            "controls": len(history.controls),
        },
        "items": [
            asdict(found)
            | {
                "linked_deviation_ids": list(found.deviation_ids),
                "linked_complaint_ids": list(found.complaint_ids),
                "control_ids": list(found.control_ids),
                "taken_by_risk_id": taken.get(found.key),
            }
            for found in suggest(history, rule, a.analysis_date)
        ],
    }


async def _taken(ctx: Ctx, analysis_id: uuid.UUID) -> dict[str, uuid.UUID]:
    rows = await ctx.session.execute(
        select(Risk.suggestion_key, Risk.id).where(
            Risk.analysis_id == analysis_id, Risk.suggestion_key.is_not(None)
        )
    )
    return {key: risk_id for key, risk_id in rows if key}


async def _history(
    ctx: Ctx, units: Sequence[uuid.UUID], start: date, end: date, analysis: RiskAnalysis
) -> History:
    """What happened in `units` from `start` (inclusive) to `end` (exclusive), Stockholm days."""
    lo, hi = start_of_local_day(start), start_of_local_day(end)
    unit_list = list(units)
    session = ctx.session
    d = deviation_fact.c
    when = func.coalesce(d.occurred_at, d.reported_at)
    deviations = [
        DeviationFact(
            r.deviation_id,
            r.unit_id,
            r.deviation_type,
            r.category,
            local_date(r.at),
            r.severity,
            r.escalation,
        )
        for r in await session.execute(
            select(
                d.deviation_id,
                d.unit_id,
                d.deviation_type,
                d.category,
                when.label("at"),
                d.severity,
                d.escalation,
            ).where(d.unit_id.in_(unit_list), d.voided.is_(False), when >= lo, when < hi)
        )
    ]
    c = complaint_fact.c
    complaints = [
        ComplaintFact(r.complaint_id, r.unit_id, r.kind, r.category, local_date(r.received_at))
        for r in await session.execute(
            select(c.complaint_id, c.unit_id, c.kind, c.category, c.received_at).where(
                c.unit_id.in_(unit_list), c.received_at >= lo, c.received_at < hi
            )
        )
    ]
    m = missed_deadline_fact.c
    missed = [
        MissedDeadlineFact(r.deadline_id, r.unit_id, r.rule, r.object_type, r.object_id, local_date(r.due_at))
        for r in await session.execute(
            select(missed_deadline_fact).where(m.unit_id.in_(unit_list), m.due_at >= lo, m.due_at < hi)
        )
    ]
    findings = (
        select(ControlFinding.control_id, func.count().label("n"))
        .group_by(ControlFinding.control_id)
        .subquery()
    )
    controls = [
        ControlFact(
            ctl.id,
            ctl.unit_id,
            ctl.row_id,
            ctl.risk_id,
            ref,
            activity,
            ctl.due_date,
            ctl.performed,
            ctl.result == ControlResult.AVVIKELSER.value,
            int(n or 0),
        )
        for ctl, activity, ref, n in await session.execute(
            select(Control, ControlPlanRow.control_activity, Risk.reference, findings.c.n)
            .join(ControlPlanRow, ControlPlanRow.id == Control.row_id)
            .outerjoin(Risk, Risk.id == Control.risk_id)
            .outerjoin(findings, findings.c.control_id == Control.id)
            .where(Control.unit_id.in_(unit_list), Control.due_date >= start, Control.due_date < end)
        )
    ]
    shortcomings = [
        SelfAssessmentFact(
            s.id,
            s.reference,
            s.unit_id,
            s.area,
            SelfAssessmentMethod(s.method) in COMPARISON_METHODS,
            local_date(s.completed_at),
            sum(Figure(**f).below_reference is True for f in s.figures or []),
        )
        for s in await session.scalars(
            select(SelfAssessment).where(
                SelfAssessment.unit_id.in_(unit_list),
                SelfAssessment.result == "brister",
                SelfAssessment.completed_at >= lo,
                SelfAssessment.completed_at < hi,
            )
        )
        if s.completed_at is not None
    ]
    open_risks = [
        OpenRiskFact(r.id, r.reference, r.unit_id, r.title, r.status, r.source, r.risk_value)
        for r in await session.scalars(
            select(Risk).where(
                Risk.unit_id.in_(unit_list),
                Risk.status != RiskStatus.CLOSED.value,
                or_(Risk.analysis_id.is_(None), Risk.analysis_id != analysis.id),
                Risk.identified_at < hi,
            )
        )
    ]
    return History(deviations, complaints, missed, controls, shortcomings, open_risks)
