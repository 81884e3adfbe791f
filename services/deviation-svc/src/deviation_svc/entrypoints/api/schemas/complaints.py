"""Request and response models of complaints (klagomål och synpunkter)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from deviation_svc.domain.complaints import Channel, ComplainantType, ComplaintKind, ComplaintStatus
from deviation_svc.domain.model import DeviationType
from deviation_svc.entrypoints.api.schemas.common import (
    DeadlineRead,
    Strict,
    SubjectIn,
    SubjectRead,
    Text,
)
from deviation_svc.service_layer.complaints.commands import RegisterComplaint
from platform_shared.api.types import AwareInstant


class ComplaintCreate(Strict):
    kind: ComplaintKind = Field(
        description="forbattringsforslag is deprecated: it creates an improvement proposal (see Location)"
    )
    channel: Channel
    complainant_type: ComplainantType
    unit_id: uuid.UUID
    text: str = Text
    received_at: AwareInstant | None = Field(default=None, description="Default: now")
    category: str | None = Field(default=None, max_length=100)
    subject: SubjectIn | None = None
    guarantee_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=10,
        description="Värdighetsgarantier (risk-svc) the complaint names as not kept; each named once. "
        "risk-svc counts those that applied to the unit when the complaint was received",
    )

    def command(self) -> RegisterComplaint:
        fields = self.model_dump(exclude={"subject", "guarantee_ids"})
        return RegisterComplaint(
            **fields,
            subject=self.subject.input() if self.subject else None,
            guarantee_ids=tuple(self.guarantee_ids),
        )


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
    moved_to_proposal_id: uuid.UUID | None = Field(
        default=None, description="Kind forbattringsforslag: the improvement proposal it is now"
    )
    version: int
    guarantee_ids: list[uuid.UUID] = Field(
        default_factory=list, description="Värdighetsgarantier it names as not kept"
    )
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
    occurred_at: AwareInstant | None = Field(default=None, description="Default: when the complaint came")
    category: str | None = Field(default=None, max_length=100)


class EscalationRead(BaseModel):
    complaint: ComplaintRead
    deviation_id: uuid.UUID
