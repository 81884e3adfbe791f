"""Request and response models of the deviation API (shape only; rules live in domain/)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from deviation_svc.domain.actions import ActionStatus, Horizon
from deviation_svc.domain.investigation import EntryKind, Method, Section
from deviation_svc.domain.ivo import IvoChannel
from deviation_svc.domain.model import CauseArea, DeviationType, Status

Text = Field(min_length=1, max_length=20000)
Scale = Field(default=None, ge=1, le=4)
PERSONNUMMER = r"^(\d{6}|\d{8})[-+]?\d{4}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceRef(BaseModel):
    system: str = Field(min_length=1, max_length=100, description="Sending case system, e.g. lifecare")
    external_id: str = Field(min_length=1, max_length=200)


class SubjectIn(Strict):
    """The brukare or patient; stored encrypted, shown only to those who may read the case."""

    name: str | None = Field(default=None, min_length=1, max_length=300)
    personnummer: str | None = Field(default=None, pattern=PERSONNUMMER, description="ÅÅÅÅMMDD-NNNN")
    protected_identity: bool = False


class SubjectRead(BaseModel):
    id: uuid.UUID = Field(description="Pseudonymous id")
    name: str | None
    personnummer: str | None
    protected_identity: bool


class DeadlineRead(BaseModel):
    rule: str
    due_at: datetime
    met_at: datetime | None
    status: Literal["pending", "met", "missed"]


class DeviationCreate(Strict):
    type: DeviationType
    unit_id: uuid.UUID
    occurred_at: AwareDatetime
    description: str = Text
    category: str | None = Field(default=None, max_length=100)
    source: SourceRef | None = None
    discovered_at: AwareDatetime | None = None
    discovered_how: str | None = Field(default=None, max_length=20000)
    immediate_measures: str | None = Field(default=None, max_length=20000)
    probability: int | None = Scale
    severity: int | None = Scale
    subjects: list[SubjectIn] = Field(default_factory=list, max_length=20)


class DeviationPatch(Strict):
    """Fields only; state and type change through commands."""

    description: str | None = Field(default=None, min_length=1, max_length=20000)
    category: str | None = Field(default=None, max_length=100)
    occurred_at: AwareDatetime | None = None
    discovered_at: AwareDatetime | None = None
    discovered_how: str | None = Field(default=None, max_length=20000)
    immediate_measures: str | None = Field(default=None, max_length=20000)
    probability: int | None = Scale
    severity: int | None = Scale
    individual_informed: bool | None = None
    representative_informed: bool | None = None
    documented_in_record: bool | None = None
    documentation_motivation: str | None = Field(default=None, max_length=20000)
    police_reported: bool | None = None
    patient_informed_at: AwareDatetime | None = None
    patient_view_given: bool | None = None


class DecisionRead(BaseModel):
    degree: str
    ivo_required: bool
    motivation: str
    no_actions_motivation: str | None
    decided_by: uuid.UUID
    decided_at: datetime


class IvoSummary(BaseModel):
    id: uuid.UUID
    kind: str
    degree: str
    decided_by: uuid.UUID
    decided_at: datetime
    sent_at: datetime | None
    ivo_case_number: str | None
    investigation_attached: bool
    investigation_sent_at: datetime | None
    namnd_informed_at: datetime | None


class ActionRead(BaseModel):
    id: uuid.UUID
    deviation_id: uuid.UUID
    description: str
    goal: str | None
    cause_area: CauseArea | None
    horizon: Horizon
    responsible_id: uuid.UUID | None
    planned_start: date | None
    due_date: date | None
    status: ActionStatus
    created_at: datetime
    created_by: uuid.UUID
    planned_at: datetime | None
    executed_at: datetime | None
    followed_up_at: datetime | None
    effect: str | None
    effective: bool | None
    rejected_at: datetime | None
    rejection_reason: str | None
    version: int
    deadlines: list[DeadlineRead] | None = None


class ActionList(BaseModel):
    items: list[ActionRead]
    next_cursor: str | None = None


class DeviationRead(BaseModel):
    """`view` is `full` for those who handle the case; `reporter` for its reporter, who sees the
    status of the report but not the investigation (those fields are then null)."""

    view: Literal["full", "reporter"]
    id: uuid.UUID
    reference: str
    type: DeviationType
    status: Status
    unit_id: uuid.UUID
    occurred_at: datetime
    reported_at: datetime
    description: str
    category: str | None
    reporter_id: uuid.UUID
    closed_at: datetime | None
    version: int
    source: SourceRef | None = None
    discovered_at: datetime | None = None
    discovered_how: str | None = None
    probability: int | None = None
    severity: int | None = None
    risk_value: int | None = None
    complaint_id: uuid.UUID | None = None
    immediate_measures: str | None = None
    immediate_measures_at: datetime | None = None
    no_immediate_measures_needed: bool | None = None
    received_at: datetime | None = None
    received_by: uuid.UUID | None = None
    investigator_id: uuid.UUID | None = None
    investigation_method: Method | None = None
    investigation_started_at: datetime | None = None
    investigation_completed_at: datetime | None = None
    degree: str | None = None
    decided_at: datetime | None = None
    ivo_required: bool | None = Field(default=None, description="Derived from the degree, never typed in")
    decision: DecisionRead | None = None
    ivo_notification: IvoSummary | None = None
    individual_informed: bool | None = None
    representative_informed: bool | None = None
    documented_in_record: bool | None = None
    documentation_motivation: str | None = None
    police_reported: bool | None = None
    patient_informed_at: datetime | None = None
    patient_view_given: bool | None = None
    closed_by: uuid.UUID | None = None
    close_motivation: str | None = None
    voided_at: datetime | None = None
    void_reason: str | None = None
    subjects: list[SubjectRead] | None = None
    actions: list[ActionRead] | None = None
    deadlines: list[DeadlineRead] | None = None


class DeviationListItem(BaseModel):
    """A row of a list: ids and facts only, no free text or personal data (open the case for those;
    that read is audited)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    type: DeviationType
    status: Status
    unit_id: uuid.UUID
    category: str | None
    severity: int | None
    probability: int | None
    occurred_at: datetime
    reported_at: datetime
    reporter_id: uuid.UUID
    investigator_id: uuid.UUID | None
    degree: str | None
    closed_at: datetime | None
    version: int


class DeviationPage(BaseModel):
    items: list[DeviationListItem]
    next_cursor: str | None = None


class HistoryItem(BaseModel):
    at: datetime
    type: str = Field(description="The event: DeviationReceived, ActionPlanned, …")
    actor_id: uuid.UUID | None
    status: str | None
    data: dict[str, object]


class HistoryPage(BaseModel):
    items: list[HistoryItem]
    next_cursor: str | None = None


# --- commands ----------------------------------------------------------------------------------


class ReceiveBody(Strict):
    immediate_measures: str | None = Field(default=None, max_length=20000)
    no_immediate_measures_needed: bool = False


class StartInvestigationBody(Strict):
    investigator_id: uuid.UUID
    method: Method = Method.STANDARD


class EntryCreate(Strict):
    section: Section
    kind: EntryKind = Field(description="fact or assessment")
    entry_date: date = Field(description="When the fact or assessment dates from")
    source: str = Field(min_length=1, max_length=2000, description="Where it comes from")
    text: str = Text
    author_title: str = Field(min_length=1, max_length=200)
    cause_area: CauseArea | None = None


class EntryRead(BaseModel):
    id: uuid.UUID
    deviation_id: uuid.UUID
    section: Section
    kind: EntryKind
    entry_date: date
    source: str
    text: str
    cause_area: CauseArea | None
    author_id: uuid.UUID
    author_name: str
    author_title: str
    created_at: datetime


class InvestigationRead(BaseModel):
    deviation_id: uuid.UUID
    investigator_id: uuid.UUID | None
    method: Method | None
    started_at: datetime | None
    completed_at: datetime | None
    conclusion: str | None
    proposed_degree: str | None
    analysis_team: str | None
    individual_involvement: str | None
    entries: list[EntryRead]


class CompleteInvestigationBody(Strict):
    conclusion: str = Text
    proposed_degree: str | None = Field(default=None, max_length=40)
    analysis_team: str | None = Field(default=None, max_length=2000)
    individual_involvement: str | None = Field(default=None, max_length=20000)


class DecisionBody(Strict):
    degree: str | None = Field(
        default=None, max_length=40, description="Lex Sarah degree or HSL outcome; none for an avvikelse"
    )
    motivation: str = Text
    no_actions_motivation: str | None = Field(
        default=None, max_length=20000, description="A motivated 'no action': the case goes to follow-up"
    )


class IvoDecisionCreate(Strict):
    degree: str = Field(min_length=1, max_length=40)
    rationale: str = Text


class IvoDecisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    deviation_id: uuid.UUID
    kind: str
    degree: str
    rationale: str
    decided_by: uuid.UUID
    decided_at: datetime
    sent_at: datetime | None = None
    channel: str | None = None
    ivo_case_number: str | None = None
    investigation_attached: bool = False
    investigation_sent_at: datetime | None = None
    namnd_informed_at: datetime | None = None


class IvoSentBody(Strict):
    sent_at: AwareDatetime
    ivo_case_number: str = Field(min_length=1, max_length=100)
    channel: IvoChannel = IvoChannel.E_TJANST
    investigation_attached: bool = False


class IvoInvestigationSentBody(Strict):
    sent_at: AwareDatetime


class NamndInformedBody(Strict):
    informed_at: AwareDatetime


class CloseBody(Strict):
    motivation: str | None = Field(default=None, max_length=20000)


class VoidBody(Strict):
    reason: str = Text


class ReclassifyBody(Strict):
    type: DeviationType
    motivation: str = Text


class ActionCreate(Strict):
    description: str = Text
    horizon: Horizon
    goal: str | None = Field(default=None, max_length=20000)
    cause_area: CauseArea | None = None
    responsible_id: uuid.UUID | None = None
    planned_start: date | None = None
    due_date: date | None = None


class ActionPatch(Strict):
    description: str | None = Field(default=None, min_length=1, max_length=20000)
    horizon: Horizon | None = None
    goal: str | None = Field(default=None, max_length=20000)
    cause_area: CauseArea | None = None
    responsible_id: uuid.UUID | None = None
    planned_start: date | None = None
    due_date: date | None = None


class PlanBody(Strict):
    responsible_id: uuid.UUID | None = None
    due_date: date | None = None
    planned_start: date | None = None


class CompleteActionBody(Strict):
    executed_at: AwareDatetime | None = None


class FollowUpBody(Strict):
    effect: str = Text
    effective: bool


class RejectBody(Strict):
    reason: str = Text


class AttachmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    deviation_id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: uuid.UUID
    uploaded_at: datetime


class AttachmentList(BaseModel):
    items: list[AttachmentRead]
    next_cursor: str | None = None


class ProviderRead(BaseModel):
    name: str
    org_nr: str
    address: str
    contact: str


class UnitRead(BaseModel):
    id: uuid.UUID
    name: str | None
    laws: list[str]


class PlannedMeasure(BaseModel):
    description: str
    due_date: date | None
    status: ActionStatus


class IvoInvestigationRead(BaseModel):
    state: Literal["bifogad", "skickad", "klar_skickas_separat", "foljer_senare"]
    completed_at: datetime | None
    conclusion: str | None
    sent_at: datetime | None


class IvoDocument(BaseModel):
    """What IVO's e-service asks for in a Lex Sarah or Lex Maria anmälan (docs/domain.md 3)."""

    kind: Literal["lex_sarah", "lex_maria"]
    reference: str
    status: Literal["beslutad", "skickad"]
    decided_by: uuid.UUID
    decided_at: datetime
    degree: str
    final_degree: str | None
    sent_at: datetime | None
    channel: str | None
    ivo_case_number: str | None
    provider: ProviderRead
    unit: UnitRead
    case_type: DeviationType
    occurred_at: datetime
    discovered_at: datetime | None
    discovered_how: str | None
    reported_at: datetime
    description: str
    individuals: list[SubjectRead]
    consequences: list[str]
    immediate_measures: str | None
    planned_measures: list[PlannedMeasure]
    why_serious: str
    investigation: IvoInvestigationRead
    individual_informed: bool | None
    representative_informed: bool | None
    police_reported: bool | None
    patient_informed_at: datetime | None = Field(description="Lex Maria only")
    patient_view_given: bool | None = Field(description="Lex Maria only")
    namnd_informed_at: datetime | None
