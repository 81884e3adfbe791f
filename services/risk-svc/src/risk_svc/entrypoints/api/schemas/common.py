"""Request and response pieces every risk-svc schema shares (shape only; rules live in domain/)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from platform_shared.api.types import Day
from risk_svc.domain.risks import RiskActionStatus
from risk_svc.service_layer.risks.commands import ActionInput

P_TEXT = "Sannolikhet: 1 mycket liten, 2 liten, 3 stor, 4 mycket stor"
C_TEXT = "Konsekvens: 1 mindre, 2 måttlig, 3 betydande, 4 katastrofal"
Probability = Field(ge=1, le=4, description=P_TEXT)
Consequence = Field(ge=1, le=4, description=C_TEXT)
OptionalProbability = Field(default=None, ge=1, le=4, description=P_TEXT)
OptionalConsequence = Field(default=None, ge=1, le=4, description=C_TEXT)


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RiskActionCreate(Input):
    """An action of a risk's plan (also a control finding's action)."""

    description: str = Field(min_length=1, max_length=5000)
    responsible_id: uuid.UUID | None = None
    due_date: Day | None = None

    def input(self) -> ActionInput:
        return ActionInput(**self.model_dump())


class RiskActionRead(BaseModel):
    id: uuid.UUID
    description: str
    responsible_id: uuid.UUID | None
    due_date: date | None
    status: RiskActionStatus
    finding_id: uuid.UUID | None
    created_at: datetime
    completed_at: datetime | None
    completion_note: str | None
