"""Request and response models of risks and the matrix."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from platform_shared.api.types import Count
from risk_svc.domain.model import RiskBand
from risk_svc.domain.risks import RiskSource, RiskStatus
from risk_svc.entrypoints.api.schemas.common import (
    Consequence,
    Input,
    OptionalConsequence,
    OptionalProbability,
    Probability,
    RiskActionCreate,
    RiskActionRead,
)
from risk_svc.service_layer.risks.commands import IdentifyRisk


class RiskCreate(Input):
    unit_id: uuid.UUID
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=20000)
    process: str | None = Field(default=None, max_length=200)
    source: RiskSource | None = None
    analysis_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None
    probability: Count | None = OptionalProbability
    consequence: Count | None = OptionalConsequence
    assessment_note: str | None = Field(default=None, max_length=5000)
    linked_deviation_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    linked_complaint_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    suggestion_key: str | None = Field(
        default=None, max_length=200, description="The suggestion it was made from"
    )
    revises_document_id: uuid.UUID | None = Field(
        default=None,
        description="The risk is treated by revising this rutin (an org-svc document): proposed on it",
    )
    actions: list[RiskActionCreate] = Field(default_factory=list, max_length=50)

    def command(self) -> IdentifyRisk:
        fields = self.model_dump(exclude={"actions"})
        return IdentifyRisk(**fields, actions=tuple(a.input() for a in self.actions))


class RiskPatch(Input):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=20000)
    process: str | None = Field(default=None, max_length=200)
    source: RiskSource | None = None
    owner_id: uuid.UUID | None = None
    linked_deviation_ids: list[uuid.UUID] | None = Field(default=None, max_length=500)
    linked_complaint_ids: list[uuid.UUID] | None = Field(default=None, max_length=500)
    revises_document_id: uuid.UUID | None = Field(
        default=None,
        description="The risk is treated by revising this rutin (an org-svc document): proposed on it",
    )


class RiskAssessBody(Input):
    probability: Count = Probability
    consequence: Count = Consequence
    note: str | None = Field(default=None, max_length=5000)


class RiskMotivationBody(Input):
    motivation: str | None = Field(default=None, max_length=5000)


class RiskEscalateBody(Input):
    reason: str = Field(min_length=1, max_length=5000)


class RiskFollowUpBody(Input):
    note: str = Field(min_length=1, max_length=5000)
    probability: Count | None = OptionalProbability
    consequence: Count | None = OptionalConsequence


class RiskNoteBody(Input):
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
    revises_document_id: uuid.UUID | None = None
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
    actions: list[RiskActionRead]
    suggestion_key: str | None
    version: int


class RiskSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

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


class RiskAssessmentRead(BaseModel):
    probability: int
    consequence: int
    risk_value: int
    band: RiskBand
    kind: str
    note: str | None
    assessed_by: uuid.UUID
    assessed_at: datetime


class RiskTransitionRead(BaseModel):
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
    assessments: list[RiskAssessmentRead]
    transitions: list[RiskTransitionRead]


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
