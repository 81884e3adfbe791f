"""The statistics tables: counts per row (a dimension value or a unit) and column (a period), lead
times as median and 90th percentile, and their plain grid for CSV/XLSX/DOCX/PDF. Suppression is
applied when a table is built for a reader who may only see aggregates."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reporting_svc.domain.suppression import measure_shown, suppress_counts, unsuppressed

SUPPRESSED_MARK = ".."
SUPPRESSION_NOTE = (
    "..  = uppgiften visas inte: färre än {threshold} fall, eller dold för att den annars kan räknas "
    "fram (röjanderisk)."
)


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Line:
    key: str
    label: str


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    values: list[int | None]
    total: int | None


@dataclass(frozen=True)
class CountTable:
    title: str
    row_title: str
    columns: list[Column]
    rows: list[CountRow]
    totals: list[int | None]
    grand_total: int | None
    suppressed: bool  # suppression rules were applied
    threshold: int
    note: str | None = None
    kind: str = "counts"  # "risk_matrix": rows sannolikhet 4..1, columns konsekvens 1..4

    @property
    def empty(self) -> bool:
        return not self.rows or (self.kind == "risk_matrix" and self.grand_total == 0)

    def grid(self) -> list[list[Any]]:
        header: list[Any] = [self.row_title, *(c.label for c in self.columns)]
        if len(self.columns) > 1:
            header.append("Totalt")
        lines: list[list[Any]] = [header]
        for row in [*self.rows, CountRow("total", "Totalt", self.totals, self.grand_total)]:
            cells = [_cell(v) for v in row.values]
            if len(self.columns) > 1:
                cells.append(_cell(row.total))
            lines.append([row.label, *cells])
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "row_title": self.row_title,
            "columns": [{"key": c.key, "label": c.label} for c in self.columns],
            "rows": [
                {"key": r.key, "label": r.label, "values": r.values, "total": r.total} for r in self.rows
            ],
            "totals": self.totals,
            "grand_total": self.grand_total,
            "suppressed": self.suppressed,
            "threshold": self.threshold,
            "note": self.note,
        }


def _cell(value: int | float | None) -> int | float | str:
    return SUPPRESSED_MARK if value is None else value


def count_table(
    *,
    title: str,
    row_title: str,
    columns: Sequence[Column],
    lines: Sequence[Line],
    counts: Mapping[tuple[str, str], int],  # (row key, column key) -> count
    suppress: bool,
    threshold: int,
    keep_empty_rows: bool = False,
    always_shown: frozenset[str] = frozenset(),
    kind: str = "counts",
) -> CountTable:
    """Rows in the given order (rows with no count dropped unless asked to keep them). Rows whose key
    is in `always_shown` are never suppressed (domain/suppression.py); "*" stands for every row."""
    kept = [
        line for line in lines if keep_empty_rows or any(counts.get((line.key, c.key), 0) for c in columns)
    ]
    matrix = [[counts.get((line.key, c.key), 0) for c in columns] for line in kept]
    fixed = frozenset(i for i, line in enumerate(kept) if "*" in always_shown or line.key in always_shown)
    shown = suppress_counts(matrix, threshold, fixed) if suppress else unsuppressed(matrix)
    rows = [
        CountRow(line.key, line.label, shown.values[i], shown.row_totals[i]) for i, line in enumerate(kept)
    ]
    hidden = suppress and shown.any_hidden
    return CountTable(
        title=title,
        row_title=row_title,
        columns=list(columns),
        rows=rows,
        totals=shown.column_totals if kept else [0 for _ in columns],
        grand_total=shown.grand_total if kept else 0,
        suppressed=suppress,
        threshold=threshold,
        note=SUPPRESSION_NOTE.format(threshold=threshold) if hidden else None,
        kind=kind,
    )


# --- lead times ---------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (PostgreSQL's percentile_cont, numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class LeadTime:
    cases: int
    median_days: float | None
    p90_days: float | None


def lead_time(seconds: Sequence[float]) -> LeadTime:
    """Median and 90th percentile in days (one decimal). Negative durations (clock skew between
    systems) are not counted."""
    valid = [s for s in seconds if s >= 0]
    median, p90 = percentile(valid, 0.5), percentile(valid, 0.9)
    return LeadTime(
        len(valid),
        None if median is None else round(median / 86400, 1),
        None if p90 is None else round(p90 / 86400, 1),
    )


def hide_small_measure(value: LeadTime, threshold: int) -> LeadTime:
    """For an aggregate reader a measure over too few cases is hidden, and so is the number of cases."""
    if measure_shown(value.cases, threshold):
        return value
    return LeadTime(value.cases, None, None)


@dataclass(frozen=True)
class LeadTimeRow:
    key: str
    label: str
    values: list[LeadTime]


@dataclass(frozen=True)
class LeadTimeTable:
    title: str
    columns: list[Column]
    rows: list[LeadTimeRow]
    suppressed: bool
    threshold: int
    note: str | None = field(default=None)

    @property
    def empty(self) -> bool:
        return all(v.cases == 0 for row in self.rows for v in row.values)

    def grid(self) -> list[list[Any]]:
        header: list[Any] = ["Steg"]
        for c in self.columns:
            header += [
                f"{c.label}: antal",
                f"{c.label}: median (dagar)",
                f"{c.label}: 90:e percentil (dagar)",
            ]
        lines: list[list[Any]] = [header]
        for row in self.rows:
            cells: list[Any] = [row.label]
            for value in row.values:
                hidden = self.suppressed and value.median_days is None and value.cases > 0
                cells += [
                    SUPPRESSED_MARK if hidden else value.cases,
                    _cell(value.median_days) if value.cases else "",
                    _cell(value.p90_days) if value.cases else "",
                ]
            lines.append(cells)
        return lines

    def document_grid(self) -> list[list[Any]]:
        """For a page: one line per step and period (three measures side by side per period do not
        fit a page when there are several periods)."""
        if len(self.columns) == 1:
            header: list[Any] = ["Steg", "Antal", "Median (dagar)", "90:e percentil (dagar)"]
            return [header, *(line for line in self.grid()[1:])]
        lines: list[list[Any]] = [["Steg", "Period", "Antal", "Median (dagar)", "90:e percentil (dagar)"]]
        for wide in self.grid()[1:]:
            for index, column in enumerate(self.columns):
                lines.append(
                    [wide[0] if index == 0 else "", column.label, *wide[1 + 3 * index : 4 + 3 * index]]
                )
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "columns": [{"key": c.key, "label": c.label} for c in self.columns],
            "rows": [
                {
                    "key": r.key,
                    "label": r.label,
                    "values": [
                        {
                            "cases": None
                            if self.suppressed and v.median_days is None and v.cases > 0
                            else v.cases,
                            "median_days": v.median_days,
                            "p90_days": v.p90_days,
                        }
                        for v in r.values
                    ],
                }
                for r in self.rows
            ],
            "suppressed": self.suppressed,
            "threshold": self.threshold,
            "note": self.note,
        }


LEAD_TIME_STEPS: tuple[tuple[str, str, str, str], ...] = (
    ("reported_to_received", "Rapporterad → mottagen", "reported_at", "received_at"),
    ("received_to_decided", "Mottagen → beslutad", "received_at", "decided_at"),
    ("decided_to_closed", "Beslutad → avslutad", "decided_at", "closed_at"),
    ("reported_to_closed", "Rapporterad → avslutad (hela ärendet)", "reported_at", "closed_at"),
)
