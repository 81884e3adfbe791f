"""Request and response models of egenkontroller."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from platform_shared.api.types import Day
from risk_svc.domain.self_assessments import (
    Figure,
    SelfAssessmentMethod,
    SelfAssessmentResult,
    SelfAssessmentStatus,
)
from risk_svc.entrypoints.api.schemas.common import Input, RiskActionCreate
from risk_svc.service_layer.self_assessments.commands import CompleteSelfAssessment


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


class SelfAssessmentFigureIn(Input):
    indicator: str = Field(
        min_length=1, max_length=200, description="e.g. a Kolada KPI id or an ÖJ indicator"
    )
    value: float = Field(allow_inf_nan=False)
    reference_value: float | None = Field(
        default=None, allow_inf_nan=False, description="e.g. riket or similar municipalities"
    )
    higher_is_better: bool = True


class SelfAssessmentFigureRead(BaseModel):
    indicator: str
    value: float
    reference_value: float | None
    higher_is_better: bool
    below_reference: bool | None


class SelfAssessmentComplete(Input):
    result: SelfAssessmentResult
    analysis: str = Field(min_length=1, max_length=20000)
    figures: list[SelfAssessmentFigureIn] = Field(default_factory=list, max_length=200)
    actions: list[RiskActionCreate] = Field(default_factory=list, max_length=50)

    def command(self, assessment_id: uuid.UUID) -> CompleteSelfAssessment:
        return CompleteSelfAssessment(
            assessment_id,
            self.result,
            self.analysis,
            figures=tuple(Figure(**f.model_dump()) for f in self.figures),
            actions=tuple(a.input() for a in self.actions),
        )


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
    figures: list[SelfAssessmentFigureRead]
    actions: list[SelfAssessmentActionRead]
    created_by: uuid.UUID
    created_at: datetime
    completed_by: uuid.UUID | None
    completed_at: datetime | None
    version: int
