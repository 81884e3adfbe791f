"""Response models of comparison-figure imports and comparisons."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from risk_svc.entrypoints.api.schemas.common import Input


class RefusedRowRead(BaseModel):
    row: int
    reason: str


class ImportRead(BaseModel):
    id: uuid.UUID
    kind: str
    filename: str | None
    file_format: str
    imported: int
    replaced: int
    unchanged: int
    refused_count: int
    refused: list[RefusedRowRead]
    kpis: list[str]
    municipalities: list[str]
    years: list[int]
    summary: str
    imported_by: uuid.UUID
    imported_at: datetime


class ComparisonPoint(BaseModel):
    year: int
    value: Decimal | None


class ComparisonSeries(BaseModel):
    municipality: str
    values: list[ComparisonPoint]


class ComparisonRead(BaseModel):
    kpi: str
    title: str | None
    gender: str
    years: list[int]
    series: list[ComparisonSeries]


class KpiTitleWrite(Input):
    title: str = Field(min_length=1, max_length=500, description="The KPI's title as people read it")


class ComparisonKpiRead(BaseModel):
    kpi: str = Field(description="Kolada's KPI id: a letter and five digits (U21468)")
    title: str | None = Field(description="Null while neither a titles file nor a person has given one")
    source: str | None = Field(description="`file` (a titles file) or `manual` (entered by hand)")
    updated_at: datetime | None
    version: int | None = Field(description="The title's version (its ETag); null while it has none")
