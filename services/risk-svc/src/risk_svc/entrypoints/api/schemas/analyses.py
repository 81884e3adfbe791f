"""Request and response models of risk analyses and their suggestions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from platform_shared.api.types import Day, Year
from risk_svc.domain.analyses import AnalysisStatus, Trigger
from risk_svc.domain.risks import RiskSource
from risk_svc.domain.suggestions import SuggestionKind
from risk_svc.entrypoints.api.schemas.common import Input
from risk_svc.entrypoints.api.schemas.risks import RiskSummary


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
