"""The one append-only audit store: AuditRecorded from every service's topic, stored once each."""

from __future__ import annotations

from org_svc.adapters.orm import AuditRecord
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.common import AuditRecorded
from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.topics import DEVIATION_EVENTS, ORG_EVENTS, REPORTING_EVENTS, RISK_EVENTS
from platform_shared.messaging.consumer import ConsumerSpec
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.sqlutil import insert_ignore

AUDIT_GROUP = "org.audit"
AUDIT_TOPICS = (DEVIATION_EVENTS, RISK_EVENTS, REPORTING_EVENTS, ORG_EVENTS)


async def store_audit_record(uow: UnitOfWork, envelope: EventEnvelope, event: EventPayload) -> None:
    """Insert the record; one already stored (the same audit_id, even in another envelope) stays as it
    is. Nothing ever updates or deletes a row."""
    assert isinstance(event, AuditRecorded)
    await insert_ignore(
        uow.session,
        AuditRecord.__table__,
        {
            "audit_id": event.audit_id,
            "service": event.service,
            "actor_id": event.actor_id,
            "client_id": event.client_id,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "action": event.action,
            "at": event.at,
            "event_id": envelope.id,
            "received_at": uow.clock(),
        },
    )


def audit_consumer() -> ConsumerSpec:
    return ConsumerSpec(
        group=AUDIT_GROUP, topics=AUDIT_TOPICS, handlers={AuditRecorded.event_type: store_audit_record}
    )
