"""Request and response models of personuppgiftsincidenter (IMY's form)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from deviation_svc.domain.breaches import BreachRisk, BreachStatus, DataCategory, SubjectGroup
from deviation_svc.entrypoints.api.schemas.common import (
    DeadlineRead,
    OptText,
    Strict,
    Text,
)
from platform_shared.api.types import AwareInstant, Count


class BreachCreate(Strict):
    """The fields of IMY's form for a personuppgiftsincident."""

    unit_id: uuid.UUID
    discovered_at: AwareInstant
    description: str = Text
    occurred_at: AwareInstant | None = None
    ended_at: AwareInstant | None = None
    cause: str | None = OptText
    data_categories: list[DataCategory] = Field(default_factory=list)
    subject_groups: list[SubjectGroup] = Field(default_factory=list)
    approx_subjects: Count | None = None
    approx_records: Count | None = None
    likely_consequences: str | None = OptText
    measures: str | None = OptText
    dpo_consulted: bool | None = None


class BreachPatch(Strict):
    occurred_at: AwareInstant | None = None
    ended_at: AwareInstant | None = None
    description: str | None = Field(default=None, min_length=1, max_length=20000)
    cause: str | None = OptText
    data_categories: list[DataCategory] | None = None
    subject_groups: list[SubjectGroup] | None = None
    approx_subjects: Count | None = None
    approx_records: Count | None = None
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


class BreachAssessBody(Strict):
    risk: BreachRisk
    motivation: str = Text


class ImyReportBody(Strict):
    imy_ref: str = Field(min_length=1, max_length=100, description="IMY's reference")
    imy_reported_at: AwareInstant | None = None


class InformSubjectsBody(Strict):
    informed_at: AwareInstant | None = None
