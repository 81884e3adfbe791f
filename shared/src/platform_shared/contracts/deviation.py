from __future__ import annotations

import uuid
from datetime import datetime

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.topics import DEVIATION_EVENTS


class _DeviationEvent(EventPayload):
    topic = DEVIATION_EVENTS
    deviation_id: uuid.UUID

    def aggregate_id(self) -> str:
        return str(self.deviation_id)


class DeviationReported(_DeviationEvent):
    event_type = "DeviationReported"
    reference: str
    deviation_type: str
    unit_id: uuid.UUID
    category: str | None = None
    occurred_at: datetime
    reported_at: datetime
    reporter_id: uuid.UUID | None = None
    source_system: str | None = None


class _Escalated(_DeviationEvent):
    reference: str
    unit_id: uuid.UUID
    degree: str
    decided_by: uuid.UUID
    decided_at: datetime


class LexSarahEscalated(_Escalated):
    event_type = "LexSarahEscalated"


class LexMariaEscalated(_Escalated):
    event_type = "LexMariaEscalated"
