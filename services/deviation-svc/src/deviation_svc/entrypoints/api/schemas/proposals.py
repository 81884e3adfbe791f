"""Request and response models of förbättringsförslag and their improvement actions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from deviation_svc.domain.actions import ActionStatus
from deviation_svc.domain.proposals import (
    MAX_TITLE,
    ActionInput,
    Assessment,
    Decision,
    ProposalOutcome,
    ProposalStatus,
)
from deviation_svc.entrypoints.api.schemas.common import DeadlineRead, OptText, Strict, Text
from deviation_svc.service_layer.proposals.commands import Assess, Submit
from platform_shared.api.types import AwareInstant, Day


class ProposalCreate(Strict):
    unit_id: uuid.UUID = Field(description="The unit the proposal is for; its chef assesses it")
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    text: str = Text
    anonymous: bool = Field(
        default=False, description="Hide the proposer from the unit (she still follows her own proposal)"
    )

    def command(self) -> Submit:
        return Submit(**self.model_dump())


class ActionIn(Strict):
    description: str = Field(default="", max_length=20000)
    responsible_id: uuid.UUID | None = None
    due_date: Day | None = None


class ProposalAssessBody(Strict):
    decision: Decision = Field(
        description="accept, reject (with a motivation) or forward (to the unit above)"
    )
    motivation: str | None = OptText
    outcome: ProposalOutcome | None = Field(
        default=None, description="accept: an action, or a proposed revision of a rutin"
    )
    action: ActionIn | None = Field(default=None, description="outcome action: what, who and by when")
    document_id: uuid.UUID | None = Field(
        default=None, description="outcome rutin_revision: the rutin (org-svc document) to revise"
    )
    revision: str | None = Field(default=None, max_length=20000, description="What should change in it")

    def command(self, proposal_id: uuid.UUID) -> Assess:
        action = self.action
        spec = ActionInput(action.description, action.responsible_id, action.due_date) if action else None
        fields = self.model_dump(exclude={"action"})
        return Assess(proposal_id, Assessment(**fields, action=spec))


class CompleteBody(Strict):
    completed_at: AwareInstant | None = Field(default=None, description="Default: now")


class FollowUpBody(Strict):
    effect: str = Text
    effective: bool


class ImprovementActionRead(BaseModel):
    id: uuid.UUID
    proposal_id: uuid.UUID
    description: str
    responsible_id: uuid.UUID
    due_date: date
    status: ActionStatus
    created_at: datetime
    created_by: uuid.UUID
    completed_at: datetime | None
    followed_up_at: datetime | None
    effect: str | None
    effective: bool | None
    version: int
    deadlines: list[DeadlineRead]


class StepRead(BaseModel):
    step: Literal["submitted", "forwarded", "accepted", "rejected", "moved"]
    to_status: ProposalStatus
    from_unit_id: uuid.UUID | None
    to_unit_id: uuid.UUID | None
    by: uuid.UUID | None = Field(description="Who took the step; none for an anonymous proposer")
    at: datetime


class ProposalListItem(BaseModel):
    id: uuid.UUID
    reference: str
    unit_id: uuid.UUID = Field(description="The unit whose chef assesses it now")
    origin_unit_id: uuid.UUID = Field(description="The unit it was submitted for")
    title: str
    anonymous: bool
    proposer_id: uuid.UUID | None = Field(description="Not shown to others when anonymous")
    status: ProposalStatus
    outcome: ProposalOutcome | None
    submitted_at: datetime
    assessed_at: datetime | None
    moved_from_complaint: bool
    version: int


class ProposalRead(ProposalListItem):
    text: str
    motivation: str | None
    document_id: uuid.UUID | None
    revision: str | None
    assessed_by: uuid.UUID | None
    action: ImprovementActionRead | None
    steps: list[StepRead]


class ProposalPage(BaseModel):
    items: list[ProposalListItem]
    next_cursor: str | None = None
