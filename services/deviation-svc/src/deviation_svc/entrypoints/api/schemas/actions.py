"""Request and response models of a deviation's actions."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from deviation_svc.domain.actions import ActionStatus, Horizon
from deviation_svc.domain.model import CauseArea
from deviation_svc.entrypoints.api.schemas.common import (
    DeadlineRead,
    Strict,
    Text,
)
from platform_shared.api.types import AwareInstant, Day


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
    revises_document_id: uuid.UUID | None = None
    version: int
    deadlines: list[DeadlineRead] | None = None


class ActionList(BaseModel):
    items: list[ActionRead]
    next_cursor: str | None = None


class ActionCreate(Strict):
    description: str = Text
    horizon: Horizon
    goal: str | None = Field(default=None, max_length=20000)
    cause_area: CauseArea | None = None
    responsible_id: uuid.UUID | None = None
    planned_start: Day | None = None
    due_date: Day | None = None
    revises_document_id: uuid.UUID | None = Field(
        default=None,
        description="The action is to revise this rutin (org-svc document): a revision proposal on it",
    )


class ActionPatch(Strict):
    description: str | None = Field(default=None, min_length=1, max_length=20000)
    horizon: Horizon | None = None
    goal: str | None = Field(default=None, max_length=20000)
    cause_area: CauseArea | None = None
    responsible_id: uuid.UUID | None = None
    planned_start: Day | None = None
    due_date: Day | None = None


class PlanBody(Strict):
    responsible_id: uuid.UUID | None = None
    due_date: Day | None = None
    planned_start: Day | None = None


class CompleteActionBody(Strict):
    executed_at: AwareInstant | None = None


class FollowUpBody(Strict):
    effect: str = Text
    effective: bool


class RejectBody(Strict):
    reason: str = Text
