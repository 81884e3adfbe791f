from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from risk_svc.domain.model import RiskBand, RiskStatus


class RiskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=20000)
    probability: int = Field(ge=1, le=4, description="Sannolikhet: 1 mycket liten … 4 mycket stor")
    consequence: int = Field(ge=1, le=4, description="Konsekvens: 1 mindre … 4 katastrofal")


class RiskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    title: str
    description: str | None
    probability: int
    consequence: int
    risk_value: int
    band: RiskBand
    status: RiskStatus
    assessed_by: uuid.UUID
    assessed_at: datetime
    version: int
