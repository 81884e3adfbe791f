"""Request and response shapes of /api/v1/risk/... (snake_case, enum values lower-case Swedish)."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from platform_shared.api.types import Day, Year
from risk_svc.domain.analyses import AnalysisStatus, Trigger
from risk_svc.domain.control_plans import (
    ControlResult,
    ControlStatus,
    Frequency,
    Method,
    Occasion,
    PlanStatus,
)
from risk_svc.domain.model import RiskBand
from risk_svc.domain.risks import ActionStatus, RiskSource, RiskStatus
from risk_svc.domain.self_assessments import (
    SelfAssessmentMethod,
    SelfAssessmentResult,
    SelfAssessmentStatus,
)
from risk_svc.domain.suggestions import SuggestionKind

P_TEXT = "Sannolikhet: 1 mycket liten, 2 liten, 3 stor, 4 mycket stor"
C_TEXT = "Konsekvens: 1 mindre, 2 måttlig, 3 betydande, 4 katastrofal"
Probability = Field(ge=1, le=4, description=P_TEXT)
Consequence = Field(ge=1, le=4, description=C_TEXT)
OptionalProbability = Field(default=None, ge=1, le=4, description=P_TEXT)
OptionalConsequence = Field(default=None, ge=1, le=4, description=C_TEXT)


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- risks --------------------------------------------------------------------------------------


class ActionCreate(Input):
    description: str = Field(min_length=1, max_length=5000)
    responsible_id: uuid.UUID | None = None
    due_date: Day | None = None


class ActionRead(BaseModel):
    id: uuid.UUID
    description: str
    responsible_id: uuid.UUID | None
    due_date: date | None
    status: ActionStatus
    finding_id: uuid.UUID | None
    created_at: datetime
    completed_at: datetime | None
    completion_note: str | None


class RiskCreate(Input):
    unit_id: uuid.UUID
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=20000)
    process: str | None = Field(default=None, max_length=200)
    source: RiskSource | None = None
    analysis_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None
    probability: int | None = OptionalProbability
    consequence: int | None = OptionalConsequence
    assessment_note: str | None = Field(default=None, max_length=5000)
    linked_deviation_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    linked_complaint_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    suggestion_key: str | None = Field(
        default=None, max_length=200, description="The suggestion it was made from"
    )
    actions: list[ActionCreate] = Field(default_factory=list, max_length=50)


class RiskPatch(Input):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=20000)
    process: str | None = Field(default=None, max_length=200)
    source: RiskSource | None = None
    owner_id: uuid.UUID | None = None
    linked_deviation_ids: list[uuid.UUID] | None = Field(default=None, max_length=500)
    linked_complaint_ids: list[uuid.UUID] | None = Field(default=None, max_length=500)


class AssessBody(Input):
    probability: int = Probability
    consequence: int = Consequence
    note: str | None = Field(default=None, max_length=5000)


class MotivationBody(Input):
    motivation: str | None = Field(default=None, max_length=5000)


class EscalateBody(Input):
    reason: str = Field(min_length=1, max_length=5000)


class FollowUpBody(Input):
    note: str = Field(min_length=1, max_length=5000)
    probability: int | None = OptionalProbability
    consequence: int | None = OptionalConsequence


class NoteBody(Input):
    note: str | None = Field(default=None, max_length=5000)


class RiskRead(BaseModel):
    id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    responsible_unit_id: uuid.UUID
    escalated: bool
    analysis_id: uuid.UUID | None
    title: str
    description: str | None
    process: str | None
    source: RiskSource | None
    owner_id: uuid.UUID | None
    identified_by: uuid.UUID
    identified_at: datetime
    probability: int | None
    probability_label: str | None
    consequence: int | None
    consequence_label: str | None
    risk_value: int | None
    band: RiskBand | None
    status: RiskStatus
    assessed_by: uuid.UUID | None
    assessed_at: datetime | None
    meets_priority_rule: bool | None = Field(description="The tenant's rule proposes it for prioritisation")
    prioritised: bool
    prioritised_by: uuid.UUID | None
    prioritised_at: datetime | None
    decision_motivation: str | None
    followed_up_at: datetime | None
    closed_at: datetime | None
    linked_deviation_ids: list[uuid.UUID]
    linked_complaint_ids: list[uuid.UUID]
    actions: list[ActionRead]
    suggestion_key: str | None
    version: int


class RiskSummary(BaseModel):
    id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    responsible_unit_id: uuid.UUID
    title: str
    status: RiskStatus
    risk_value: int | None
    band: RiskBand | None
    prioritised: bool
    analysis_id: uuid.UUID | None
    version: int


class AssessmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    probability: int
    consequence: int
    risk_value: int
    band: RiskBand
    kind: str
    note: str | None
    assessed_by: uuid.UUID
    assessed_at: datetime


class TransitionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    step: str
    from_status: RiskStatus | None
    to_status: RiskStatus
    note: str | None
    from_unit_id: uuid.UUID | None
    to_unit_id: uuid.UUID | None
    by: uuid.UUID
    at: datetime


class RiskHistoryRead(BaseModel):
    risk_id: uuid.UUID
    assessments: list[AssessmentRead]
    transitions: list[TransitionRead]


class MatrixRiskRead(BaseModel):
    id: uuid.UUID
    reference: str
    title: str
    unit_id: uuid.UUID
    status: RiskStatus


class MatrixCellRead(BaseModel):
    probability: int
    probability_label: str
    consequence: int
    consequence_label: str
    risk_value: int
    band: RiskBand
    count: int
    risks: list[MatrixRiskRead] | None = Field(description="null for readers of aggregates only")


class MatrixRead(BaseModel):
    unit_id: uuid.UUID
    date: dt.date | None = Field(description="The date the matrix stood on; null for now")
    total: int
    unassessed: int
    aggregate_only: bool
    cells: list[MatrixCellRead]


# --- analyses -----------------------------------------------------------------------------------


class AnalysisCreate(Input):
    unit_id: uuid.UUID
    trigger: Trigger
    analysis_date: Day
    year: Year | None = Field(
        default=None, ge=2000, le=2100, description="Default: the year of analysis_date"
    )
    change_description: str | None = Field(default=None, max_length=5000)
    participant_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    external_participants: list[str] = Field(default_factory=list, max_length=100)
    action_plan: str | None = Field(default=None, max_length=20000)


class AnalysisPatch(Input):
    analysis_date: Day | None = None
    change_description: str | None = Field(default=None, max_length=5000)
    participant_ids: list[uuid.UUID] | None = Field(default=None, max_length=100)
    external_participants: list[str] | None = Field(default=None, max_length=100)
    action_plan: str | None = Field(default=None, max_length=20000)


class AnalysisRead(BaseModel):
    id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    trigger: Trigger
    year: int
    analysis_date: date
    change_description: str | None
    participant_ids: list[uuid.UUID]
    external_participants: list[str]
    action_plan: str | None
    status: AnalysisStatus
    risks: list[RiskSummary]
    created_by: uuid.UUID
    created_at: datetime
    completed_by: uuid.UUID | None
    completed_at: datetime | None
    version: int


class SuggestionRead(BaseModel):
    key: str
    kind: SuggestionKind
    source: RiskSource
    unit_id: uuid.UUID
    title: str
    category: str | None
    figures: dict[str, Any]
    linked_deviation_ids: list[uuid.UUID]
    linked_complaint_ids: list[uuid.UUID]
    control_ids: list[uuid.UUID]
    risk_id: uuid.UUID | None
    taken_by_risk_id: uuid.UUID | None = Field(description="The risk of this analysis made from it")


class SuggestionBasis(BaseModel):
    period_from: date
    period_to: date = Field(description="exclusive")
    deviations: int
    complaints: int
    missed_deadlines: int
    controls: int


class SuggestionsRead(BaseModel):
    analysis_id: uuid.UUID
    unit_id: uuid.UUID
    basis: SuggestionBasis
    items: list[SuggestionRead]


# --- control plans and controls -----------------------------------------------------------------


class PlanCreate(Input):
    unit_id: uuid.UUID = Field(description="The nämnd")
    year: Year = Field(ge=2000, le=2100)


class RowCreate(Input):
    risk_id: uuid.UUID
    control_activity: str = Field(
        min_length=1, max_length=5000, description="Kontrollmoment: what is checked"
    )
    method: Method
    frequency: Frequency
    reporting_occasion: Occasion
    responsible_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = Field(
        default=None, description="Where it is controlled; default the risk's unit"
    )


class RowPatch(Input):
    control_activity: str | None = Field(default=None, min_length=1, max_length=5000)
    method: Method | None = None
    frequency: Frequency | None = None
    reporting_occasion: Occasion | None = None
    responsible_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None


class RowRead(BaseModel):
    id: uuid.UUID
    risk_id: uuid.UUID
    risk_reference: str | None
    risk_title: str | None
    risk_value: int | None
    unit_id: uuid.UUID
    control_activity: str
    method: Method
    frequency: Frequency
    responsible_id: uuid.UUID | None
    reporting_occasion: Occasion
    controls_scheduled: int


class PlanFollowUpRead(BaseModel):
    occasion: Occasion
    note: str | None
    figures: dict[str, int]
    followed_up_by: uuid.UUID
    followed_up_at: datetime


class PlanRead(BaseModel):
    id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    year: int
    status: PlanStatus
    decision_reference: str | None
    decided_on: date | None
    adopted_by: uuid.UUID | None
    adopted_at: datetime | None
    rows: list[RowRead]
    follow_ups: list[PlanFollowUpRead]
    next_occasion: Occasion | None
    created_by: uuid.UUID
    created_at: datetime
    version: int


class PlanSummary(BaseModel):
    id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    year: int
    status: PlanStatus
    version: int


class ProposalRead(BaseModel):
    risk_id: uuid.UUID
    reference: str
    title: str
    unit_id: uuid.UUID
    risk_value: int | None
    band: RiskBand | None
    prioritised_at: datetime | None


class AdoptBody(Input):
    decision_reference: str = Field(min_length=1, max_length=100, description="The nämnd's § or diarienummer")
    decided_on: Day


class PlanFollowUpBody(Input):
    occasion: Occasion
    note: str | None = Field(default=None, max_length=20000)


class FindingCreate(Input):
    description: str = Field(min_length=1, max_length=5000)
    action: ActionCreate | None = None


class PerformBody(Input):
    result: ControlResult
    performed_on: Day | None = Field(default=None, description="Default: today")
    note: str | None = Field(default=None, max_length=5000)
    findings: list[FindingCreate] = Field(default_factory=list, max_length=100)


class FindingRead(BaseModel):
    id: uuid.UUID
    description: str | None = Field(description="null for readers of aggregates only")
    action_id: uuid.UUID | None
    recorded_by: uuid.UUID
    recorded_at: datetime


class ControlRead(BaseModel):
    id: uuid.UUID
    reference: str
    plan_id: uuid.UUID
    row_id: uuid.UUID
    risk_id: uuid.UUID | None
    unit_id: uuid.UUID
    period_start: date
    period_end: date
    due_date: date
    status: ControlStatus
    result: ControlResult | None
    on_time: bool | None
    performed_on: date | None
    performed_by: uuid.UUID | None
    note: str | None
    finding_count: int
    findings: list[FindingRead]
    version: int


# --- egenkontroll -------------------------------------------------------------------------------


class SelfAssessmentCreate(Input):
    unit_id: uuid.UUID
    area: str = Field(min_length=1, max_length=300)
    method: SelfAssessmentMethod
    period_from: Day | None = None
    period_to: Day | None = None


class SelfAssessmentPatch(Input):
    area: str | None = Field(default=None, min_length=1, max_length=300)
    method: SelfAssessmentMethod | None = None
    period_from: Day | None = None
    period_to: Day | None = None


class FigureIn(Input):
    indicator: str = Field(
        min_length=1, max_length=200, description="e.g. a Kolada KPI id or an ÖJ indicator"
    )
    value: float = Field(allow_inf_nan=False)
    reference_value: float | None = Field(
        default=None, allow_inf_nan=False, description="e.g. riket or similar municipalities"
    )
    higher_is_better: bool = True


class FigureRead(BaseModel):
    indicator: str
    value: float
    reference_value: float | None
    higher_is_better: bool
    below_reference: bool | None


class SelfAssessmentComplete(Input):
    result: SelfAssessmentResult
    analysis: str = Field(min_length=1, max_length=20000)
    figures: list[FigureIn] = Field(default_factory=list, max_length=200)
    actions: list[ActionCreate] = Field(default_factory=list, max_length=50)


class SelfAssessmentActionRead(BaseModel):
    description: str
    responsible_id: uuid.UUID | None
    due_date: date | None


class SelfAssessmentRead(BaseModel):
    id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    area: str
    method: SelfAssessmentMethod
    period_from: date | None
    period_to: date | None
    status: SelfAssessmentStatus
    result: SelfAssessmentResult | None
    analysis: str | None
    figures: list[FigureRead]
    actions: list[SelfAssessmentActionRead]
    created_by: uuid.UUID
    created_at: datetime
    completed_by: uuid.UUID | None
    completed_at: datetime | None
    version: int


# --- tenant settings ----------------------------------------------------------------------------


class BandsIn(Input):
    medium_from: int | None = Field(default=None, ge=2, le=16)
    high_from: int | None = Field(default=None, ge=2, le=16)
    very_high_from: int | None = Field(default=None, ge=2, le=16)


class PrioritisationIn(Input):
    min_risk_value: int | None = Field(default=None, ge=1, le=16)
    min_consequence: int | None = Field(default=None, ge=1, le=4)


class SuggestionRuleIn(Input):
    period_months: int | None = None
    periods: int | None = None
    min_count: int | None = None
    rise_factor: float | None = None
    recurring_periods: int | None = None
    severe_from: int | None = None


class SettingsPatch(Input):
    bands: BandsIn | None = None
    prioritisation: PrioritisationIn | None = Field(
        default=None, description="Set a member to null to drop that arm of the rule"
    )
    suggestions: SuggestionRuleIn | None = None
    yearly_analysis_levels: list[str] | None = None


class BandsRead(BaseModel):
    medium_from: int
    high_from: int
    very_high_from: int


class PrioritisationRead(BaseModel):
    min_risk_value: int | None
    min_consequence: int | None


class SuggestionRuleRead(BaseModel):
    period_months: int
    periods: int
    min_count: int
    rise_factor: float
    recurring_periods: int
    severe_from: int


class SettingsRead(BaseModel):
    bands: BandsRead
    prioritisation: PrioritisationRead
    suggestions: SuggestionRuleRead
    yearly_analysis_levels: list[str] | None
    version: int
