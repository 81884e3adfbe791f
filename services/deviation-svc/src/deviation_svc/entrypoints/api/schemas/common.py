"""Request and response pieces every deviation-svc schema shares (shape only; rules live in domain/)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from deviation_svc.service_layer.subjects import SubjectInput

Text = Field(min_length=1, max_length=20000)
OptText = Field(default=None, max_length=20000)
Scale = Field(default=None, ge=1, le=4)
PERSONNUMMER = r"^(\d{6}|\d{8})[-+]?\d{4}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceRef(BaseModel):
    system: str = Field(min_length=1, max_length=100, description="Sending case system, e.g. lifecare")
    external_id: str = Field(min_length=1, max_length=200)


class SubjectIn(Strict):
    """The brukare or patient; stored encrypted, shown only to those who may read the case."""

    name: str | None = Field(default=None, min_length=1, max_length=300)
    personnummer: str | None = Field(default=None, pattern=PERSONNUMMER, description="ÅÅÅÅMMDD-NNNN")
    protected_identity: bool = False
    insats: str | None = Field(
        default=None, min_length=1, max_length=200, description="Insatsen personen hade, t.ex. hemtjänst"
    )

    def input(self) -> SubjectInput:
        return SubjectInput(self.name, self.personnummer, self.protected_identity, self.insats)


class SubjectRead(BaseModel):
    id: uuid.UUID = Field(description="Pseudonymous id")
    name: str | None
    personnummer: str | None
    protected_identity: bool
    insats: str | None = None


class DeadlineRead(BaseModel):
    rule: str
    due_at: datetime
    met_at: datetime | None
    status: Literal["pending", "met", "missed"]
