"""reporting-svc's årshjul events: a year's plan of the quality work per level, its activities and
what fulfilled them. A late activity travels as the shared DeadlineApproaching/DeadlineMissed (rule
`arshjul_activity`, object_type `arshjul_activity`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.common import DecisionFacts
from platform_shared.contracts.topics import REPORTING_EVENTS


class _ArshjulEvent(EventPayload):
    topic = REPORTING_EVENTS
    arshjul_id: uuid.UUID
    year: int
    unit_id: uuid.UUID

    def aggregate_id(self) -> str:
        return str(self.arshjul_id)


class ArshjulCreated(_ArshjulEvent):
    event_type = "ArshjulCreated"
    level: str  # forvaltning | verksamhetsomrade | avdelning | enhet
    parent_arshjul_id: uuid.UUID | None = None
    from_template: bool = True
    created_at: datetime


class ArshjulAdopted(_ArshjulEvent):
    event_type = "ArshjulAdopted"
    decision: DecisionFacts
    activity_count: int


class _ActivityEvent(_ArshjulEvent):
    """Keyed by the årshjul: its activities' events stay in order with it."""

    activity_id: uuid.UUID
    kind: str  # tertialrapport | verksamhetsberattelse | … | own (reporting_svc.domain.arshjul)
    due_on: date
    responsible_role: str
    responsible_unit_id: uuid.UUID


class ArshjulActivityPlanned(_ActivityEvent):
    event_type = "ArshjulActivityPlanned"
    title: str
    period_year: int
    tertial: int | None = None
    reports_to_unit_id: uuid.UUID | None = None
    inherited_from_id: uuid.UUID | None = None
    planned_at: datetime


class ArshjulActivityRescheduled(_ActivityEvent):
    event_type = "ArshjulActivityRescheduled"
    previous_due_on: date
    rescheduled_at: datetime


class ArshjulActivityFulfilled(_ActivityEvent):
    """Done: by another service's event (a report adopted, an analysis completed …) or by hand."""

    event_type = "ArshjulActivityFulfilled"
    fulfilled_on: date
    on_time: bool
    evidence_type: str  # e.g. RiskAnalysisCompleted, ReportAdopted, manual
    evidence_id: uuid.UUID | None = None


class ArshjulActivityCancelled(_ActivityEvent):
    event_type = "ArshjulActivityCancelled"
    cancelled_at: datetime
