"""Figures computed from the read models: count tables, lead times, patterns, comparisons. They come
out raw (every count shown); the reader's rendering suppresses small cells where it must."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.patterns import PatternThresholds
from platform_shared.timeutil import start_of_local_day
from reporting_svc.adapters.orm import RiskFact
from reporting_svc.domain.figures import RawCounts, RawLeadTimes, RawPatterns
from reporting_svc.domain.labels import dimension_title, ordered_values, value_label
from reporting_svc.domain.patterns import find_patterns
from reporting_svc.domain.periods import Granularity, period_label, previous_period, trailing_buckets
from reporting_svc.domain.subjects import TOTAL
from reporting_svc.domain.tables import LEAD_TIME_STEPS, Column, LeadTimeRow, Line, lead_time
from reporting_svc.service_layer.statistics import CountQuery, GroupMode, Statistics


@dataclass(frozen=True)
class FigureRequest:
    first: date
    last: date
    granularity: Granularity
    roots: Sequence[uuid.UUID]
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


async def count_figure(
    stats: Statistics,
    request: FigureRequest,
    *,
    key: str,
    title: str,
    subject: str,
    by: str,
    only_values: Sequence[str] | None = None,
) -> RawCounts:
    """Rows by a dimension (or by unit: each direct child of the unit, and the unit itself), columns
    by period."""
    per_unit = by == "unit"
    bucket_list, counts = await stats.count(
        CountQuery(
            subject=subject,
            dimension=TOTAL if per_unit else by,
            first=request.first,
            last=request.last,
            granularity=request.granularity,
            roots=request.roots,
            group=GroupMode.CHILD if per_unit else GroupMode.ROOT,
            filters=request.filters,
        )
    )
    table: dict[tuple[str, str], int] = defaultdict(int)
    if per_unit:
        for (bucket, group, _), n in counts.items():
            table[(str(group), bucket)] += n
        names = await stats.unit_names(sorted({g for _, g, _ in counts}, key=str))
        roots = set(request.roots)
        groups = sorted({g for _, g, _ in counts}, key=lambda g: (g in roots, names.get(g, str(g))))
        lines = [
            Line(str(g), f"{names.get(g, str(g))}" + (" (direkt på enheten)" if g in roots else ""))
            for g in groups
        ]
    else:
        for (bucket, _, value), n in counts.items():
            table[(value, bucket)] += n
        if only_values is not None:
            lines = [Line(v, value_label(by, v)) for v in only_values]
        else:
            present = {v for _, _, v in counts}
            lines = [Line(v, value_label(by, v)) for v in ordered_values(by, present)]
    return RawCounts(
        key=key,
        title=title,
        row_title=dimension_title(by),
        columns=[Column(b.key, b.label) for b in bucket_list],
        lines=lines,
        counts=dict(table),
        keep_empty_rows=only_values is not None,
    )


async def comparison_figure(
    stats: Statistics, request: FigureRequest, *, key: str, title: str, subject: str, by: str
) -> RawCounts:
    """The period against the one before it (jämförelsetal), one column each."""
    before = previous_period(request.first, request.last)
    columns: list[Column] = []
    table: dict[tuple[str, str], int] = defaultdict(int)
    present: set[str] = set()
    for first, last, column_key in ((*before, "previous"), (request.first, request.last, "current")):
        _, counts = await stats.count(
            CountQuery(
                subject=subject,
                dimension=by,
                first=first,
                last=last,
                granularity=Granularity.TOTAL,
                roots=request.roots,
                filters=request.filters,
            )
        )
        label = (
            "Föregående period" if column_key == "previous" else "Perioden"
        ) + f" ({period_label(first, last)})"
        columns.append(Column(column_key, label))
        for (_, _, value), n in counts.items():
            table[(value, column_key)] += n
            present.add(value)
    lines = [Line(v, value_label(by, v)) for v in ordered_values(by, present)]
    return RawCounts(key, title, dimension_title(by), columns, lines, dict(table))


async def lead_time_figure(
    stats: Statistics, request: FigureRequest, *, key: str, title: str
) -> RawLeadTimes:
    bucket_list, durations = await stats.durations(
        request.first, request.last, request.granularity, request.roots, LEAD_TIME_STEPS, request.filters
    )
    rows = [
        LeadTimeRow(step, label, [lead_time(durations.get((b.key, step), [])) for b in bucket_list])
        for step, label, _, _ in LEAD_TIME_STEPS
    ]
    return RawLeadTimes(key, title, [Column(b.key, b.label) for b in bucket_list], rows)


async def pattern_figure(
    stats: Statistics,
    *,
    key: str,
    title: str,
    subject: str,
    last: date,
    granularity: Granularity,
    periods: int,
    roots: Sequence[uuid.UUID],
    thresholds: PatternThresholds,
) -> RawPatterns:
    """Per reporting unit and category over `periods` whole periods ending with the one holding `last`:
    the categories rising against their own baseline or recurring (platform_shared.patterns)."""
    bucket_list = trailing_buckets(last, granularity, periods)
    _, counts = await stats.count(
        CountQuery(
            subject=subject,
            dimension="category",
            first=bucket_list[0].first,
            last=bucket_list[-1].last,
            granularity=granularity,
            roots=roots,
            group=GroupMode.UNIT,
        )
    )
    by_unit = {(unit, value, bucket): n for (bucket, unit, value), n in counts.items()}
    names = await stats.unit_names(sorted({u for _, u, _ in counts}, key=str))
    rows = find_patterns(by_unit, [b.key for b in bucket_list], names, thresholds)
    return RawPatterns(key, title, [Column(b.key, b.label) for b in bucket_list], rows)


CONTROL_RESULTS = ("ok", "avvikelser")
CONTROL_RESULTS = ("ok", "avvikelser")
PROBABILITY_LABELS = {4: "4 Mycket stor", 3: "3 Stor", 2: "2 Liten", 1: "1 Mycket liten"}
CONSEQUENCE_LABELS = {1: "1 Mindre", 2: "2 Måttlig", 3: "3 Betydande", 4: "4 Katastrofal"}


async def risk_matrix_figure(
    session: AsyncSession, stats: Statistics, request: FigureRequest, *, key: str, title: str
) -> RawCounts:
    """The 4×4 matrix (domain.md 6) of the risks open at some time in the period, in the units under
    the report's unit as the tree stood at its end, each placed by its latest assessment."""
    end = start_of_local_day(request.last + timedelta(days=1))
    start = start_of_local_day(request.first)
    units: set[uuid.UUID] = set()
    for root in request.roots:
        units.update(await stats.subtree_at(root, end - timedelta(microseconds=1)))
    r = RiskFact
    rows = await session.execute(
        select(r.probability, r.consequence, func.count())
        .where(
            r.unit_id.in_(sorted(units, key=str)),
            r.probability.is_not(None),
            r.consequence.is_not(None),
            r.registered_at < end,
            or_(r.closed_at.is_(None), r.closed_at >= start),
        )
        .group_by(r.probability, r.consequence)
    )
    counts = {(str(p), str(c)): int(n) for p, c, n in rows if p in PROBABILITY_LABELS}
    return RawCounts(
        key=key,
        title=title,
        row_title="Sannolikhet",
        columns=[Column(str(c), f"Konsekvens {label}") for c, label in CONSEQUENCE_LABELS.items()],
        lines=[Line(str(p), label) for p, label in PROBABILITY_LABELS.items()],
        counts=counts,
        keep_empty_rows=True,
        kind="risk_matrix",
    )


async def control_status_figure(
    stats: Statistics, request: FigureRequest, *, key: str, title: str
) -> RawCounts:
    """The internkontrollplan's kontrollmoment per period: performed without remarks, performed with
    avvikelser (by the day performed), and not performed by their due date (by the due date)."""
    performed = await count_figure(
        stats,
        request,
        key=key,
        title=title,
        subject="controls",
        by="result",
        only_values=CONTROL_RESULTS,
    )
    _, missed = await stats.count(
        CountQuery(
            subject="deadlines",
            dimension=TOTAL,
            first=request.first,
            last=request.last,
            granularity=request.granularity,
            roots=request.roots,
            filters={"rule": ("control_performed",)},
        )
    )
    counts = dict(performed.counts)
    for (bucket, _, _), n in missed.items():
        counts[("missed", bucket)] = counts.get(("missed", bucket), 0) + n
    lines = [Line(v, value_label("control_status", v)) for v in ("ok", "avvikelser", "missed")]
    return replace(performed, row_title="Kontrollmoment", lines=lines, counts=counts)
