"""The chart of a table a report shows: which kind suits its series, and the values drawn, taken from
the table as the reader gets it (after suppression). A hidden count (..) is None here and is never
drawn, so a chart cannot show what the table hides. Each series knows the table row and columns it
comes from, so a spreadsheet chart can point at the table's own cells."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from reporting_svc.domain.figures import PatternTable, Rendered
from reporting_svc.domain.tables import CountTable, LeadTimeTable

MAX_GROUPED_ROWS = 6  # more rows than this over several periods: one bar per row (its total)
MAX_LINE_PERIODS = 4  # more periods than this: lines instead of grouped columns


class ChartKind(StrEnum):
    BARS = "bars"  # one horizontal bar per series (a single value each)
    COLUMNS = "columns"  # series over a few periods: grouped columns
    LINES = "lines"  # series over many periods (months): lines
    HEATMAP = "heatmap"  # the risk matrix: sannolikhet (series) × konsekvens (categories)
    PANELS = "panels"  # one small line chart per series (the pattern table's six periods)


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]  # one per category; None: hidden (..), NaN: no value; never drawn
    row: int  # the row of the table's grid it comes from

    @property
    def hidden(self) -> bool:
        return any(v is None for v in self.values)

    @property
    def has_values(self) -> bool:
        return any(v is not None and not math.isnan(v) for v in self.values)


@dataclass(frozen=True)
class Chart:
    kind: ChartKind
    title: str
    categories: tuple[str, ...]  # the x axis (periods, or consequences for the matrix)
    columns: tuple[int, ...]  # the grid column of each category
    series: tuple[Series, ...]
    value_title: str = "Antal"

    @property
    def hidden(self) -> bool:
        return any(s.hidden for s in self.series)

    @property
    def drawn(self) -> tuple[Series, ...]:
        """The series with at least one value to draw."""
        return tuple(s for s in self.series if s.has_values)


def chart_for(table: Rendered | object) -> Chart | None:
    """The one chart of a table, or None when there is nothing to draw."""
    if getattr(table, "empty", True):
        return None
    if isinstance(table, CountTable):
        return _counts_chart(table)
    if isinstance(table, LeadTimeTable):
        return _lead_time_chart(table)
    if isinstance(table, PatternTable):
        return _pattern_chart(table)
    return None


def _counts_chart(table: CountTable) -> Chart | None:
    columns = len(table.columns)
    if table.kind == "risk_matrix":
        return Chart(
            ChartKind.HEATMAP,
            table.title,
            tuple(c.label for c in table.columns),
            tuple(range(1, columns + 1)),
            tuple(_series(row.label, row.values, i + 1) for i, row in enumerate(table.rows)),
        )
    if not any(v for row in table.rows for v in [*row.values, row.total]):
        return None  # every count zero or hidden: nothing to draw
    if columns == 1 or len(table.rows) > MAX_GROUPED_ROWS:
        # one bar per row: its only value, or its total over the periods
        column = 1 if columns == 1 else columns + 1
        label = table.columns[0].label if columns == 1 else "Totalt"
        return Chart(
            ChartKind.BARS,
            table.title,
            (label,),
            (column,),
            tuple(
                _series(row.label, [row.values[0] if columns == 1 else row.total], i + 1)
                for i, row in enumerate(table.rows)
            ),
        )
    kind = ChartKind.LINES if columns > MAX_LINE_PERIODS else ChartKind.COLUMNS
    return Chart(
        kind,
        table.title,
        tuple(c.label for c in table.columns),
        tuple(range(1, columns + 1)),
        tuple(_series(row.label, row.values, i + 1) for i, row in enumerate(table.rows)),
    )


def _lead_time_chart(table: LeadTimeTable) -> Chart | None:
    """The median of each step; a median over too few cases is hidden (None) like the table's, a
    period without cases has none (NaN)."""
    columns = len(table.columns)
    medians = tuple(2 + 3 * i for i in range(columns))  # grid: step, then (antal, median, p90) per period
    series = tuple(
        Series(row.label, tuple(v.median_days if v.cases else math.nan for v in row.values), i + 1)
        for i, row in enumerate(table.rows)
    )
    if not any(s.has_values for s in series):
        return None
    kind = ChartKind.BARS if columns == 1 else ChartKind.COLUMNS
    return Chart(kind, table.title, tuple(c.label for c in table.columns), medians, series, "Dagar (median)")


def _pattern_chart(table: PatternTable) -> Chart:
    first = 3  # grid: enhet, kategori, mönster, then the periods
    return Chart(
        ChartKind.PANELS,
        table.title,
        tuple(p.label for p in table.periods),
        tuple(range(first, first + len(table.periods))),
        tuple(
            _series(f"{row.unit_name}: {row.category_label}", row.counts, i + 1)
            for i, row in enumerate(table.rows)
        ),
    )


def _series(label: str, values: list[int | None] | list[int], row: int) -> Series:
    return Series(label, tuple(None if v is None else float(v) for v in values), row)
