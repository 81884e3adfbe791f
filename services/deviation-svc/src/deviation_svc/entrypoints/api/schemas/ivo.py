"""Request and response models of the IVO anmälan."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from deviation_svc.domain.actions import ActionStatus
from deviation_svc.domain.ivo import IvoChannel
from deviation_svc.domain.model import DeviationType
from deviation_svc.entrypoints.api.schemas.common import (
    Strict,
    SubjectRead,
    Text,
)
from platform_shared.api.types import AwareInstant


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
    document_attachment_id: uuid.UUID | None = Field(
        default=None, description="The anmälan as sent (PDF), among the case's attachments"
    )


class IvoSentBody(Strict):
    sent_at: AwareInstant
    ivo_case_number: str = Field(min_length=1, max_length=100)
    channel: IvoChannel = IvoChannel.E_TJANST
    investigation_attached: bool = False


class IvoInvestigationSentBody(Strict):
    sent_at: AwareInstant


class NamndInformedBody(Strict):
    informed_at: AwareInstant


class ProviderRead(BaseModel):
    name: str
    org_nr: str
    address: str
    contact: str


class IvoUnitRead(BaseModel):
    id: uuid.UUID
    name: str | None
    laws: list[str]
    path: list[str] = Field(description="The unit and the units above it, top first: where it happened")


class DecisionMakerRead(BaseModel):
    name: str | None
    role: str | None = Field(description="The role the anmälan was decided in, in Swedish")


class CauseRead(BaseModel):
    text: str
    cause_area: str | None


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
    decision_maker: DecisionMakerRead
    decided_at: datetime
    degree: str
    final_degree: str | None
    sent_at: datetime | None
    channel: str | None
    ivo_case_number: str | None
    provider: ProviderRead
    provider_missing: list[str] = Field(description="Provider facts still missing (Swedish names)")
    unit: IvoUnitRead
    verksamhetschef: str | None = Field(description="Lex Maria: the verksamhetschef (HSL) of the unit")
    case_type: DeviationType
    occurred_at: datetime
    discovered_at: datetime | None
    discovered_how: str | None
    reported_at: datetime
    description: str
    individuals: list[SubjectRead]
    consequences: list[str]
    causes: list[CauseRead]
    investigation_measures: list[str]
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
    document_attachment_id: uuid.UUID | None
