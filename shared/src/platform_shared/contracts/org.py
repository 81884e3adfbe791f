from __future__ import annotations

import uuid
from datetime import datetime

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.topics import ORG_EVENTS


class _OrgEvent(EventPayload):
    topic = ORG_EVENTS


class OrgUnitCreated(_OrgEvent):
    event_type = "OrgUnitCreated"
    unit_id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    code: str | None = None
    level: str
    laws: list[str] = []
    valid_from: datetime

    def aggregate_id(self) -> str:
        return str(self.unit_id)


class PersonRegistered(_OrgEvent):
    """Names and e-mail of staff (not of brukare) travel so that notifications can be addressed."""

    event_type = "PersonRegistered"
    person_id: uuid.UUID
    subject: str
    email: str
    name: str

    def aggregate_id(self) -> str:
        return str(self.person_id)


class RoleAssigned(_OrgEvent):
    event_type = "RoleAssigned"
    assignment_id: uuid.UUID
    person_id: uuid.UUID
    role: str
    unit_id: uuid.UUID
    valid_from: datetime
    valid_to: datetime | None = None
    acting: bool = False

    def aggregate_id(self) -> str:
        return str(self.person_id)
