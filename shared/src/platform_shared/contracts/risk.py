from __future__ import annotations

import uuid
from datetime import datetime

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.topics import RISK_EVENTS


class RiskAssessed(EventPayload):
    topic = RISK_EVENTS
    event_type = "RiskAssessed"
    risk_id: uuid.UUID
    unit_id: uuid.UUID
    probability: int
    consequence: int
    risk_value: int
    assessed_by: uuid.UUID | None = None
    assessed_at: datetime

    def aggregate_id(self) -> str:
        return str(self.risk_id)
