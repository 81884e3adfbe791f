"""Event handlers of reporting-svc's consumer groups: read-model projections and notifications.

The inbox makes every delivery count once per group; the handlers are safe on a repeat anyway
(upserts, and one notification per event and recipient by a unique key).
"""

from __future__ import annotations

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.deviation import DeviationReported, LexMariaEscalated, LexSarahEscalated
from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.risk import RiskAssessed
from platform_shared.contracts.topics import DEVIATION_EVENTS, RISK_EVENTS
from platform_shared.ids import new_id
from platform_shared.messaging.consumer import ConsumerSpec, Handler
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.orgreplica.tables import ReplicaTables
from platform_shared.roles import Role
from platform_shared.sqlutil import insert_ignore, upsert
from reporting_svc.adapters.orm import deviation_fact, notification, risk_fact
from reporting_svc.domain.model import EscalationLaw, escalation_notices

PROJECTIONS_GROUP = "reporting.projections"
NOTIFICATIONS_GROUP = "reporting.notifications"

REPORTED = "reported"


async def project_deviation_reported(uow: UnitOfWork, _: EventEnvelope, event: EventPayload) -> None:
    assert isinstance(event, DeviationReported)
    await upsert(
        uow.session,
        deviation_fact,
        {
            "deviation_id": event.deviation_id,
            "reference": event.reference,
            "type": event.deviation_type,
            "unit_id": event.unit_id,
            "category": event.category,
            "reported_at": event.reported_at,
            "status": REPORTED,
        },
        ["deviation_id"],
    )


async def project_risk_assessed(uow: UnitOfWork, _: EventEnvelope, event: EventPayload) -> None:
    assert isinstance(event, RiskAssessed)
    await upsert(
        uow.session,
        risk_fact,
        {
            "risk_id": event.risk_id,
            "unit_id": event.unit_id,
            "probability": event.probability,
            "consequence": event.consequence,
            "risk_value": event.risk_value,
            "assessed_at": event.assessed_at,
        },
        ["risk_id"],
    )


def projection_consumer() -> ConsumerSpec:
    handlers: dict[str, Handler] = {
        DeviationReported.event_type: project_deviation_reported,
        RiskAssessed.event_type: project_risk_assessed,
    }
    return ConsumerSpec(group=PROJECTIONS_GROUP, topics=(DEVIATION_EVENTS, RISK_EVENTS), handlers=handlers)


def escalation_handler(replica: ReplicaTables) -> Handler:
    async def notify_escalation(uow: UnitOfWork, envelope: EventEnvelope, event: EventPayload) -> None:
        assert isinstance(event, LexSarahEscalated | LexMariaEscalated)
        law = EscalationLaw.LEX_SARAH if isinstance(event, LexSarahEscalated) else EscalationLaw.LEX_MARIA
        now = uow.clock()
        directory = OrgDirectory(uow.session, replica)
        kvalitetsledare = await directory.people_with_role_over(Role.KVALITETSLEDARE, event.unit_id, now)
        for notice in escalation_notices(
            law, event.reference, event.degree, event.decided_by, sorted(kvalitetsledare)
        ):
            await insert_ignore(
                uow.session,
                notification,
                {
                    "id": new_id(),
                    "recipient_id": notice.recipient_id,
                    "event_id": envelope.id,
                    "kind": notice.kind.value,
                    "title": notice.title,
                    "body": notice.body,
                    "deviation_id": event.deviation_id,
                    "reference": event.reference,
                    "created_at": now,
                    "read_at": None,
                },
            )

    return notify_escalation


def notification_consumer(replica: ReplicaTables) -> ConsumerSpec:
    notify = escalation_handler(replica)
    handlers: dict[str, Handler] = {
        LexSarahEscalated.event_type: notify,
        LexMariaEscalated.event_type: notify,
    }
    return ConsumerSpec(group=NOTIFICATIONS_GROUP, topics=(DEVIATION_EVENTS,), handlers=handlers)
