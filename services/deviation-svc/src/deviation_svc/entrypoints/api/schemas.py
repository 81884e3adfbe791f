from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from deviation_svc.domain.model import DeviationType, Status


class SourceRef(BaseModel):
    system: str = Field(min_length=1, max_length=100, description="Sending case system, e.g. lifecare")
    external_id: str = Field(min_length=1, max_length=200)


class DeviationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: DeviationType
    unit_id: uuid.UUID
    occurred_at: AwareDatetime
    description: str = Field(min_length=1, max_length=20000)
    category: str | None = Field(default=None, max_length=100)
    source: SourceRef | None = None


class IvoDecisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    degree: str = Field(min_length=1, max_length=40)
    rationale: str = Field(min_length=1, max_length=20000)


class IvoDecisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    deviation_id: uuid.UUID
    kind: str
    degree: str
    rationale: str
    decided_by: uuid.UUID
    decided_at: datetime


class DeviationRead(BaseModel):
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
    source: SourceRef | None
    version: int
