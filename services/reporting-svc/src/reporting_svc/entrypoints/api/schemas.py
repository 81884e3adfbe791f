from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class DeviationSummaryRead(BaseModel):
    total: int = Field(description="Deviations reported in the period within the units counted")
    by_type: dict[str, int] = Field(description="Counts per deviation type (avvikelse, lex_sarah, hsl)")
    by_unit: dict[str, int] = Field(description="Counts per unit id the report was made for")


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    title: str
    body: str
    deviation_id: uuid.UUID | None
    reference: str | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(BaseModel):
    items: list[NotificationRead]
    next_cursor: str | None = None
