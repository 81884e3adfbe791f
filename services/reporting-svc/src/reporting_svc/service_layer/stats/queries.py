"""Statistics from the read models: counts by period and dimension, lead times, patterns, the deviation
summary and the dashboard. Each read decides first whose figures the caller may see and whether small
cells are hidden from them (service_layer/scope.py)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from platform_shared.errors import invalid
from platform_shared.timeutil import local_date, start_of_local_day
from reporting_svc.adapters.orm import replica
from reporting_svc.domain.figures import Rendered
from reporting_svc.domain.periods import Granularity
from reporting_svc.domain.subjects import SUBJECTS, TOTAL
from reporting_svc.domain.suppression import is_small, suppress_counts, unsuppressed
from reporting_svc.service_layer.context import QueryCtx, statistics, tenant_settings
from reporting_svc.service_layer.dashboard import PeriodCounts, consumer_lags, figures
from reporting_svc.service_layer.figures import FigureRequest, count_figure, lead_time_figure, pattern_figure
from reporting_svc.service_layer.scope import stats_scope
from reporting_svc.service_layer.statistics import CountQuery, GroupMode, named_document_counts

PATTERN_SUBJECTS = ("deviations", "complaints")


@dataclass(frozen=True)
class Counts:
    subject: str
    first: date
    last: date
    unit_id: uuid.UUID | None = None
    period: Granularity = Granularity.TOTAL
    by: str = TOTAL
    filters: Mapping[str, Sequence[str] | None] = field(default_factory=dict)


@dataclass(frozen=True)
class LeadTimes:
    first: date
    last: date
    unit_id: uuid.UUID | None = None
    period: Granularity = Granularity.TOTAL
    types: Sequence[str] | None = None


@dataclass(frozen=True)
class Patterns:
    unit_id: uuid.UUID | None = None
    subject: str = "deviations"
    period: Granularity = Granularity.MONTH
    periods: int = 6
    last: date | None = None  # a day in the period judged (default today)


@dataclass(frozen=True)
class Table:
    """A rendered table and the title of its file (CSV/XLSX)."""

    table: Rendered
    title: str


def _filters(subject: str, given: Mapping[str, Sequence[str] | None]) -> dict[str, tuple[str, ...]]:
    spec = SUBJECTS[subject]
    found: dict[str, tuple[str, ...]] = {}
    for name, values in given.items():
        if not values:
            continue
        if name not in spec.dimensions:
            raise invalid(name, f"inget fält i {spec.title.lower()}", f"'{name}' filtrerar inte {subject}")
        found[name] = tuple(values)
    return found


async def counts(ctx: QueryCtx, q: Counts) -> Table:
    if q.subject not in SUBJECTS:
        raise invalid("subject", f"en av {', '.join(SUBJECTS)}", "Okänt ämne")
    spec = SUBJECTS[q.subject]
    if q.by not in (TOTAL, "unit", *spec.dimensions):
        raise invalid("by", f"en av total, unit, {', '.join(spec.dimensions)}", "Okänd dimension")
    filters = _filters(q.subject, q.filters)
    scope = await stats_scope(ctx, q.unit_id)
    threshold = (await tenant_settings(ctx)).suppression_threshold
    raw = await count_figure(
        statistics(ctx),
        FigureRequest(q.first, q.last, q.period, scope.roots, filters),
        key=q.subject,
        title=spec.title,
        subject=q.subject,
        by=q.by,
    )
    table = raw.render(suppress=scope.suppress, threshold=threshold)
    return Table(table, f"{spec.title}, {q.first} – {q.last}")


async def lead_times(ctx: QueryCtx, q: LeadTimes) -> Table:
    filters = _filters("deviations", {"type": q.types})
    scope = await stats_scope(ctx, q.unit_id)
    threshold = (await tenant_settings(ctx)).suppression_threshold
    raw = await lead_time_figure(
        statistics(ctx),
        FigureRequest(q.first, q.last, q.period, scope.roots, filters),
        key="lead_times",
        title="Handläggningstider för avvikelser",
    )
    table = raw.render(suppress=scope.suppress, threshold=threshold)
    return Table(table, f"Handläggningstider, {q.first} – {q.last}")


async def patterns(ctx: QueryCtx, q: Patterns) -> Table:
    if q.subject not in PATTERN_SUBJECTS:
        raise invalid("subject", "deviations eller complaints", "Okänt ämne")
    scope = await stats_scope(ctx, q.unit_id)
    settings = await tenant_settings(ctx)
    raw = await pattern_figure(
        statistics(ctx),
        key="patterns",
        title=f"Mönster: {SUBJECTS[q.subject].title.lower()} per enhet och kategori",
        subject=q.subject,
        last=q.last or local_date(ctx.now()),
        granularity=q.period,
        periods=q.periods,
        roots=scope.roots,
        thresholds=settings.pattern_thresholds,
    )
    return Table(raw.render(suppress=scope.suppress, threshold=settings.suppression_threshold), "Mönster")


async def deviation_summary(
    ctx: QueryCtx, first: date, last: date, unit_id: uuid.UUID | None
) -> dict[str, Any]:
    """Deviations reported in a period, per type and per unit."""
    scope = await stats_scope(ctx, unit_id)
    threshold = (await tenant_settings(ctx)).suppression_threshold
    _, found = await statistics(ctx).count(
        CountQuery("deviations", "type", first, last, Granularity.TOTAL, scope.roots, GroupMode.UNIT)
    )
    units = sorted({u for _, u, _ in found}, key=str)
    types = sorted({t for _, _, t in found})
    matrix = [[found.get(("total", u, t), 0) for t in types] for u in units]
    shown = suppress_counts(matrix, threshold) if scope.suppress else unsuppressed(matrix)
    return {
        "total": shown.grand_total if units else 0,
        "by_type": dict(zip(types, shown.column_totals, strict=True)),
        "by_unit": {str(u): shown.row_totals[i] for i, u in enumerate(units)},
        "suppressed": scope.suppress,
    }


async def dashboard(ctx: QueryCtx, unit_id: uuid.UUID | None) -> dict[str, Any]:
    """Open cases by status, overdue deadlines, this tertial against the last, IVO, consumer lag."""
    scope = await stats_scope(ctx, unit_id)
    threshold = (await tenant_settings(ctx)).suppression_threshold
    found = await figures(ctx.session, replica, scope.roots, local_date(ctx.now()))

    def one(n: int) -> int | None:
        return None if scope.suppress and is_small(n, threshold) else n

    def period(p: PeriodCounts) -> dict[str, Any]:
        kinds = ("deviations", "complaints", "data_breaches", "ivo_notifications")
        return {"label": p.label, "first": p.first, "last": p.last, **{k: one(p.counts[k]) for k in kinds}}

    statuses = sorted(found.open_by_status)
    column = [[found.open_by_status[s]] for s in statuses]
    shown = suppress_counts(column, threshold) if scope.suppress and column else unsuppressed(column)
    return {
        "unit_id": unit_id,
        "suppressed": scope.suppress,
        "open_deviations_by_status": {s: shown.values[i][0] for i, s in enumerate(statuses)},
        "open_complaints": one(found.open_complaints),
        "overdue_deadlines": one(found.overdue_deadlines),
        "this_tertial": period(found.this_tertial),
        "last_tertial": period(found.last_tertial),
        "ivo_anmalningar_this_year": one(found.ivo_sent_this_year),
        "ivo_anmalningar_awaiting": one(found.ivo_awaiting),
        "consumer_lag": [c.__dict__ for c in consumer_lags(ctx.parts.service, ctx.parts.consumers())],
    }


@dataclass(frozen=True)
class ByDocument:
    first: date
    last: date
    unit_id: uuid.UUID | None = None


async def deviations_by_document(ctx: QueryCtx, q: ByDocument) -> dict[str, Any]:
    """Deviations reported in a period that name a rutin as not followed or missing, per rutin: the
    units counted as the organisation stood at the period's end, voided cases left out."""
    scope = await stats_scope(ctx, q.unit_id)
    threshold = (await tenant_settings(ctx)).suppression_threshold
    start, end = start_of_local_day(q.first), start_of_local_day(q.last + timedelta(days=1))
    stats = statistics(ctx)
    units: set[uuid.UUID] = set()
    for root in await stats.minimal_roots(scope.roots):
        units.update(await stats.subtree_at(root, end - timedelta(microseconds=1)))
    found = await named_document_counts(ctx.session, start, end, units)
    items = [
        {
            "document_id": document_id,
            "kind": kind,
            "title": title,
            "count": None if scope.suppress and is_small(count, threshold) else count,
        }
        for document_id, kind, title, count in found
    ]
    return {
        "first": q.first,
        "last": q.last,
        "unit_id": q.unit_id,
        "items": items,
        "suppressed": scope.suppress,
    }
