"""Request and response models of värdighetsgarantier and a unit's coverage of the värdegrund."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from platform_shared.api.types import Day
from risk_svc.domain.guarantees import MAX_TEXT, MAX_TITLE, GuaranteeStatus, ValueArea
from risk_svc.entrypoints.api.schemas.common import Input
from risk_svc.service_layer.guarantees.commands import MAX_INDICATORS, AdoptGuarantee

AREA = "One of the seven areas of the national värdegrund (SoL 5 kap. 4 §)"
INDICATORS = "Indicators that follow the garanti up (active, in its unit's subtree); replaces the list"


class GuaranteeCreate(Input):
    unit_id: uuid.UUID = Field(description="The unit it applies to, with the units below it")
    area: ValueArea = Field(description=AREA)
    title: str = Field(min_length=1, max_length=MAX_TITLE, description="Du får bestämma när du vill duscha")
    commitment: str = Field(
        min_length=1,
        max_length=MAX_TEXT,
        description="What the person can expect, concretely, and what happens if it is not kept",
    )
    valid_from: Day
    valid_to: Day | None = None
    indicator_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=MAX_INDICATORS, description=INDICATORS
    )

    def command(self) -> AdoptGuarantee:
        return AdoptGuarantee(**self.model_dump())


class GuaranteePatch(Input):
    area: ValueArea | None = Field(default=None, description=AREA)
    title: str | None = Field(default=None, min_length=1, max_length=MAX_TITLE)
    commitment: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    valid_from: Day | None = None
    valid_to: Day | None = None
    indicator_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=MAX_INDICATORS, description=INDICATORS
    )


class GuaranteeIndicatorRead(BaseModel):
    id: uuid.UUID
    name: str
    unit_id: uuid.UUID
    status: Literal["active", "retired"]
    latest_period: str | None = Field(description="The period of its latest value")
    latest_status: str | None = Field(description="over_target | between | under_threshold")
    latest_status_title: str | None


class GuaranteeRead(BaseModel):
    id: uuid.UUID
    unit_id: uuid.UUID
    area: ValueArea
    area_title: str = Field(description="The area's Swedish title")
    title: str
    commitment: str
    valid_from: date
    valid_to: date | None
    status: GuaranteeStatus
    in_force: bool = Field(description="Active and valid today")
    indicators: list[GuaranteeIndicatorRead]
    indicator_status: str | None = Field(description="The worst latest status of its active indicators")
    complaints_not_kept: int = Field(description="Complaints that named it as not kept, in all")
    complaints_not_kept_this_year: int = Field(description="Of those, received this calendar year")
    attention: bool = Field(
        description="A complaint named it this year or an indicator is under its gränsvärde"
    )
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int


class ValueAreaCoverage(BaseModel):
    area: ValueArea
    area_title: str
    gap: bool = Field(description="No garanti in force in this area")
    guarantees: list[GuaranteeRead]


class GuaranteeCoverageRead(BaseModel):
    unit_id: uuid.UUID
    unit_name: str
    as_of: date
    areas: list[ValueAreaCoverage]
    gaps: list[ValueArea]
