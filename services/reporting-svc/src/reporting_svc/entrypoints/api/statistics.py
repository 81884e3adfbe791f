"""GET /api/v1/reports/...: statistics from the read models, patterns, the tenant's settings."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response

from platform_shared.access import Action
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Day
from platform_shared.errors import FieldError, Forbidden, PreconditionFailed, ValidationFailed
from platform_shared.timeutil import local_date
from reporting_svc.domain.figures import RawCounts
from reporting_svc.domain.periods import Granularity
from reporting_svc.domain.settings import TenantSettings
from reporting_svc.domain.subjects import SUBJECTS, TOTAL
from reporting_svc.domain.suppression import suppress_counts, unsuppressed
from reporting_svc.entrypoints.api.deps import ContextDep
from reporting_svc.entrypoints.api.files import FILE_RESPONSES, TableFormat, table_file
from reporting_svc.entrypoints.api.schemas import (
    CountTableRead,
    DeviationSummaryRead,
    LeadTimeTableRead,
    PatternTableRead,
    StatisticsRead,
    TenantSettingsPatch,
    TenantSettingsRead,
)
from reporting_svc.service_layer import tenant
from reporting_svc.service_layer.errors import domain_rules
from reporting_svc.service_layer.figures import FigureRequest, count_figure, lead_time_figure, pattern_figure
from reporting_svc.service_layer.statistics import CountQuery, GroupMode

router = APIRouter(prefix="/api/v1/reports", tags=["statistics"], responses=PROBLEM_RESPONSES)

First = Annotated[Day, Query(alias="from", description="First day, inclusive (Europe/Stockholm)")]
Last = Annotated[Day, Query(alias="to", description="Last day, inclusive (Europe/Stockholm)")]
UnitParam = Annotated[
    uuid.UUID | None,
    Query(description="This unit and its subtree, as the organisation was when each case was reported"),
]
PeriodParam = Annotated[Granularity, Query(description="Columns: month, tertial, year, or one total")]
FormatParam = Annotated[TableFormat, Query(description="json, or the table as csv or xlsx")]
Values = Annotated[list[str] | None, Query()]


def _filters(subject: str, **given: list[str] | None) -> dict[str, tuple[str, ...]]:
    spec = SUBJECTS[subject]
    found: dict[str, tuple[str, ...]] = {}
    for name, values in given.items():
        if not values:
            continue
        if name not in spec.dimensions:
            raise ValidationFailed(
                f"'{name}' does not filter {subject}", errors=[FieldError(name, f"not a field of {subject}")]
            )
        found[name] = tuple(values)
    return found


@router.get("/deviations/summary", summary="Deviations reported in a period, per type and per unit")
async def deviation_summary(
    first: First, last: Last, ctx: ContextDep, unit_id: UnitParam = None
) -> DeviationSummaryRead:
    scope = await ctx.scope(unit_id)
    threshold = (await ctx.tenant()).suppression_threshold
    with domain_rules():
        _, counts = await ctx.statistics().count(
            CountQuery("deviations", "type", first, last, Granularity.TOTAL, scope.roots, GroupMode.UNIT)
        )
    units = sorted({u for _, u, _ in counts}, key=str)
    types = sorted({t for _, _, t in counts})
    matrix = [[counts.get(("total", u, t), 0) for t in types] for u in units]
    shown = suppress_counts(matrix, threshold) if scope.suppress else unsuppressed(matrix)
    return DeviationSummaryRead(
        total=shown.grand_total if units else 0,
        by_type=dict(zip(types, shown.column_totals, strict=True)),
        by_unit={str(u): shown.row_totals[i] for i, u in enumerate(units)},
        suppressed=scope.suppress,
    )


@router.get(
    "/statistics/{subject}",
    summary="Counts by period and by a dimension or by unit (a crosstab); CSV/XLSX with format",
    responses=FILE_RESPONSES,
)
async def statistics(
    subject: str,
    first: First,
    last: Last,
    ctx: ContextDep,
    unit_id: UnitParam = None,
    period: PeriodParam = Granularity.TOTAL,
    by: Annotated[str, Query(description="A dimension of the subject, 'unit' or 'total'")] = TOTAL,
    type: Values = None,
    category: Values = None,
    status: Values = None,
    kind: Values = None,
    format: FormatParam = "json",
) -> Any:
    if subject not in SUBJECTS:
        raise ValidationFailed(
            "Unknown subject", errors=[FieldError("subject", f"one of {', '.join(SUBJECTS)}")]
        )
    spec = SUBJECTS[subject]
    if by not in (TOTAL, "unit", *spec.dimensions):
        raise ValidationFailed(
            "Unknown dimension",
            errors=[FieldError("by", f"one of total, unit, {', '.join(spec.dimensions)}")],
        )
    filters = _filters(subject, type=type, category=category, status=status, kind=kind)
    scope = await ctx.scope(unit_id)
    threshold = (await ctx.tenant()).suppression_threshold
    with domain_rules():
        raw: RawCounts = await count_figure(
            ctx.statistics(),
            FigureRequest(first, last, period, scope.roots, filters),
            key=subject,
            title=spec.title,
            subject=subject,
            by=by,
        )
    table = raw.render(suppress=scope.suppress, threshold=threshold)
    if format != "json":
        return table_file(format, f"{spec.title}, {first} – {last}", table.grid(), table.note)
    return StatisticsRead(
        subject=subject,
        by=by,
        period=period.value,
        first=first,
        last=last,
        unit_id=unit_id,
        table=CountTableRead.model_validate(table.as_json()),
    )


@router.get(
    "/statistics/deviations/lead-times",
    summary="Lead times reported → received → decided → closed: median and 90th percentile in days",
    responses=FILE_RESPONSES,
)
async def lead_times(
    first: First,
    last: Last,
    ctx: ContextDep,
    unit_id: UnitParam = None,
    period: PeriodParam = Granularity.TOTAL,
    type: Values = None,
    format: FormatParam = "json",
) -> Any:
    filters = _filters("deviations", type=type)
    scope = await ctx.scope(unit_id)
    threshold = (await ctx.tenant()).suppression_threshold
    with domain_rules():
        raw = await lead_time_figure(
            ctx.statistics(),
            FigureRequest(first, last, period, scope.roots, filters),
            key="lead_times",
            title="Handläggningstider för avvikelser",
        )
    table = raw.render(suppress=scope.suppress, threshold=threshold)
    if format != "json":
        return table_file(format, f"Handläggningstider, {first} – {last}", table.grid(), table.note)
    return LeadTimeTableRead.model_validate(table.as_json())


@router.get(
    "/patterns",
    summary="Categories rising against their own baseline, or recurring, per unit (SOSFS 2011:9 5 kap.)",
    responses=FILE_RESPONSES,
)
async def patterns(
    ctx: ContextDep,
    unit_id: UnitParam = None,
    subject: Annotated[str, Query(description="deviations or complaints")] = "deviations",
    period: Annotated[Granularity, Query(description="month, tertial or year")] = Granularity.MONTH,
    periods: Annotated[int, Query(ge=2, le=36, description="How many periods, the last one judged")] = 6,
    last: Annotated[
        Day | None, Query(alias="to", description="A day in the period judged (default today)")
    ] = None,
    format: FormatParam = "json",
) -> Any:
    if subject not in ("deviations", "complaints"):
        raise ValidationFailed("Unknown subject", errors=[FieldError("subject", "deviations or complaints")])
    scope = await ctx.scope(unit_id)
    settings = await ctx.tenant()
    with domain_rules():
        raw = await pattern_figure(
            ctx.statistics(),
            key="patterns",
            title=f"Mönster: {SUBJECTS[subject].title.lower()} per enhet och kategori",
            subject=subject,
            last=last or local_date(ctx.runtime.clock()),
            granularity=period,
            periods=periods,
            roots=scope.roots,
            thresholds=settings.pattern_thresholds,
        )
    table = raw.render(suppress=scope.suppress, threshold=settings.suppression_threshold)
    if format != "json":
        return table_file(format, "Mönster", table.grid(), table.note)
    return PatternTableRead.model_validate(table.as_json())


def _settings_read(values: TenantSettings, version: int) -> TenantSettingsRead:
    return TenantSettingsRead(**values.__dict__, version=version)


@router.get("/settings", summary="The tenant's reporting settings (small-cell threshold, pattern rule)")
async def get_settings(ctx: ContextDep, response: Response) -> TenantSettingsRead:
    if not ctx.principal.may(Action.STATS_READ):
        raise Forbidden("Din roll ger inte behörighet att läsa statistik")
    row = await tenant.load_row(ctx.session, ctx.settings)
    await ctx.session.commit()
    response.headers["ETag"] = f'"{row.version}"'
    return _settings_read(tenant.to_domain(row), row.version)


@router.patch("/settings", summary="Change the tenant's reporting settings (socialchef/förvaltningschef)")
async def patch_settings(
    body: TenantSettingsPatch,
    ctx: ContextDep,
    response: Response,
    if_match: Annotated[str | None, Header(description="The ETag last read")] = None,
) -> TenantSettingsRead:
    if not ctx.principal.may(Action.REPORT_APPROVE):
        raise Forbidden("Din roll ger inte behörighet att ändra inställningarna")
    row = await tenant.load_row(ctx.session, ctx.settings)
    if if_match is not None and if_match.strip('"') != str(row.version):
        raise PreconditionFailed("The settings have changed since they were read")
    changes: dict[str, Any] = body.model_dump(exclude_none=True)
    with domain_rules():
        updated = tenant.to_domain(row).changed(**changes)
    tenant.apply(row, updated, ctx.principal.person_id, ctx.runtime.clock())
    await ctx.session.commit()
    response.headers["ETag"] = f'"{row.version}"'
    return _settings_read(updated, row.version)
