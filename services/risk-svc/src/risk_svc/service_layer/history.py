"""risk-svc's read model of what happened (consumer group `risk.deviation-history`, topic
deviation.events): deviation and complaint facts per unit, category and time, escalations and missed
deadlines, and the värdighetsgarantier a complaint names as not kept. Suggestions for risk analyses and
risk links are built from it. Ids and facts only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from platform_shared.contracts import deviation as dev
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.common import DeadlineMissed
from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.topics import DEVIATION_EVENTS
from platform_shared.messaging.consumer import ConsumerSpec, Handler
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.sqlutil import insert_ignore, upsert
from platform_shared.timeutil import local_date
from risk_svc.adapters.orm import (
    Guarantee,
    complaint_fact,
    complaint_guarantee_fact,
    deviation_fact,
    missed_deadline_fact,
    replica,
)
from risk_svc.domain.guarantees import GuaranteeStatus, check_named_in_complaint
from risk_svc.domain.model import RuleViolation

GROUP = "risk.deviation-history"


def _present(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


async def _deviation_step(uow: UnitOfWork, event: dev._DeviationEvent, **extra: Any) -> None:
    """Every deviation event carries the facts after its step; the row is made if it is missing
    (an event seen before DeviationReported, e.g. after a replay from a later offset)."""
    # A step's own facts (e.g. the type a reclassification moved to) win over the common ones.
    values = _present(
        **{
            "reference": event.reference,
            "deviation_type": event.deviation_type,
            "category": event.category,
            "status": event.status,
            "severity": event.severity,
            **extra,
        }
    )
    await insert_ignore(
        uow.session,
        deviation_fact,
        {"deviation_id": event.deviation_id, "unit_id": event.unit_id, "voided": False},
    )
    await uow.session.execute(
        update(deviation_fact).where(deviation_fact.c.deviation_id == event.deviation_id).values(**values)
    )


async def on_deviation_reported(uow: UnitOfWork, _: EventEnvelope, event: EventPayload) -> None:
    assert isinstance(event, dev.DeviationReported)
    await upsert(
        uow.session,
        deviation_fact,
        {
            "deviation_id": event.deviation_id,
            "reference": event.reference,
            "unit_id": event.unit_id,
            "deviation_type": event.deviation_type,
            "category": event.category,
            "severity": event.severity,
            "occurred_at": event.occurred_at,
            "reported_at": event.reported_at,
            "status": event.status,
            "complaint_id": event.complaint_id,
            "voided": False,
        },
        ["deviation_id"],
    )


async def on_deviation_step(uow: UnitOfWork, _: EventEnvelope, event: EventPayload) -> None:
    assert isinstance(event, dev._DeviationEvent)
    extra: dict[str, Any] = {}
    if isinstance(event, dev.DeviationReclassified):
        extra["deviation_type"] = event.to_type
    if isinstance(event, dev.LexSarahEscalated):
        extra.update(escalation="lex_sarah", degree=event.degree)
    if isinstance(event, dev.LexMariaEscalated):
        extra.update(escalation="lex_maria", degree=event.degree)
    if isinstance(event, dev.DeviationVoided):
        extra["voided"] = True
    await _deviation_step(uow, event, **extra)


async def on_complaint(uow: UnitOfWork, _: EventEnvelope, event: EventPayload) -> None:
    assert isinstance(event, dev._ComplaintEvent)
    values = _present(
        reference=event.reference, kind=event.kind, category=event.category, status=event.status
    )
    if isinstance(event, dev.ComplaintReceived):
        values["received_at"] = event.received_at
        # who complained and the answer deadline: for the computed indicator "answered in time"
        values |= _present(complainant_type=event.complainant_type, response_due_at=event.response_due_at)
        await _guarantees_named(uow, event)
    if isinstance(event, dev.ComplaintEscalated):
        values["escalated_deviation_id"] = event.deviation_id
    if isinstance(event, dev.ComplaintResponded):
        values["responded_at"] = event.responded_at
    await insert_ignore(
        uow.session, complaint_fact, {"complaint_id": event.complaint_id, "unit_id": event.unit_id}
    )
    await uow.session.execute(
        update(complaint_fact).where(complaint_fact.c.complaint_id == event.complaint_id).values(**values)
    )


async def _guarantees_named(uow: UnitOfWork, event: dev.ComplaintReceived) -> None:
    """The garantier the complaint names as not kept count against them only if they applied to the
    complaint's unit when it was received (in force, the unit in their subtree); others are left out."""
    if not event.guarantee_ids:
        return
    above = set(await OrgDirectory(uow.session, replica).ancestors_and_self(event.unit_id, event.received_at))
    for guarantee_id in dict.fromkeys(event.guarantee_ids):
        g = await uow.session.get(Guarantee, guarantee_id)
        if g is None:
            continue
        try:
            check_named_in_complaint(
                GuaranteeStatus(g.status),
                g.valid_from,
                g.valid_to,
                local_date(event.received_at),
                g.unit_id in above,
            )
        except RuleViolation:
            continue
        await insert_ignore(
            uow.session,
            complaint_guarantee_fact,
            {"complaint_id": event.complaint_id, "guarantee_id": guarantee_id},
        )


async def on_deadline_missed(uow: UnitOfWork, _: EventEnvelope, event: EventPayload) -> None:
    assert isinstance(event, DeadlineMissed)
    await insert_ignore(
        uow.session,
        missed_deadline_fact,
        {
            "deadline_id": event.deadline_id,
            "rule": event.rule,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "unit_id": event.unit_id,
            "due_at": event.due_at,
        },
    )


def _event_types(base: type[EventPayload]) -> list[str]:
    found: list[str] = []
    for value in vars(dev).values():
        if isinstance(value, type) and issubclass(value, base) and "event_type" in vars(value):
            model: type[EventPayload] = value
            found.append(model.event_type)
    return found


def history_consumer() -> ConsumerSpec:
    handlers: dict[str, Handler] = {t: on_deviation_step for t in _event_types(dev._DeviationEvent)}
    handlers[dev.DeviationReported.event_type] = on_deviation_reported
    handlers.update({t: on_complaint for t in _event_types(dev._ComplaintEvent)})
    handlers[DeadlineMissed.event_type] = on_deadline_missed
    return ConsumerSpec(group=GROUP, topics=(DEVIATION_EVENTS,), handlers=handlers)
