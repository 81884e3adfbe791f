"""The projection group: every deviation-svc and risk-svc event into the read models.

Each event becomes changes to one or more fact rows. A change loads the row, merges the event's
facts, fills in derived values and writes it, and moves the row's monthly pre-aggregate cells by the
difference between its old and new state: applying the same event again changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.contracts import common, deviation, documents, risk
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.registry import REGISTRY
from platform_shared.contracts.topics import DEVIATION_EVENTS, ORG_EVENTS, RISK_EVENTS
from platform_shared.messaging.consumer import ConsumerSpec, Handler
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.sqlutil import insert_ignore, upsert
from platform_shared.timeutil import as_utc, start_of_local_day
from reporting_svc.adapters.orm import (
    FACT_TABLES,
    ControlPlanFact,
    DeadlineFact,
    control_plan_fact,
    deviation_document_fact,
    document_fact,
    fact_month_count,
    indicator_fact,
    indicator_measurement_fact,
)
from reporting_svc.domain.deadlines import rules_resolved_by
from reporting_svc.domain.indicators import period_end
from reporting_svc.domain.subjects import SUBJECTS, Cell, Subject, cell_deltas

PROJECTIONS_GROUP = "reporting.projections"


@dataclass(frozen=True)
class FactChange:
    subject: str
    key: uuid.UUID
    values: dict[str, Any] = field(default_factory=dict)
    creates: bool = False  # the event that starts the fact: try the insert first (one statement less)


# Default state after each step, when the event does not say (payload `status` wins).
_DEFAULT_STATUS: dict[str, str] = {
    "DeviationReported": "reported",
    "DeviationReceived": "received",
    "InvestigationStarted": "investigating",
    "DeviationDecided": "decided",
    "ActionPlanned": "actions",
    "DeviationClosed": "closed",
    "DeviationReopened": "investigating",
    "DeviationVoided": "voided",
    "ComplaintReceived": "received",
    "ComplaintAcknowledged": "acknowledged",
    "ComplaintInvestigationStarted": "investigating",
    "ComplaintResponded": "responded",
    "ComplaintEscalated": "escalated",
    "ComplaintClosed": "closed",
    "ImprovementProposalSubmitted": "submitted",
    "ImprovementProposalForwarded": "forwarded",
    "ImprovementProposalAccepted": "accepted",
    "ImprovementProposalRejected": "rejected",
    "DataBreachReported": "reported",
    "DataBreachAssessed": "assessed",
    "DataBreachReportedToImy": "reported_to_imy",
    "DataSubjectsInformed": "subjects_informed",
    "DataBreachRemedied": "remedied",
    "DataBreachClosed": "closed",
    "RiskIdentified": "identified",
    "RiskAssessed": "assessed",
    "RiskPrioritised": "prioritised",
    "RiskFollowedUp": "followed_up",
    "RiskClosed": "closed",
    "IndicatorDefined": "active",
    "IndicatorChanged": "active",
    "IndicatorRetired": "retired",
}


def _status(event: EventPayload) -> dict[str, Any]:
    given = getattr(event, "status", None)
    status = given or _DEFAULT_STATUS.get(event.event_type)
    return {"status": status} if status else {}


def _some(**values: Any) -> dict[str, Any]:
    """Only the facts the event carries: a missing optional field never erases a known one."""
    return {k: v for k, v in values.items() if v is not None}


def _deviation_changes(e: deviation._DeviationEvent) -> list[FactChange]:
    base = {
        "reference": e.reference,
        "unit_id": e.unit_id,
        # severity: on every step once deviation-svc sends it (an optional field added in v1)
        **_some(type=e.deviation_type, category=e.category, severity=getattr(e, "severity", None)),
        **_status(e),
    }
    extra: dict[str, Any] = {}
    ivo: dict[str, Any] | None = None
    if isinstance(e, deviation.DeviationReported):
        extra = {
            "occurred_at": e.occurred_at,
            "reported_at": e.reported_at,
            **_some(
                reporter_id=e.reporter_id,
                severity=e.severity,
                probability=e.probability,
                risk_value=e.risk_value,
                complaint_id=e.complaint_id,
            ),
        }
    elif isinstance(e, deviation.DeviationReceived):
        extra = {"received_at": e.received_at}
    elif isinstance(e, deviation.DeviationReclassified):
        extra = {"type": e.to_type}
    elif isinstance(e, deviation.InvestigationStarted):
        extra = {"investigation_started_at": e.started_at}
    elif isinstance(e, deviation.InvestigationCompleted):
        extra = {"investigation_completed_at": e.completed_at}
    elif isinstance(e, deviation.DeviationDecided):
        extra = {"degree": e.degree, "ivo_required": e.ivo_required, "decided_at": e.decided_at}
    elif isinstance(e, deviation.LexSarahEscalated | deviation.LexMariaEscalated):
        extra = {"degree": e.degree, "ivo_required": True}
        kind = "lex_sarah" if isinstance(e, deviation.LexSarahEscalated) else "lex_maria"
        ivo = {
            "kind": kind,
            "degree": e.degree,
            "decided_by": e.decided_by,
            "decided_at": e.decided_at,
            **_some(ivo_notification_id=e.ivo_notification_id),
        }
    elif isinstance(e, deviation.IvoNotificationSent):
        ivo = {"kind": e.kind, "sent_at": e.sent_at, "ivo_notification_id": e.ivo_notification_id}
    elif isinstance(e, deviation.IvoInvestigationSent):
        ivo = {"investigation_sent_at": e.sent_at, "ivo_notification_id": e.ivo_notification_id}
    elif isinstance(e, deviation.NamndInformed):
        ivo = {"namnd_informed_at": e.informed_at, **_some(ivo_notification_id=e.ivo_notification_id)}
    elif isinstance(e, deviation.DeviationClosed):
        extra = {"closed_at": e.closed_at, **_some(reporter_id=e.reporter_id)}
    elif isinstance(e, deviation.DeviationReopened):
        extra = {"reopened_at": e.reopened_at, "closed_at": None}
    elif isinstance(e, deviation.DeviationVoided):
        extra = {"voided_at": e.voided_at}
    creates = isinstance(e, deviation.DeviationReported)
    changes = [FactChange("deviations", e.deviation_id, {**base, **extra}, creates)]
    if ivo is not None:
        ivo_base = {"reference": e.reference, "unit_id": e.unit_id}
        changes.append(FactChange("ivo_notifications", e.deviation_id, {**ivo_base, **ivo}))
    return changes


def _complaint_changes(e: deviation._ComplaintEvent) -> list[FactChange]:
    values: dict[str, Any] = {
        "reference": e.reference,
        "unit_id": e.unit_id,
        **_some(kind=e.kind, category=e.category),
        **_status(e),
    }
    if isinstance(e, deviation.ComplaintReceived):
        values |= {"received_at": e.received_at} | _some(
            channel=e.channel, complainant_type=e.complainant_type, response_due_at=e.response_due_at
        )
    elif isinstance(e, deviation.ComplaintAcknowledged):
        values["acknowledged_at"] = e.acknowledged_at
    elif isinstance(e, deviation.ComplaintInvestigationStarted):
        values["investigation_started_at"] = e.started_at
    elif isinstance(e, deviation.ComplaintResponded):
        values["responded_at"] = e.responded_at
    elif isinstance(e, deviation.ComplaintEscalated):
        values |= {"escalated_at": e.escalated_at, "escalated_deviation_id": e.deviation_id}
    elif isinstance(e, deviation.ComplaintClosed):
        values["closed_at"] = e.closed_at
    return [FactChange("complaints", e.complaint_id, values, isinstance(e, deviation.ComplaintReceived))]


def _proposal_changes(e: deviation._ProposalEvent) -> list[FactChange]:
    """Counted where it was submitted (`origin_unit_id`), whoever assesses it after a forwarding."""
    values: dict[str, Any] = {
        "reference": e.reference,
        "unit_id": e.origin_unit_id or e.unit_id,
        "assessing_unit_id": e.unit_id,
        **_status(e),
    }
    if isinstance(e, deviation.ImprovementProposalSubmitted):
        values["submitted_at"] = e.submitted_at
    elif isinstance(e, deviation.ImprovementProposalAccepted):
        values |= {"outcome": e.outcome, "assessed_at": e.accepted_at}
    elif isinstance(e, deviation.ImprovementProposalRejected):
        values["assessed_at"] = e.rejected_at
    creates = isinstance(e, deviation.ImprovementProposalSubmitted)
    return [FactChange("proposals", e.proposal_id, values, creates)]


def _information_changes(e: documents._DueEvent) -> list[FactChange]:
    """org-svc's information duty, counted by the due day for the unit where it is due."""
    values: dict[str, Any] = {"unit_id": e.unit_id, "item_key": e.item_key}
    if isinstance(e, documents.InformationDueOpened):
        values |= {"reason": e.reason, "due_at": start_of_local_day(e.due_on + timedelta(days=1))}
    elif isinstance(e, documents.InformationDueMet):
        values |= {"met_on": e.met_on, "on_time": e.on_time}
    elif isinstance(e, documents.InformationDueCancelled):
        values["cancelled"] = True
    creates = isinstance(e, documents.InformationDueOpened)
    return [FactChange("information_dues", e.due_id, values, creates)]


def _breach_changes(e: deviation._BreachEvent) -> list[FactChange]:
    values: dict[str, Any] = {"reference": e.reference, "unit_id": e.unit_id, **_status(e)}
    if isinstance(e, deviation.DataBreachReported):
        values |= {"discovered_at": e.discovered_at, "reported_at": e.reported_at} | _some(
            occurred_at=e.occurred_at, imy_due_at=e.imy_due_at
        )
    elif isinstance(e, deviation.DataBreachAssessed):
        values |= {
            "risk": e.risk,
            "imy_required": e.imy_required,
            "subjects_must_be_informed": e.subjects_must_be_informed,
            "assessed_at": e.assessed_at,
        }
    elif isinstance(e, deviation.DataBreachReportedToImy):
        values["imy_reported_at"] = e.imy_reported_at
    elif isinstance(e, deviation.DataSubjectsInformed):
        values["subjects_informed_at"] = e.informed_at
    elif isinstance(e, deviation.DataBreachRemedied):
        values["remedied_at"] = e.remedied_at
    elif isinstance(e, deviation.DataBreachClosed):
        values["closed_at"] = e.closed_at
    return [FactChange("data_breaches", e.breach_id, values, isinstance(e, deviation.DataBreachReported))]


def _risk_changes(e: risk._RiskEvent) -> list[FactChange]:
    values: dict[str, Any] = {
        "unit_id": e.unit_id,
        **_some(reference=e.reference, source=e.source, process=e.process),
        **_status(e),
    }
    if isinstance(e, risk.RiskIdentified):
        values["identified_at"] = e.identified_at
    elif isinstance(e, risk.RiskAssessed):
        values |= {
            "probability": e.probability,
            "consequence": e.consequence,
            "risk_value": e.risk_value,
            "assessed_at": e.assessed_at,
        } | _some(band=e.band)
    elif isinstance(e, risk.RiskPrioritised):
        values |= {"risk_value": e.risk_value, "prioritised_at": e.prioritised_at}
    elif isinstance(e, risk.RiskEscalated):
        values |= {"escalated_at": e.escalated_at, "escalated_to_unit_id": e.to_unit_id}
    elif isinstance(e, risk.RiskFollowedUp):
        values["followed_up_at"] = e.followed_up_at
    elif isinstance(e, risk.RiskClosed):
        values["closed_at"] = e.closed_at
    return [FactChange("risks", e.risk_id, values)]


def _other_changes(e: EventPayload, envelope: EventEnvelope) -> list[FactChange]:
    if isinstance(e, risk.RiskAnalysisCompleted):
        return [
            FactChange(
                "risk_analyses",
                e.analysis_id,
                {
                    "unit_id": e.unit_id,
                    "trigger": e.trigger,
                    "year": e.year,
                    "risk_count": e.risk_count,
                    "completed_at": e.completed_at,
                },
            )
        ]
    if isinstance(e, risk.ControlPerformed):
        return [
            FactChange(
                "controls",
                e.control_id,
                {
                    "plan_id": e.plan_id,
                    "row_id": e.row_id,
                    "unit_id": e.unit_id,
                    "result": e.result,
                    # counted in the period it was carried out, not when its result was recorded
                    "performed_at": start_of_local_day(e.performed_on) if e.performed_on else e.performed_at,
                    **_some(risk_id=e.risk_id, due_date=e.due_date, kind=e.kind),
                },
            )
        ]
    if isinstance(e, risk.ControlFindingRecorded):
        return [
            FactChange(
                "control_findings",
                e.finding_id,
                {"control_id": e.control_id, "unit_id": e.unit_id, "recorded_at": e.recorded_at},
            )
        ]
    if isinstance(e, risk.SelfAssessmentCompleted):
        return [
            FactChange(
                "self_assessments",
                e.assessment_id,
                {
                    "unit_id": e.unit_id,
                    "area": e.area,
                    "method": e.method,
                    "result": e.result,
                    "completed_at": e.completed_at,
                },
            )
        ]
    if isinstance(e, common.DeadlineApproaching | common.DeadlineMissed):
        when = "missed_at" if isinstance(e, common.DeadlineMissed) else "approaching_at"
        return [
            FactChange(
                "deadlines",
                e.deadline_id,
                {
                    "rule": e.rule,
                    "object_type": e.object_type,
                    "object_id": e.object_id,
                    "unit_id": e.unit_id,
                    "due_at": e.due_at,
                    when: envelope.time,  # the announcement's own time: the same on every replay
                    **_some(
                        reference=e.reference,
                        responsible_person_id=e.responsible_person_id,
                        responsible_role=e.responsible_role,
                    ),
                },
            )
        ]
    return []


def changes_for(event: EventPayload, envelope: EventEnvelope) -> list[FactChange]:
    """The fact changes one event makes."""
    if isinstance(event, deviation._DeviationEvent):
        return _deviation_changes(event)
    if isinstance(event, deviation._ComplaintEvent):
        return _complaint_changes(event)
    if isinstance(event, deviation._BreachEvent):
        return _breach_changes(event)
    if isinstance(event, deviation._ProposalEvent) and not isinstance(
        event, deviation._ImprovementActionEvent
    ):
        return _proposal_changes(event)
    if isinstance(event, risk._RiskEvent):
        return _risk_changes(event)
    if isinstance(event, documents._DueEvent):
        return _information_changes(event)
    return _other_changes(event, envelope)


# --- applying changes -------------------------------------------------------------------------


def _insert(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


_BATCH_COUNTS = "reporting.month_counts"  # session.info: the deltas a transaction still has to write


async def add_counts(session: AsyncSession, subject: str, deltas: Mapping[Cell, int]) -> None:
    """Move the pre-aggregate cells by their deltas: in one statement, or, in a transaction that
    collects them (`project`), added to what it writes just before it commits."""
    if not deltas:
        return
    pending: dict[tuple[str, Cell], int] | None = session.info.get(_BATCH_COUNTS)
    if pending is not None:
        for cell, d in deltas.items():
            pending[(subject, cell)] = pending.get((subject, cell), 0) + d
        return
    await _write_counts(session, [(subject, cell, d) for cell, d in deltas.items()])


async def _write_counts(session: AsyncSession, deltas: list[tuple[str, Cell, int]]) -> None:
    rows = [
        {
            "subject": subject,
            "month": month,
            "unit_id": unit,
            "dimension": dim,
            "value": value[:100],
            "count": d,
        }
        for subject, (month, unit, dim, value), d in sorted(deltas, key=lambda item: str(item[:2]))
    ]
    if not rows:
        return
    stmt = _insert(session)(fact_month_count)
    stmt = stmt.on_conflict_do_update(
        index_elements=["subject", "month", "unit_id", "dimension", "value"],
        set_={"count": fact_month_count.c.count + stmt.excluded.count},
    )
    await session.execute(stmt, rows)


def _row(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in table.c}


async def apply_change(session: AsyncSession, change: FactChange) -> None:
    spec: Subject = SUBJECTS[change.subject]
    table = FACT_TABLES[spec.table]
    key_column = table.c[spec.key]
    if change.creates:
        first = _row(table, spec.complete({spec.key: change.key, **change.values}))
        if await insert_ignore(session, table, first):
            await add_counts(session, spec.name, cell_deltas(spec, None, first))
            return
    found = (await session.execute(select(table).where(key_column == change.key))).mappings().first()
    old = dict(found) if found is not None else None
    new = _row(table, spec.complete({**(old or {spec.key: change.key}), **change.values}))
    if old is None:
        await session.execute(table.insert().values(**new))
    else:
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        if not changed:
            return
        await session.execute(update(table).where(key_column == change.key).values(**changed))
    await add_counts(session, spec.name, cell_deltas(spec, old, new))


async def resolve_deadlines(session: AsyncSession, event: EventPayload, at: datetime) -> None:
    """A late step (or the end of the case) stops its missed deadlines from being overdue."""
    rules = rules_resolved_by(event.event_type)
    if rules is not None and not rules:
        return
    object_id = uuid.UUID(event.aggregate_id())
    d = DeadlineFact
    stmt = select(d.deadline_id).where(d.object_id == object_id, d.resolved_at.is_(None))
    if rules is not None:
        stmt = stmt.where(d.rule.in_(sorted(rules)))
    for deadline_id in (await session.scalars(stmt)).all():
        await apply_change(session, FactChange("deadlines", deadline_id, {"resolved_at": at}))


async def _control_plan(session: AsyncSession, event: EventPayload) -> None:
    if isinstance(event, risk.ControlPlanAdopted):
        await upsert(
            session,
            control_plan_fact,
            {
                "plan_id": event.plan_id,
                "unit_id": event.unit_id,
                "year": event.year,
                "decision_reference": event.decision_reference,
                "adopted_at": event.adopted_at,
                "row_count": event.row_count,
                "followed_up": {},
            },
            ["plan_id"],
        )
    elif isinstance(event, risk.ControlPlanFollowedUp):
        plan = await session.get(ControlPlanFact, event.plan_id)
        if plan is None:
            plan = ControlPlanFact(
                plan_id=event.plan_id, unit_id=event.unit_id, year=event.year, followed_up={}
            )
            session.add(plan)
        figures = getattr(event, "figures", {}) or {}
        plan.followed_up = {
            **(plan.followed_up or {}),
            event.occasion: {"at": event.followed_up_at.isoformat(), "figures": dict(figures)},
        }


async def project(uow: UnitOfWork, envelope: EventEnvelope, event: EventPayload) -> None:
    session = uow.session
    if _BATCH_COUNTS not in session.info:
        # The month counts of all the events of a consumer batch: one statement at its commit.
        pending: dict[tuple[str, Cell], int] = {}
        session.info[_BATCH_COUNTS] = pending

        async def write() -> None:
            session.info.pop(_BATCH_COUNTS, None)
            await _write_counts(session, [(subject, cell, d) for (subject, cell), d in pending.items()])

        uow.before_commit(_BATCH_COUNTS, write)
    for change in changes_for(event, envelope):
        await apply_change(session, change)
    await resolve_deadlines(session, event, envelope.time)
    await _control_plan(session, event)
    await _named_documents(session, event)
    await _indicators(session, event)


async def _indicators(session: AsyncSession, event: EventPayload) -> None:
    """The styrkort's indicators as they are now, and each period's latest value (the kvalitetsråd's
    måluppfyllelse and jämförelsetal): upserts, so a replay changes nothing."""
    if isinstance(event, risk._IndicatorEvent):
        await upsert(
            session,
            indicator_fact,
            {
                "indicator_id": event.indicator_id,
                "goal_id": event.goal_id,
                "unit_id": event.unit_id,
                "name": event.name,
                "unit_of_measure": event.unit_of_measure,
                "target": event.target,
                "threshold": event.threshold,
                "direction": event.direction,
                "frequency": event.frequency,
                "source": event.source,
                "kpi": event.kpi,
                "municipality": event.municipality,
                "status": _status(event)["status"],
                "retired_at": event.retired_at if isinstance(event, risk.IndicatorRetired) else None,
            },
            ["indicator_id"],
        )
    elif isinstance(event, risk.IndicatorMeasured):
        m = indicator_measurement_fact
        period = event.period[:20]
        held = await session.scalar(
            select(m.c.measured_at).where(m.c.indicator_id == event.indicator_id, m.c.period == period)
        )
        if held is not None and as_utc(held) > event.measured_at:
            return  # an earlier measurement of the period, delivered late: the later one stays
        await upsert(
            session,
            m,
            {
                "indicator_id": event.indicator_id,
                "period": period,
                "measurement_id": event.measurement_id,
                "unit_id": event.unit_id,
                "period_end": period_end(event.period),
                "value": event.value,
                "status": event.status,
                "source": event.source,
                "measured_at": event.measured_at,
            },
            ["indicator_id", "period"],
        )


async def _named_documents(session: AsyncSession, event: EventPayload) -> None:
    """The rutiner a deviation names, as the event says they are now."""
    if not isinstance(event, deviation._DeviationEvent) or "document_ids" not in event.model_fields_set:
        return
    if isinstance(event, deviation.DeviationReported) and not event.document_ids:
        return  # a new case names none: nothing to replace
    links = deviation_document_fact
    await session.execute(delete(links).where(links.c.deviation_id == event.deviation_id))
    for document_id in dict.fromkeys(event.document_ids):
        await insert_ignore(session, links, {"deviation_id": event.deviation_id, "document_id": document_id})


# Goals, the comparison imports as such (the jämförelsetal read the imported indicators' IndicatorMeasured),
# värdighetsgarantier, the indicators' activities and the actions of förbättringsförslag have no read
# model here yet: acknowledged and skipped until one is built on them.
NOT_PROJECTED: frozenset[str] = frozenset(
    {
        "ComparisonDataImported",
        "GoalChanged",
        "GoalEnded",
        "GoalSet",
        "GuaranteeAdopted",
        "GuaranteeChanged",
        "GuaranteeWithdrawn",
        "ImprovementActionCompleted",
        "ImprovementActionFollowedUp",
        "IndicatorActivityCompleted",
        "IndicatorActivityFollowedUp",
        "IndicatorActivityPlanned",
    }
)

# Every other event of deviation-svc and risk-svc, and the deadline events they emit on their topics.
PROJECTED_TYPES: tuple[str, ...] = tuple(
    sorted(
        {model.event_type for model in REGISTRY.values() if model.topic in (DEVIATION_EVENTS, RISK_EVENTS)}
        - NOT_PROJECTED
        | {common.DeadlineApproaching.event_type, common.DeadlineMissed.event_type}
    )
)


async def project_document(uow: UnitOfWork, envelope: EventEnvelope, event: EventPayload) -> None:
    """org-svc's documents by title, for the statistics per rutin (the only org events read here)."""
    assert isinstance(event, documents.DocumentRegistered | documents.DocumentDetailsChanged)
    await upsert(
        uow.session,
        document_fact,
        {"document_id": event.document_id, "kind": event.kind, "title": event.title},
        ["document_id"],
    )


DOCUMENT_TYPES = (documents.DocumentRegistered.event_type, documents.DocumentDetailsChanged.event_type)
# The information duty's dues (org-svc): the kvalitetsberättelse counts them.
INFORMATION_TYPES = (
    documents.InformationDueOpened.event_type,
    documents.InformationDueMet.event_type,
    documents.InformationDueCancelled.event_type,
)


def projection_consumer() -> ConsumerSpec:
    handlers: dict[str, Handler] = dict.fromkeys(PROJECTED_TYPES, project)
    handlers |= dict.fromkeys(DOCUMENT_TYPES, project_document)
    handlers |= dict.fromkeys(INFORMATION_TYPES, project)
    return ConsumerSpec(
        group=PROJECTIONS_GROUP,
        topics=(DEVIATION_EVENTS, RISK_EVENTS, ORG_EVENTS),
        handlers=handlers,
        ignores=NOT_PROJECTED,
    )
