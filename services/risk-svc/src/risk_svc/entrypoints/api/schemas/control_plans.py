"""Request and response models of the internkontrollplan and its rows (kontrollmoment)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from platform_shared.api.decisions import RecordedDecisionRead
from platform_shared.api.types import Day, Paragraph, Year
from risk_svc.domain.control_plans import ControlKind, ControlMethod, Frequency, Occasion, PlanStatus
from risk_svc.domain.model import RiskBand
from risk_svc.entrypoints.api.schemas.common import Input


class ControlPlanCreate(Input):
    unit_id: uuid.UUID = Field(description="The nämnd")
    year: Year = Field(ge=2000, le=2100)


class ControlPlanRowCreate(Input):
    kind: ControlKind = Field(
        default=ControlKind.INTERNKONTROLL,
        description="internkontroll: controls a prioritised risk; avtalsuppfoljning and mas_tillsyn: follow "
        "up a unit in private regi (MAS-tillsyn where it gives health care)",
    )
    risk_id: uuid.UUID | None = Field(default=None, description="Required for internkontroll")
    control_activity: str = Field(
        min_length=1, max_length=5000, description="Kontrollmoment: what is checked"
    )
    method: ControlMethod
    frequency: Frequency
    reporting_occasion: Occasion
    responsible_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = Field(
        default=None, description="Where it is controlled; default the risk's unit"
    )


class ControlPlanRowPatch(Input):
    control_activity: str | None = Field(default=None, min_length=1, max_length=5000)
    method: ControlMethod | None = None
    frequency: Frequency | None = None
    reporting_occasion: Occasion | None = None
    responsible_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None


class ControlPlanRowRead(BaseModel):
    id: uuid.UUID
    kind: ControlKind
    risk_id: uuid.UUID | None
    risk_reference: str | None
    risk_title: str | None
    risk_value: int | None
    unit_id: uuid.UUID
    control_activity: str
    method: ControlMethod
    frequency: Frequency
    responsible_id: uuid.UUID | None
    reporting_occasion: Occasion
    controls_scheduled: int


class ControlPlanFollowUpRead(BaseModel):
    occasion: Occasion
    note: str | None
    figures: dict[str, int]
    followed_up_by: uuid.UUID
    followed_up_at: datetime


class ControlPlanRead(BaseModel):
    id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    year: int
    status: PlanStatus
    decision_reference: str | None = Field(description="Diarienummer and §, as told in ControlPlanAdopted")
    decided_on: date | None
    decision: RecordedDecisionRead | None = None
    adopted_by: uuid.UUID | None
    adopted_at: datetime | None
    rows: list[ControlPlanRowRead]
    follow_ups: list[ControlPlanFollowUpRead]
    next_occasion: Occasion | None
    created_by: uuid.UUID
    created_at: datetime
    version: int


class ControlPlanSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    year: int
    status: PlanStatus
    version: int


class ControlPlanProposalRead(BaseModel):
    """A prioritised risk proposed for the plan."""

    model_config = ConfigDict(from_attributes=True)

    risk_id: uuid.UUID = Field(validation_alias="id")
    reference: str
    title: str
    unit_id: uuid.UUID
    risk_value: int | None
    band: RiskBand | None
    prioritised_at: datetime | None


class ControlPlanAdoptBody(Input):
    """The nämnd's decision, recorded by the socialchef, förvaltningschef or a kvalitetsledare."""

    meeting_date: Day = Field(description="The nämnd's meeting: the date of its decision")
    paragraph: Paragraph = Field(description="The § in the protocol: 85, '§ 85' or '85'")
    reference: str | None = Field(default=None, min_length=1, max_length=100, description="Diarienummer")


class ControlPlanFollowUpBody(Input):
    occasion: Occasion
    note: str | None = Field(default=None, max_length=20000)
