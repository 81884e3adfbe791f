"""GET /api/v1/reports/...: statistics from the read models, patterns, the tenant's settings."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Response
from fastapi import Query as Param

from platform_shared.api.deps import with_etag
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Day
from reporting_svc.domain.periods import Granularity
from reporting_svc.domain.subjects import TOTAL
from reporting_svc.entrypoints.api.deps import Command, Query
from reporting_svc.entrypoints.api.files import FILE_RESPONSES, TableFormat, table_file
from reporting_svc.entrypoints.api.schemas import (
    CountTableRead,
    DeviationsByDocumentRead,
    DeviationSummaryRead,
    LeadTimeTableRead,
    PatternTableRead,
    StatisticsRead,
    TenantSettingsPatch,
    TenantSettingsRead,
)
from reporting_svc.service_layer.settings import commands as settings_commands
from reporting_svc.service_layer.settings import queries as settings_queries
from reporting_svc.service_layer.stats import queries

router = APIRouter(prefix="/api/v1/reports", tags=["statistics"], responses=PROBLEM_RESPONSES)

First = Annotated[Day, Param(alias="from", description="First day, inclusive (Europe/Stockholm)")]
Last = Annotated[Day, Param(alias="to", description="Last day, inclusive (Europe/Stockholm)")]
UnitParam = Annotated[
    uuid.UUID | None,
    Param(description="This unit and its subtree, as the organisation was when each case was reported"),
]
PeriodParam = Annotated[Granularity, Param(description="Columns: month, tertial, year, or one total")]
FormatParam = Annotated[TableFormat, Param(description="json, or the table as csv or xlsx")]
Values = Annotated[list[str] | None, Param()]


@router.get("/deviations/summary", summary="Deviations reported in a period, per type and per unit")
async def deviation_summary(
    first: First, last: Last, ctx: Query, unit_id: UnitParam = None
) -> DeviationSummaryRead:
    return DeviationSummaryRead.model_validate(await queries.deviation_summary(ctx, first, last, unit_id))


@router.get(
    "/statistics/{subject}",
    summary="Counts by period and by a dimension or by unit (a crosstab); CSV/XLSX with format",
    responses=FILE_RESPONSES,
)
async def statistics(
    subject: str,
    first: First,
    last: Last,
    ctx: Query,
    unit_id: UnitParam = None,
    period: PeriodParam = Granularity.TOTAL,
    by: Annotated[str, Param(description="A dimension of the subject, 'unit' or 'total'")] = TOTAL,
    type: Values = None,
    category: Values = None,
    status: Values = None,
    kind: Values = None,
    format: FormatParam = "json",
) -> Any:
    filters = {"type": type, "category": category, "status": status, "kind": kind}
    found = await queries.counts(ctx, queries.Counts(subject, first, last, unit_id, period, by, filters))
    if format != "json":
        return table_file(format, found.title, found.table.grid(), found.table.note)
    table = CountTableRead.model_validate(found.table.as_json())
    return StatisticsRead(
        subject=subject, by=by, period=period.value, first=first, last=last, unit_id=unit_id, table=table
    )


@router.get(
    "/statistics/deviations/lead-times",
    summary="Lead times reported → received → decided → closed: median and 90th percentile in days",
    responses=FILE_RESPONSES,
)
async def lead_times(
    first: First,
    last: Last,
    ctx: Query,
    unit_id: UnitParam = None,
    period: PeriodParam = Granularity.TOTAL,
    type: Values = None,
    format: FormatParam = "json",
) -> Any:
    found = await queries.lead_times(ctx, queries.LeadTimes(first, last, unit_id, period, type))
    if format != "json":
        return table_file(format, found.title, found.table.grid(), found.table.note)
    return LeadTimeTableRead.model_validate(found.table.as_json())


@router.get(
    "/statistics/deviations/by-document",
    summary="Deviations that name a rutin as not followed or missing, per rutin (org-svc document)",
)
async def deviations_by_document(
    first: First, last: Last, ctx: Query, unit_id: UnitParam = None
) -> DeviationsByDocumentRead:
    found = await queries.deviations_by_document(ctx, queries.ByDocument(first, last, unit_id))
    return DeviationsByDocumentRead.model_validate(found)


@router.get(
    "/patterns",
    summary="Categories rising against their own baseline, or recurring, per unit (SOSFS 2011:9 5 kap.)",
    responses=FILE_RESPONSES,
)
async def patterns(
    ctx: Query,
    unit_id: UnitParam = None,
    subject: Annotated[str, Param(description="deviations or complaints")] = "deviations",
    period: Annotated[Granularity, Param(description="month, tertial or year")] = Granularity.MONTH,
    periods: Annotated[int, Param(ge=2, le=36, description="How many periods, the last one judged")] = 6,
    last: Annotated[
        Day | None, Param(alias="to", description="A day in the period judged (default today)")
    ] = None,
    format: FormatParam = "json",
) -> Any:
    found = await queries.patterns(ctx, queries.Patterns(unit_id, subject, period, periods, last))
    if format != "json":
        return table_file(format, found.title, found.table.grid(), found.table.note)
    return PatternTableRead.model_validate(found.table.as_json())


@router.get("/settings", summary="The tenant's reporting settings (small-cell threshold, pattern rule)")
async def get_settings(ctx: Query, response: Response) -> TenantSettingsRead:
    stored = await settings_queries.settings(ctx)
    return with_etag(response, TenantSettingsRead.model_validate(settings_queries.view(stored)))


@router.patch("/settings", summary="Change the tenant's reporting settings (socialchef/förvaltningschef)")
async def patch_settings(body: TenantSettingsPatch, ctx: Command, response: Response) -> TenantSettingsRead:
    cmd = settings_commands.ChangeSettings(body.model_dump(exclude_none=True))
    stored = await settings_commands.change(ctx, cmd)
    return with_etag(response, TenantSettingsRead.model_validate(settings_queries.view(stored)))
