"""Read side: visibility filters for lists, the matrix (now or on a past date) and the history an
analysis' suggestions are computed from."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.access import Visibility
from platform_shared.timeutil import local_date, start_of_local_day
from risk_svc.adapters.orm import (
    Control,
    ControlFinding,
    ControlPlanRow,
    Risk,
    RiskAction,
    RiskAnalysis,
    RiskAssessment,
    RiskLink,
    RiskTransition,
    SelfAssessment,
    complaint_fact,
    deviation_fact,
    missed_deadline_fact,
)
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
)


def visible_units(vis: Visibility) -> set[uuid.UUID] | None:
    """Units the caller reads everything in (None: all units)."""
    if vis.everything:
        return None
    units: set[uuid.UUID] = set()
    for group in vis.units.values():
        units |= group
    return units


def scope_filter(
    vis: Visibility,
    unit_column: SQLColumnExpression[uuid.UUID],
    own: Sequence[SQLColumnExpression[Any]],
    person_id: uuid.UUID,
) -> ColumnElement[bool]:
    """The SQL condition for 'objects this caller may read' (aggregate-only readers get nothing)."""
    units = visible_units(vis)
    if units is None:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if units:
        conditions.append(unit_column.in_(units))
    if vis.own:
        conditions.extend(column == person_id for column in own)
    return or_(*conditions) if conditions else false()


# --- risks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskDetails:
    deviation_ids: list[uuid.UUID]
    complaint_ids: list[uuid.UUID]
    actions: list[RiskAction]


async def risk_details(session: AsyncSession, risk_id: uuid.UUID) -> RiskDetails:
    links = (
        await session.execute(select(RiskLink.kind, RiskLink.object_id).where(RiskLink.risk_id == risk_id))
    ).all()
    actions = (
        await session.scalars(select(RiskAction).where(RiskAction.risk_id == risk_id).order_by(RiskAction.id))
    ).all()
    return RiskDetails(
        deviation_ids=sorted(o for k, o in links if k == "deviation"),
        complaint_ids=sorted(o for k, o in links if k == "complaint"),
        actions=list(actions),
    )


async def risk_history(
    session: AsyncSession, risk_id: uuid.UUID
) -> tuple[list[RiskAssessment], list[RiskTransition]]:
    assessments = (
        await session.scalars(
            select(RiskAssessment)
            .where(RiskAssessment.risk_id == risk_id)
            .order_by(RiskAssessment.assessed_at, RiskAssessment.id)
        )
    ).all()
    transitions = (
        await session.scalars(
            select(RiskTransition)
            .where(RiskTransition.risk_id == risk_id)
            .order_by(RiskTransition.at, RiskTransition.id)
        )
    ).all()
    return list(assessments), list(transitions)


# --- the matrix -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixRisk:
    id: uuid.UUID
    reference: str
    title: str
    unit_id: uuid.UUID
    owner_id: uuid.UUID | None
    identified_by: uuid.UUID
    status: str
    probability: int
    consequence: int
    risk_value: int
    assessed_at: datetime


async def matrix_risks(
    session: AsyncSession, units: Sequence[uuid.UUID], at: datetime | None
) -> tuple[list[MatrixRisk], int]:
    """The assessed risks of `units` with the assessment in force, now (at=None) or at `at` (the
    history: identified before it, not closed by it, the latest assessment before it); and how many
    risks had no assessment yet."""
    stmt = select(Risk).where(Risk.unit_id.in_(list(units)))
    if at is None:
        stmt = stmt.where(Risk.status != RiskStatus.CLOSED.value)
    else:
        stmt = stmt.where(Risk.identified_at <= at, or_(Risk.closed_at.is_(None), Risk.closed_at > at))
    risks = {r.id: r for r in (await session.scalars(stmt)).all()}
    if at is None:
        found = [
            MatrixRisk(
                r.id,
                r.reference,
                r.title,
                r.unit_id,
                r.owner_id,
                r.identified_by,
                r.status,
                r.probability,
                r.consequence,
                r.risk_value or 0,
                r.assessed_at,
            )
            for r in risks.values()
            if r.probability is not None and r.consequence is not None and r.assessed_at is not None
        ]
        return sorted(found, key=lambda m: m.reference), len(risks) - len(found)
    latest: dict[uuid.UUID, RiskAssessment] = {}
    if risks:
        rows = await session.scalars(
            select(RiskAssessment)
            .where(RiskAssessment.risk_id.in_(list(risks)), RiskAssessment.assessed_at <= at)
            .order_by(RiskAssessment.assessed_at, RiskAssessment.id)
        )
        for a in rows:
            latest[a.risk_id] = a
    found = []
    for risk_id, a in latest.items():
        r = risks[risk_id]
        found.append(
            MatrixRisk(
                r.id,
                r.reference,
                r.title,
                r.unit_id,
                r.owner_id,
                r.identified_by,
                await _status_at(session, r, at),
                a.probability,
                a.consequence,
                a.risk_value,
                a.assessed_at,
            )
        )
    return sorted(found, key=lambda m: m.reference), len(risks) - len(found)


async def _status_at(session: AsyncSession, risk: Risk, at: datetime) -> str:
    status = await session.scalar(
        select(RiskTransition.to_status)
        .where(RiskTransition.risk_id == risk.id, RiskTransition.at <= at)
        .order_by(RiskTransition.at.desc(), RiskTransition.id.desc())
        .limit(1)
    )
    return status or risk.status


# --- history for suggestions ------------------------------------------------------------------


def _day_range(start: date, end: date) -> tuple[datetime, datetime]:
    return start_of_local_day(start), start_of_local_day(end)


async def load_history(
    session: AsyncSession, units: Sequence[uuid.UUID], start: date, end: date, analysis: RiskAnalysis
) -> History:
    """What happened in `units` from `start` (inclusive) to `end` (exclusive), Stockholm days."""
    lo, hi = _day_range(start, end)
    unit_list = list(units)
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
            ctl.result == "avvikelser",
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


async def taken_suggestions(session: AsyncSession, analysis_id: uuid.UUID) -> dict[str, uuid.UUID]:
    rows = await session.execute(
        select(Risk.suggestion_key, Risk.id).where(
            Risk.analysis_id == analysis_id, Risk.suggestion_key.is_not(None)
        )
    )
    return {key: risk_id for key, risk_id in rows if key}


async def analysis_risks(session: AsyncSession, analysis_id: uuid.UUID) -> list[Risk]:
    return list(
        (await session.scalars(select(Risk).where(Risk.analysis_id == analysis_id).order_by(Risk.id))).all()
    )
