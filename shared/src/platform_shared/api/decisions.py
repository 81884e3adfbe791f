"""The one API shape of a recorded decision (platform_shared.decisions), in every service."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from platform_shared.decisions import Decision


class RecordedDecisionRead(BaseModel):
    body: Literal["namnd", "role"] = Field(description="namnd: the nämnd at a meeting; role: a role")
    unit_id: uuid.UUID = Field(description="The nämnd's unit, or the unit the deciding role is held for")
    decided_on: date
    person_id: uuid.UUID = Field(description="Who decided (role) or recorded the nämnd's decision")
    role: str = Field(description="The deciding role; for the nämnd, the recorder's role")
    meeting_date: date | None = Field(description="The nämnd's meeting (nämnd decisions only)")
    paragraph: int | None = Field(description="The § in the nämnd's protocol")
    reference: str | None = Field(description="Diarienummer")
    text: str = Field(description="As a person reads it, in Swedish")

    @classmethod
    def of(cls, stored: dict[str, Any] | None, role_phrase: str = "Beslut av") -> RecordedDecisionRead | None:
        if not stored:
            return None
        decision = Decision.from_dict(stored)
        return cls(**decision.as_dict(), text=decision.describe(role_phrase=role_phrase))
