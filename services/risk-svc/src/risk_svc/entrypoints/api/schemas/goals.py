"""Request and response models of goals, indicators, measurements, activities and the styrkort."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from platform_shared.api.types import Day
from risk_svc.domain.goals import FactorKind, Perspective
from risk_svc.domain.indicators import ActivityInput, Aggregation, Direction, Source
from risk_svc.domain.periods import IndicatorFrequency
from risk_svc.entrypoints.api.schemas.common import Input
from risk_svc.service_layer.goals.commands import DefineIndicator, RecordMeasurement

Number = Field(allow_inf_nan=False, max_digits=18, decimal_places=4)


class FactorIn(Input):
    kind: FactorKind
    perspective: Perspective
    text: str = Field(min_length=1, max_length=300)


class GoalCreate(Input):
    unit_id: uuid.UUID
    parent_id: uuid.UUID | None = Field(default=None, description="The goal one level up it breaks down")
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    perspective: Perspective | None = None
    prioritised: bool = False
    from_year: int | None = None
    to_year: int | None = None
    factors: list[FactorIn] = Field(default_factory=list, max_length=50)


class GoalPatch(Input):
    parent_id: uuid.UUID | None = None
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    perspective: Perspective | None = None
    prioritised: bool | None = None
    from_year: int | None = None
    to_year: int | None = None
    factors: list[FactorIn] | None = Field(default=None, max_length=50)


class FactorRead(BaseModel):
    kind: FactorKind
    perspective: Perspective
    text: str


class GoalRead(BaseModel):
    id: uuid.UUID
    unit_id: uuid.UUID
    parent_id: uuid.UUID | None
    level: str
    title: str
    description: str | None
    perspective: Perspective | None
    prioritised: bool
    from_year: int | None
    to_year: int | None
    factors: list[FactorRead]
    status: Literal["active", "ended"]
    indicator_ids: list[uuid.UUID] = []
    child_ids: list[uuid.UUID] = []
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    version: int


class IndicatorCreate(Input):
    goal_id: uuid.UUID
    name: str = Field(min_length=1, max_length=300)
    definition: str = Field(min_length=1, max_length=5000, description="How it is measured")
    unit_of_measure: str = Field(min_length=1, max_length=40, description="antal, procent, dagar, …")
    direction: Direction
    target: Decimal = Number
    threshold: Decimal = Field(allow_inf_nan=False, max_digits=18, decimal_places=4, description="Gränsvärde")
    frequency: IndicatorFrequency
    source: Source = Source.ENTERED
    aggregation: Aggregation = Aggregation.NONE
    rate_scale: Decimal | None = Field(default=None, allow_inf_nan=False, max_digits=18, decimal_places=4)
    computed_source: str | None = Field(default=None, max_length=60)
    kpi: str | None = Field(default=None, max_length=6)
    municipality: str | None = Field(default=None, max_length=4)
    parent_indicator_id: uuid.UUID | None = None

    def command(self) -> DefineIndicator:
        return DefineIndicator(**self.model_dump())


class IndicatorPatch(Input):
    name: str | None = Field(default=None, min_length=1, max_length=300)
    definition: str | None = Field(default=None, min_length=1, max_length=5000)
    unit_of_measure: str | None = Field(default=None, min_length=1, max_length=40)
    target: Decimal | None = Field(default=None, allow_inf_nan=False, max_digits=18, decimal_places=4)
    threshold: Decimal | None = Field(default=None, allow_inf_nan=False, max_digits=18, decimal_places=4)
    parent_indicator_id: uuid.UUID | None = None


class ValueRead(BaseModel):
    id: uuid.UUID
    indicator_id: uuid.UUID
    unit_id: uuid.UUID
    period: str
    value: Decimal
    numerator: Decimal | None
    denominator: Decimal | None
    status: str
    status_title: str
    source: str
    comment: str | None
    analysis: str | None
    recorded_by: uuid.UUID | None
    recorded_at: datetime
    version: int


class IndicatorRead(BaseModel):
    id: uuid.UUID
    goal_id: uuid.UUID
    unit_id: uuid.UUID
    name: str
    definition: str
    unit_of_measure: str
    direction: Direction
    target: Decimal
    threshold: Decimal
    frequency: IndicatorFrequency
    source: Source
    aggregation: Aggregation
    rate_scale: Decimal | None
    computed_source: str | None
    kpi: str | None
    municipality: str | None
    parent_indicator_id: uuid.UUID | None
    guarantee_ids: list[uuid.UUID] = Field(
        default_factory=list, description="The värdighetsgarantier it follows up"
    )
    status: Literal["active", "retired"]
    latest: ValueRead | None = None
    activity_needed: bool = Field(
        default=False,
        description="The latest value of an ended period is below the gränsvärde and no activity covers "
        "it (a computed or imported value is recorded without one)",
    )
    created_at: datetime
    updated_at: datetime
    version: int


class IndicatorActivityCreate(Input):
    """What is done to reach the gränsvärde again (monthly: due by the end of next month)."""

    description: str = Field(min_length=1, max_length=5000)
    owner_id: uuid.UUID | None = None
    due_date: Day | None = None

    def input(self) -> ActivityInput:
        return ActivityInput(self.description, self.owner_id, self.due_date)


class IndicatorActivityFollowUp(Input):
    effective: bool
    effect: str | None = Field(default=None, max_length=5000)


class IndicatorActivityRead(BaseModel):
    id: uuid.UUID
    indicator_id: uuid.UUID
    measurement_id: uuid.UUID | None
    unit_id: uuid.UUID
    description: str
    owner_id: uuid.UUID
    due_date: date
    status: Literal["planned", "completed", "followed_up"]
    created_at: datetime
    completed_at: datetime | None
    followed_up_at: datetime | None
    effective: bool | None
    effect: str | None
    version: int


class MeasurementCreate(Input):
    period: str = Field(min_length=4, max_length=10, description="2026-03 (month), 2026-T1 (tertial), 2026")
    value: Decimal | None = Field(default=None, allow_inf_nan=False, max_digits=18, decimal_places=4)
    numerator: Decimal | None = Field(default=None, allow_inf_nan=False, max_digits=18, decimal_places=4)
    denominator: Decimal | None = Field(default=None, allow_inf_nan=False, max_digits=18, decimal_places=4)
    comment: str | None = Field(default=None, max_length=5000)
    analysis: str | None = Field(default=None, max_length=5000)
    activities: list[IndicatorActivityCreate] = Field(default_factory=list, max_length=20)

    def command(self, indicator_id: uuid.UUID) -> RecordMeasurement:
        return RecordMeasurement(
            indicator_id,
            self.period,
            self.value,
            self.numerator,
            self.denominator,
            self.comment,
            self.analysis,
            tuple(a.input() for a in self.activities),
        )


class MeasurementRead(ValueRead):
    activities: list[IndicatorActivityRead] = []


# --- the styrkort ----------------------------------------------------------------------------------


class CardValue(BaseModel):
    value: Decimal
    numerator: Decimal | None
    denominator: Decimal | None


class CardCombined(BaseModel):
    value: CardValue
    parts: int
    missing: int


class CardTrendPoint(BaseModel):
    period: str
    value: Decimal | None
    status: str


class CardActivity(BaseModel):
    id: uuid.UUID
    description: str
    owner_id: uuid.UUID
    due_date: date


class CardChildStatus(BaseModel):
    unit_id: uuid.UUID
    unit_name: str
    indicator_id: uuid.UUID
    status: str


class CardLine(BaseModel):
    indicator_id: uuid.UUID
    name: str
    goal_id: uuid.UUID
    goal_title: str
    unit_of_measure: str
    direction: Direction
    target: Decimal
    threshold: Decimal
    frequency: IndicatorFrequency
    aggregation: Aggregation
    period: str
    value: CardValue | None
    combined: CardCombined | None
    status: str
    status_title: str
    trend: list[CardTrendPoint]
    change: str | None
    activity_needed: bool = Field(
        default=False,
        description="The unit's own value is below the gränsvärde and no activity covers it",
    )
    open_activities: list[CardActivity]
    children: list[CardChildStatus]


class CardGoal(BaseModel):
    id: uuid.UUID
    title: str
    level: str
    perspective: str | None
    prioritised: bool


class CardChild(BaseModel):
    unit_id: uuid.UUID
    unit_name: str
    summary: str | None


class ScorecardRead(BaseModel):
    unit_id: uuid.UUID
    unit_name: str
    as_of: date
    trend_periods: int
    summary: str | None = Field(description="The worst status of its lines and of its children's summaries")
    goals: list[CardGoal]
    lines: list[CardLine]
    children: list[CardChild]
