"""risk-svc's events: risks, analyses, the internkontrollplan, controls and egenkontroller; goals,
indicators and their values, imported comparison figures and värdighetsgarantier."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

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
    kind: str | None = None  # internkontroll | avtalsuppfoljning | mas_tillsyn (added: issue 14)

    def aggregate_id(self) -> str:
        return str(self.control_id)


class ControlPerformed(_ControlEvent):
    event_type = "ControlPerformed"
    result: str  # ok | avvikelser
    performed_at: datetime  # when the result was recorded
    performed_by: uuid.UUID | None = None
    on_time: bool | None = None  # performed by its due date
    performed_on: date | None = None  # the day it was carried out (added: a result may be recorded later)


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


# --- goals, indicators and the styrkort (issue 14) ------------------------------------------------
# Goal titles and indicator names travel: they name organisational things, like unit names, and hold
# nothing about a brukare. Descriptions, comments, analyses and activity texts stay in risk-svc.


class _GoalEvent(EventPayload):
    topic = RISK_EVENTS
    goal_id: uuid.UUID
    unit_id: uuid.UUID
    level: str  # namndmal | forvaltningsmal | verksamhetsmal | enhetsmal
    parent_goal_id: uuid.UUID | None = None
    title: str
    perspective: str | None = None  # ekonomi | malgrupp | verksamhet | medarbetare
    prioritised: bool = False
    from_year: int | None = None
    to_year: int | None = None
    status: str | None = None  # active | ended

    def aggregate_id(self) -> str:
        return str(self.goal_id)


class GoalSet(_GoalEvent):
    """A goal was set (created) for a unit."""

    event_type = "GoalSet"
    set_at: datetime
    set_by: uuid.UUID | None = None


class GoalChanged(_GoalEvent):
    event_type = "GoalChanged"
    changed_at: datetime


class GoalEnded(_GoalEvent):
    event_type = "GoalEnded"
    ended_at: datetime


class _IndicatorEvent(EventPayload):
    topic = RISK_EVENTS
    indicator_id: uuid.UUID
    goal_id: uuid.UUID
    unit_id: uuid.UUID
    name: str
    unit_of_measure: str
    direction: str  # higher_is_better | lower_is_better
    target: Decimal
    threshold: Decimal  # gränsvärde
    frequency: str  # manadsvis | tertialvis | arsvis
    source: str  # entered | computed | imported
    aggregation: str  # sum | rate | none
    rate_scale: Decimal | None = None
    computed_source: str | None = None
    kpi: str | None = None
    municipality: str | None = None
    parent_indicator_id: uuid.UUID | None = None
    guarantee_ids: list[uuid.UUID] = []  # the värdighetsgarantier it follows up
    status: str | None = None  # active | retired

    def aggregate_id(self) -> str:
        return str(self.indicator_id)


class IndicatorDefined(_IndicatorEvent):
    event_type = "IndicatorDefined"
    defined_at: datetime


class IndicatorChanged(_IndicatorEvent):
    """Target, gränsvärde or what it feeds changed (from the next period on)."""

    event_type = "IndicatorChanged"
    changed_at: datetime


class IndicatorRetired(_IndicatorEvent):
    event_type = "IndicatorRetired"
    retired_at: datetime


class IndicatorMeasured(EventPayload):
    """A period's value of an indicator (entered, computed or imported); a later one for the same
    period replaces it."""

    topic = RISK_EVENTS
    event_type = "IndicatorMeasured"
    measurement_id: uuid.UUID
    indicator_id: uuid.UUID
    goal_id: uuid.UUID
    unit_id: uuid.UUID
    period: str  # 2026-03 | 2026-T1 | 2026
    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    status: str  # over_target | between | under_threshold
    source: str  # entered | computed | imported
    measured_at: datetime
    recorded_by: uuid.UUID | None = None
    replaces_measurement_id: uuid.UUID | None = None

    def aggregate_id(self) -> str:
        return str(self.indicator_id)


class _IndicatorActivityEvent(EventPayload):
    topic = RISK_EVENTS
    activity_id: uuid.UUID
    indicator_id: uuid.UUID
    unit_id: uuid.UUID
    measurement_id: uuid.UUID | None = None
    owner_id: uuid.UUID
    due_date: date
    status: str  # planned | completed | followed_up

    def aggregate_id(self) -> str:
        return str(self.activity_id)


class IndicatorActivityPlanned(_IndicatorActivityEvent):
    event_type = "IndicatorActivityPlanned"
    planned_at: datetime


class IndicatorActivityCompleted(_IndicatorActivityEvent):
    event_type = "IndicatorActivityCompleted"
    completed_at: datetime


class IndicatorActivityFollowedUp(_IndicatorActivityEvent):
    event_type = "IndicatorActivityFollowedUp"
    followed_up_at: datetime
    effective: bool | None = None


class ComparisonDataImported(EventPayload):
    """An import of published comparison figures (Kolada's open-data shape) and its report."""

    topic = RISK_EVENTS
    event_type = "ComparisonDataImported"
    import_id: uuid.UUID
    kind: str  # values | titles
    file_format: str  # csv | xlsx
    imported: int
    replaced: int
    unchanged: int
    refused: int
    kpis: list[str] = []
    municipalities: list[str] = []
    years: list[int] = []
    imported_at: datetime
    imported_by: uuid.UUID | None = None

    def aggregate_id(self) -> str:
        return str(self.import_id)


class _GuaranteeEvent(EventPayload):
    topic = RISK_EVENTS
    guarantee_id: uuid.UUID
    unit_id: uuid.UUID  # applies to the unit and its subtree
    area: str  # one of the seven areas of the national värdegrund
    title: str
    valid_from: date
    valid_to: date | None = None
    indicator_ids: list[uuid.UUID] = []
    status: str | None = None  # active | withdrawn

    def aggregate_id(self) -> str:
        return str(self.guarantee_id)


class GuaranteeAdopted(_GuaranteeEvent):
    event_type = "GuaranteeAdopted"
    adopted_at: datetime


class GuaranteeChanged(_GuaranteeEvent):
    event_type = "GuaranteeChanged"
    changed_at: datetime


class GuaranteeWithdrawn(_GuaranteeEvent):
    event_type = "GuaranteeWithdrawn"
    withdrawn_at: datetime
