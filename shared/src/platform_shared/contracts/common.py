"""Events every producing service may emit (deadlines and audit records), and facts several
services' events share (a recorded decision)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from platform_shared.contracts.base import EventPayload
from platform_shared.decisions import Decision


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


class DecisionFacts(BaseModel):
    """A recorded decision (platform_shared.decisions.Decision) inside an event: who decided (the
    nämnd, with meeting date and §, or a role held by a person) and when."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    body: str  # namnd | role
    role: str  # the deciding role; for the nämnd, the role of the official who recorded it
    unit_id: uuid.UUID
    person_id: uuid.UUID
    decided_on: date
    meeting_date: date | None = None
    paragraph: int | None = None
    reference: str | None = None  # diarienummer

    @classmethod
    def of(cls, decision: Decision) -> DecisionFacts:
        return cls.model_validate(decision.as_dict())
