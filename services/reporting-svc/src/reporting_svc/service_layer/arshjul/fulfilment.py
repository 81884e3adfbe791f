"""The consumer group `reporting.arshjul`: the owning services' events that show an activity was done
(a yearly risk analysis completed, a control plan adopted, an egenkontroll completed, a document
reviewed or published, information given, a kvalitetsråd held) fulfil it (domain/arshjul/fulfilment.py).

Its own group, so `reporting-svc rebuild` (which replays the projection group only) never replays it:
an activity is fulfilled once, by the first evidence, and stays so."""

from __future__ import annotations

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.topics import ORG_EVENTS, REPORTING_EVENTS, RISK_EVENTS
from platform_shared.messaging.consumer import ConsumerSpec, Handler
from platform_shared.messaging.unit_of_work import UnitOfWork
from reporting_svc.domain.arshjul.fulfilment import FULFILLING_EVENT_TYPES, evidence_from_event
from reporting_svc.service_layer.arshjul import fulfil

ARSHJUL_GROUP = "reporting.arshjul"


async def fulfil_from_event(uow: UnitOfWork, envelope: EventEnvelope, event: EventPayload) -> None:
    evidence = evidence_from_event(envelope.type, event.model_dump())
    if evidence is not None:
        await fulfil(uow, evidence)


def arshjul_consumer() -> ConsumerSpec:
    handlers: dict[str, Handler] = dict.fromkeys(FULFILLING_EVENT_TYPES, fulfil_from_event)
    return ConsumerSpec(
        group=ARSHJUL_GROUP,
        topics=(ORG_EVENTS, RISK_EVENTS, REPORTING_EVENTS),
        handlers=handlers,
        # Handled, but they change the årshjul only when they fulfil an open activity.
        ignores=frozenset(FULFILLING_EVENT_TYPES),
    )
