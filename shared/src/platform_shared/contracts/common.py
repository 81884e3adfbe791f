"""Events every producing service may emit: deadlines and audit records."""

from __future__ import annotations

import uuid
from datetime import datetime

from platform_shared.contracts.base import EventPayload


class _DeadlineEvent(EventPayload):
    """Published on the producing service's own topic."""

    topic = ""  # the UnitOfWork's default topic: the producing service's
    deadline_id: uuid.UUID
    rule: str  # e.g. imy_notification, complaint_response, ivo_lex_sarah
    object_type: str  # deviation | complaint | data_breach | control | risk_analysis
    object_id: uuid.UUID
    reference: str | None = None
    unit_id: uuid.UUID
    due_at: datetime
    responsible_person_id: uuid.UUID | None = None
    responsible_role: str | None = None

    def aggregate_id(self) -> str:
        return str(self.object_id)


class DeadlineApproaching(_DeadlineEvent):
    event_type = "DeadlineApproaching"


class DeadlineMissed(_DeadlineEvent):
    event_type = "DeadlineMissed"


class AuditRecorded(EventPayload):
    """One read or change of an object holding personal data, shipped to org-svc's audit store."""

    event_type = "AuditRecorded"
    topic = ""  # the producing service's own topic
    audit_id: uuid.UUID
    service: str
    actor_id: uuid.UUID | None
    client_id: uuid.UUID | None = None
    object_type: str
    object_id: uuid.UUID
    action: str  # read | create | update | <command name>
    at: datetime

    def aggregate_id(self) -> str:
        return str(self.object_id)
