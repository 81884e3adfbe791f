"""The kvalitetsråd API's bodies and read models (/api/v1/kvalitetsrad)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from platform_shared.api.types import Day
from reporting_svc.domain.kvalitetsrad import MAX_PARTICIPANTS, MAX_TEXT
from reporting_svc.entrypoints.api.schemas import FigureRead

# The domain's enums as literals: risk-svc has enums named Occasion and Direction of its own, and the
# merged OpenAPI document names each schema once (a test holds these to domain/kvalitetsrad.py).
OccasionName = Literal["t1", "t2", "vb", "vp", "extra"]
StatusName = Literal["planned", "held", "justerat"]
OutcomeName = Literal["done", "continues", "dropped"]
DirectionName = Literal["from_below", "from_above"]


class KvalitetsradCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID
    occasion: OccasionName = Field(description="What the meeting prepares: t1, t2, vb, vp or extra")
    meeting_on: Day
    participant_ids: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_PARTICIPANTS)
    secretary_id: uuid.UUID | None = Field(None, description="Nedtecknat av")
    chef_id: uuid.UUID | None = Field(None, description="Justeras av (the unit's chef)")
    report_id: uuid.UUID | None = Field(
        None, description="The unit's kvalitetsrad report: the printed underlag"
    )


class KvalitetsradPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    occasion: OccasionName | None = None
    meeting_on: Day | None = None
    participant_ids: list[uuid.UUID] | None = Field(None, max_length=MAX_PARTICIPANTS)
    secretary_id: uuid.UUID | None = None
    chef_id: uuid.UUID | None = None
    report_id: uuid.UUID | None = None


class KvalitetsradItemWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notes: str | None = Field(None, max_length=MAX_TEXT)
    decisions: str | None = Field(None, max_length=MAX_TEXT)


class KvalitetsradActionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_key: str = Field(max_length=40, description="The agenda item it was decided under")
    description: str = Field(max_length=MAX_TEXT)
    owner_id: uuid.UUID | None = None
    due_date: Day | None = None


class KvalitetsradFollowUpWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action_id: uuid.UUID = Field(description="An open action from the unit's earlier kvalitetsråd")
    outcome: OutcomeName
    note: str | None = Field(None, max_length=MAX_TEXT, description="Required when dropped")


class KvalitetsradHeldBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_ids: list[uuid.UUID] | None = Field(
        None, max_length=MAX_PARTICIPANTS, description="Who attended (default: the participants planned)"
    )


class KvalitetsradActionRead(BaseModel):
    id: uuid.UUID
    meeting_id: uuid.UUID
    item_key: str
    description: str
    owner_id: uuid.UUID
    due_date: date
    status: str = Field(description="open | done | dropped")
    followed_up_meeting_id: uuid.UUID | None
    follow_up_outcome: OutcomeName | None
    follow_up_note: str | None
    followed_up_at: datetime | None
    version: int


class KvalitetsradCarriedActionRead(BaseModel):
    action_id: uuid.UUID
    meeting_id: uuid.UUID = Field(description="The meeting it was decided at")
    decided_on: date | None
    item_key: str
    description: str
    owner_id: uuid.UUID
    due_date: date
    outcome: OutcomeName | None = Field(description="Followed up at this meeting (null: not yet)")
    note: str | None


class KvalitetsradProtokollRead(BaseModel):
    meeting_id: uuid.UUID
    unit_id: uuid.UUID
    unit_name: str
    meeting_on: date
    justerat_at: datetime
    direction: DirectionName
    direction_label: str


class KvalitetsradIndicatorRead(BaseModel):
    indicator_id: uuid.UUID
    name: str
    unit_id: uuid.UUID
    unit_name: str
    unit_of_measure: str | None
    target: str | None = Field(description="Målvärde (a decimal as text)")
    threshold: str | None = Field(description="Gränsvärde (a decimal as text)")
    kpi: str | None = Field(description="The Kolada KPI an imported indicator shows")
    period: str | None = Field(description="The period of the latest value: 2026-03, 2026-T1 or 2026")
    period_label: str | None
    value: str | None = Field(description="The latest value up to the end of the period (null: none)")
    status: Literal["over_target", "between", "under_threshold", "missing"]
    status_label: str


class KvalitetsradIndicatorCountRead(BaseModel):
    status: Literal["over_target", "between", "under_threshold", "missing"]
    label: str
    count: int


class KvalitetsradIndicatorsRead(BaseModel):
    view: Literal["fulfilment", "comparison"] = Field(
        description="fulfilment: every indicator of the unit and its subtree; comparison: the imported ones"
    )
    title: str
    counts: list[KvalitetsradIndicatorCountRead]
    total: int
    under_threshold: list[KvalitetsradIndicatorRead]
    indicators: list[KvalitetsradIndicatorRead]


class KvalitetsradItemRead(BaseModel):
    key: str
    position: int
    heading: str
    guidance: str
    filled_from: str | None
    notes: str | None
    decisions: str | None
    figures: list[FigureRead]
    actions: list[KvalitetsradActionRead]
    carried_actions: list[KvalitetsradCarriedActionRead] | None = Field(
        None, description="Genomgång av balanslistor: open actions of the unit's earlier meetings"
    )
    protokoll: list[KvalitetsradProtokollRead] | None = Field(
        None, description="Anmälan av protokoll: justerade protokoll one level up and down"
    )
    indicators: KvalitetsradIndicatorsRead | None = Field(
        None,
        description="Måluppfyllelse and jämförelsetal: the styrkort's indicators with their latest value "
        "up to the end of the period",
    )


class KvalitetsradSummaryRead(BaseModel):
    id: uuid.UUID
    unit_id: uuid.UUID
    occasion: OccasionName
    occasion_label: str
    meeting_on: date
    period_from: date
    period_to: date
    status: StatusName
    status_label: str
    report_id: uuid.UUID | None
    justerat_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class KvalitetsradRead(KvalitetsradSummaryRead):
    unit_name: str
    title: str
    participant_ids: list[uuid.UUID]
    secretary_id: uuid.UUID | None
    chef_id: uuid.UUID | None
    held_at: datetime | None
    justerat_by: uuid.UUID | None
    figures_frozen: bool
    figures_suppressed: bool
    items: list[KvalitetsradItemRead]


class KvalitetsradPage(BaseModel):
    items: list[KvalitetsradSummaryRead]
    next_cursor: str | None = None
