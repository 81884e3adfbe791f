"""Request and response models of deviations: report, read, list, edit, the lifecycle, the investigation."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from deviation_svc.domain.investigation import EntryKind, Method, Section
from deviation_svc.domain.model import CauseArea, DeviationType, Status
from deviation_svc.entrypoints.api.schemas.actions import ActionRead
from deviation_svc.entrypoints.api.schemas.common import (
    DeadlineRead,
    Scale,
    SourceRef,
    Strict,
    SubjectIn,
    SubjectRead,
    Text,
)
from deviation_svc.service_layer.deviations.commands import (
    BATCH_LIMIT,
    BatchItem,
    ReportBatch,
    ReportDeviation,
)
from platform_shared.api.types import AwareInstant, Count, Day


class DeviationCreate(Strict):
    type: DeviationType
    unit_id: uuid.UUID
    occurred_at: AwareInstant
    description: str = Text
    category: str | None = Field(default=None, max_length=100)
    source: SourceRef | None = None
    discovered_at: AwareInstant | None = None
    discovered_how: str | None = Field(default=None, max_length=20000)
    immediate_measures: str | None = Field(default=None, max_length=20000)
    probability: Count | None = Scale
    severity: Count | None = Scale
    subjects: list[SubjectIn] = Field(default_factory=list, max_length=20)
    document_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=20,
        description="Rutiner (org-svc documents) that were not followed or were missing; each becomes a "
        "revision proposal on the document",
    )

    def command(self) -> ReportDeviation:
        fields = self.model_dump(exclude={"source", "subjects", "document_ids"})
        return ReportDeviation(
            **fields,
            document_ids=tuple(self.document_ids),
            source_system=self.source.system if self.source else None,
            source_external_id=self.source.external_id if self.source else None,
            subjects=tuple(s.input() for s in self.subjects),
        )


class DeviationBatchReport(DeviationCreate):
    """One report of a batch: as a single report, its source required (a resent batch is then safe)."""

    source: SourceRef


class DeviationBatch(Strict):
    reports: list[DeviationBatchReport] = Field(min_length=1, max_length=BATCH_LIMIT)

    def command(self) -> ReportBatch:
        return ReportBatch(tuple(r.command() for r in self.reports))


class DeviationBatchItem(BaseModel):
    index: int = Field(description="The report's place in the batch, from 0")
    id: uuid.UUID
    reference: str
    outcome: Literal["created", "already_reported"]


class DeviationBatchRead(BaseModel):
    items: list[DeviationBatchItem]
    created: int
    already_reported: int

    @classmethod
    def of(cls, items: list[BatchItem]) -> DeviationBatchRead:
        return cls(
            items=[
                DeviationBatchItem(
                    index=i.index,
                    id=i.deviation.id,
                    reference=i.deviation.reference,
                    outcome="created" if i.new else "already_reported",
                )
                for i in items
            ],
            created=sum(i.new for i in items),
            already_reported=sum(not i.new for i in items),
        )


class DeviationPatch(Strict):
    """Fields only; state and type change through commands."""

    description: str | None = Field(default=None, min_length=1, max_length=20000)
    category: str | None = Field(default=None, max_length=100)
    document_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=20, description="Rutiner not followed or missing (replaces the list)"
    )
    occurred_at: AwareInstant | None = None
    discovered_at: AwareInstant | None = None
    discovered_how: str | None = Field(default=None, max_length=20000)
    immediate_measures: str | None = Field(default=None, max_length=20000)
    probability: Count | None = Scale
    severity: Count | None = Scale
    individual_informed: bool | None = None
    representative_informed: bool | None = None
    documented_in_record: bool | None = None
    documentation_motivation: str | None = Field(default=None, max_length=20000)
    police_reported: bool | None = None
    patient_informed_at: AwareInstant | None = None
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
    document_ids: list[uuid.UUID] | None = Field(
        default=None, description="Rutiner (org-svc documents) not followed or missing"
    )
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


class ReceiveBody(Strict):
    immediate_measures: str | None = Field(default=None, max_length=20000)
    no_immediate_measures_needed: bool = False


class StartInvestigationBody(Strict):
    investigator_id: uuid.UUID
    method: Method = Method.STANDARD


class EntryCreate(Strict):
    section: Section
    kind: EntryKind = Field(description="fact or assessment")
    entry_date: Day = Field(description="When the fact or assessment dates from")
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


class CloseBody(Strict):
    motivation: str | None = Field(default=None, max_length=20000)


class VoidBody(Strict):
    reason: str = Text


class ReclassifyBody(Strict):
    type: DeviationType
    motivation: str = Text
