"""risk-svc's events: risks, analyses, the internkontrollplan, controls and egenkontroller."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.topics import RISK_EVENTS


class _RiskEvent(EventPayload):
    topic = RISK_EVENTS
    risk_id: uuid.UUID
    unit_id: uuid.UUID
    reference: str | None = None
    status: str | None = None
    source: str | None = None  # avvikelser | klagomal | granskning | internkontroll | jamforelser | ...
    process: str | None = None
    revises_document_id: uuid.UUID | None = None  # the risk is treated by revising this org-svc document

    def aggregate_id(self) -> str:
        return str(self.risk_id)


class RiskIdentified(_RiskEvent):
    event_type = "RiskIdentified"
    identified_at: datetime
    analysis_id: uuid.UUID | None = None
    linked_deviation_ids: list[uuid.UUID] = []
    linked_complaint_ids: list[uuid.UUID] = []


class RiskAssessed(_RiskEvent):
    event_type = "RiskAssessed"
    probability: int
    consequence: int
    risk_value: int
    band: str | None = None
    assessed_by: uuid.UUID | None = None
    assessed_at: datetime


class RiskPrioritised(_RiskEvent):
    event_type = "RiskPrioritised"
    risk_value: int
    confirmed_by: uuid.UUID
    prioritised_at: datetime


class RiskEscalated(_RiskEvent):
    event_type = "RiskEscalated"
    to_unit_id: uuid.UUID
    escalated_by: uuid.UUID
    escalated_at: datetime
    from_unit_id: uuid.UUID | None = None  # the level that handed it up (unit_id stays where it was seen)


class RiskFollowedUp(_RiskEvent):
    event_type = "RiskFollowedUp"
    followed_up_at: datetime


class RiskClosed(_RiskEvent):
    event_type = "RiskClosed"
    closed_at: datetime


class RiskAnalysisCompleted(EventPayload):
    topic = RISK_EVENTS
    event_type = "RiskAnalysisCompleted"
    analysis_id: uuid.UUID
    unit_id: uuid.UUID
    trigger: str  # arlig | forandring
    year: int
    risk_count: int
    completed_at: datetime

    def aggregate_id(self) -> str:
        return str(self.analysis_id)


class ControlPlanAdopted(EventPayload):
    topic = RISK_EVENTS
    event_type = "ControlPlanAdopted"
    plan_id: uuid.UUID
    unit_id: uuid.UUID  # the nämnd
    year: int
    decision_reference: str
    adopted_at: datetime
    row_count: int

    def aggregate_id(self) -> str:
        return str(self.plan_id)


class ControlPlanFollowedUp(EventPayload):
    topic = RISK_EVENTS
    event_type = "ControlPlanFollowedUp"
    plan_id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    occasion: str  # t1 | t2 | arsbokslut
    followed_up_at: datetime
    # controls due up to the occasion: due, performed, ok, avvikelser, performed_late, missed
    figures: dict[str, int] = {}

    def aggregate_id(self) -> str:
        return str(self.plan_id)


class _ControlEvent(EventPayload):
    topic = RISK_EVENTS
    control_id: uuid.UUID
    plan_id: uuid.UUID
    row_id: uuid.UUID
    risk_id: uuid.UUID | None = None
    unit_id: uuid.UUID
    due_date: date | None = None

    def aggregate_id(self) -> str:
        return str(self.control_id)


class ControlPerformed(_ControlEvent):
    event_type = "ControlPerformed"
    result: str  # ok | avvikelser
    performed_at: datetime
    performed_by: uuid.UUID | None = None
    on_time: bool | None = None  # performed by its due date


class ControlFindingRecorded(_ControlEvent):
    event_type = "ControlFindingRecorded"
    finding_id: uuid.UUID
    recorded_at: datetime


class SelfAssessmentCompleted(EventPayload):
    topic = RISK_EVENTS
    event_type = "SelfAssessmentCompleted"
    assessment_id: uuid.UUID
    unit_id: uuid.UUID
    area: str
    method: str
    result: str  # ok | brister
    completed_at: datetime
    figures: dict[str, float] = {}

    def aggregate_id(self) -> str:
        return str(self.assessment_id)
