"""Request and response models of the scheduled controls, their results and findings."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from platform_shared.api.types import Day
from risk_svc.domain.control_plans import ControlKind, ControlResult, ControlStatus
from risk_svc.entrypoints.api.schemas.common import Input, RiskActionCreate
from risk_svc.service_layer.controls.commands import FindingInput, Perform


class ControlFindingCreate(Input):
    description: str = Field(min_length=1, max_length=5000)
    action: RiskActionCreate | None = None

    def input(self) -> FindingInput:
        return FindingInput(self.description, self.action.input() if self.action else None)


class ControlPerformBody(Input):
    result: ControlResult
    performed_on: Day | None = Field(default=None, description="Default: today")
    note: str | None = Field(default=None, max_length=5000)
    findings: list[ControlFindingCreate] = Field(default_factory=list, max_length=100)

    def command(self, control_id: uuid.UUID) -> Perform:
        fields = self.model_dump(exclude={"findings"})
        return Perform(control_id, **fields, findings=tuple(f.input() for f in self.findings))


class ControlFindingRead(BaseModel):
    id: uuid.UUID
    description: str | None = Field(description="null for readers of aggregates only")
    action_id: uuid.UUID | None
    recorded_by: uuid.UUID
    recorded_at: datetime


class ControlRead(BaseModel):
    id: uuid.UUID
    reference: str
    plan_id: uuid.UUID
    row_id: uuid.UUID
    kind: ControlKind
    risk_id: uuid.UUID | None
    unit_id: uuid.UUID
    period_start: date
    period_end: date
    due_date: date
    status: ControlStatus
    result: ControlResult | None
    on_time: bool | None
    performed_on: date | None
    performed_by: uuid.UUID | None
    note: str | None
    finding_count: int
    findings: list[ControlFindingRead]
    version: int
