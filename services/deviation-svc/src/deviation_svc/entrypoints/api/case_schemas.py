"""Request and response models of complaints and data breaches."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from deviation_svc.domain.breaches import BreachRisk, BreachStatus, DataCategory, SubjectGroup
from deviation_svc.domain.complaints import Channel, ComplainantType, ComplaintKind, ComplaintStatus
from deviation_svc.domain.model import DeviationType
from deviation_svc.entrypoints.api.schemas import DeadlineRead, Strict, SubjectIn, SubjectRead, Text

OptText = Field(default=None, max_length=20000)


class ComplaintCreate(Strict):
    kind: ComplaintKind
    channel: Channel
    complainant_type: ComplainantType
    unit_id: uuid.UUID
    text: str = Text
    received_at: AwareDatetime | None = Field(default=None, description="Default: now")
    category: str | None = Field(default=None, max_length=100)
    subject: SubjectIn | None = None


class ComplaintPatch(Strict):
    kind: ComplaintKind | None = None
    channel: Channel | None = None
    text: str | None = Field(default=None, min_length=1, max_length=20000)
    category: str | None = Field(default=None, max_length=100)


class ComplaintRead(BaseModel):
    id: uuid.UUID
    reference: str
    kind: ComplaintKind
    channel: Channel
    complainant_type: ComplainantType
    unit_id: uuid.UUID
    text: str
    category: str | None
    status: ComplaintStatus
    received_at: datetime
    registered_by: uuid.UUID
    acknowledged_at: datetime | None
    response_due_at: datetime | None
    investigation_started_at: datetime | None
    responded_at: datetime | None
    response: str | None
    escalated_deviation_id: uuid.UUID | None
    escalated_at: datetime | None
    closed_at: datetime | None
    version: int
    subjects: list[SubjectRead]
    deadlines: list[DeadlineRead]


class ComplaintListItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    kind: ComplaintKind
    channel: Channel
    complainant_type: ComplainantType
    unit_id: uuid.UUID
    category: str | None
    status: ComplaintStatus
    received_at: datetime
    response_due_at: datetime | None
    responded_at: datetime | None
    escalated_deviation_id: uuid.UUID | None
    version: int


class ComplaintPage(BaseModel):
    items: list[ComplaintListItem]
    next_cursor: str | None = None


class RespondBody(Strict):
    response: str = Text


class EscalateBody(Strict):
    type: DeviationType = Field(description="lex_sarah (missförhållande) or hsl (vårdskada)")
    description: str = Text
    occurred_at: AwareDatetime | None = Field(default=None, description="Default: when the complaint came")
    category: str | None = Field(default=None, max_length=100)


class EscalationRead(BaseModel):
    complaint: ComplaintRead
    deviation_id: uuid.UUID


class BreachCreate(Strict):
    """The fields of IMY's form for a personuppgiftsincident."""

    unit_id: uuid.UUID
    discovered_at: AwareDatetime
    description: str = Text
    occurred_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None
    cause: str | None = OptText
    data_categories: list[DataCategory] = Field(default_factory=list)
    subject_groups: list[SubjectGroup] = Field(default_factory=list)
    approx_subjects: int | None = Field(default=None, ge=0)
    approx_records: int | None = Field(default=None, ge=0)
    likely_consequences: str | None = OptText
    measures: str | None = OptText
    dpo_consulted: bool | None = None


class BreachPatch(Strict):
    occurred_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None
    description: str | None = Field(default=None, min_length=1, max_length=20000)
    cause: str | None = OptText
    data_categories: list[DataCategory] | None = None
    subject_groups: list[SubjectGroup] | None = None
    approx_subjects: int | None = Field(default=None, ge=0)
    approx_records: int | None = Field(default=None, ge=0)
    likely_consequences: str | None = OptText
    measures: str | None = OptText
    dpo_consulted: bool | None = None
    subjects_not_informed_reason: str | None = OptText


class BreachRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    status: BreachStatus
    occurred_at: datetime | None
    discovered_at: datetime
    ended_at: datetime | None
    description: str
    cause: str | None
    data_categories: list[DataCategory]
    subject_groups: list[SubjectGroup]
    approx_subjects: int | None
    approx_records: int | None
    likely_consequences: str | None
    measures: str | None
    dpo_consulted: bool | None
    risk: BreachRisk | None
    risk_motivation: str | None
    imy_required: bool | None
    subjects_must_be_informed: bool | None = None
    imy_due_at: datetime
    imy_reported_at: datetime | None
    imy_ref: str | None
    subjects_informed_at: datetime | None
    subjects_not_informed_reason: str | None
    reported_by: uuid.UUID
    reported_at: datetime
    assessed_at: datetime | None
    remedied_at: datetime | None
    closed_at: datetime | None
    version: int
    deadlines: list[DeadlineRead] = Field(default_factory=list)


class BreachListItem(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    status: BreachStatus
    discovered_at: datetime
    reported_at: datetime
    risk: BreachRisk | None
    imy_required: bool | None
    imy_due_at: datetime
    imy_reported_at: datetime | None
    version: int


class BreachPage(BaseModel):
    items: list[BreachListItem]
    next_cursor: str | None = None


class AssessBody(Strict):
    risk: BreachRisk
    motivation: str = Text


class ImyReportBody(Strict):
    imy_ref: str = Field(min_length=1, max_length=100, description="IMY's reference")
    imy_reported_at: AwareDatetime | None = None


class InformSubjectsBody(Strict):
    informed_at: AwareDatetime | None = None
