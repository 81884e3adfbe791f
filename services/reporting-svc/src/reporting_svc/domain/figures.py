"""A figure as computed from the read models (raw, every count shown) and as a reader gets it
(rendered: small cells suppressed when the reader, or the report, calls for it).

Raw figures are what an adopted report stores: its frozen snapshot. They round-trip through JSON.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from reporting_svc.domain.patterns import PatternRow, hide_small_counts
from reporting_svc.domain.tables import (
    SUPPRESSION_NOTE,
    Column,
    CountTable,
    LeadTime,
    LeadTimeRow,
    LeadTimeTable,
    Line,
    count_table,
    hide_small_measure,
)


@dataclass(frozen=True)
class RawCounts:
    key: str
    title: str
    row_title: str
    columns: list[Column]
    lines: list[Line]
    counts: dict[tuple[str, str], int]  # (row key, column key) -> count
    keep_empty_rows: bool = False
    kind: str = "counts"

    def render(
        self, *, suppress: bool, threshold: int, always_shown: frozenset[str] = frozenset()
    ) -> CountTable:
        return count_table(
            title=self.title,
            row_title=self.row_title,
            columns=self.columns,
            lines=self.lines,
            counts=self.counts,
            suppress=suppress,
            threshold=threshold,
            keep_empty_rows=self.keep_empty_rows,
            always_shown=always_shown,
            kind=self.kind,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "title": self.title,
            "row_title": self.row_title,
            "columns": [[c.key, c.label] for c in self.columns],
            "lines": [[line.key, line.label] for line in self.lines],
            "counts": [[r, c, n] for (r, c), n in sorted(self.counts.items()) if n],
            "keep_empty_rows": self.keep_empty_rows,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RawCounts:
        return cls(
            key=data["key"],
            title=data["title"],
            row_title=data["row_title"],
            columns=[Column(k, label) for k, label in data["columns"]],
            lines=[Line(k, label) for k, label in data["lines"]],
            counts={(r, c): int(n) for r, c, n in data["counts"]},
            keep_empty_rows=bool(data.get("keep_empty_rows")),
            kind=str(data.get("kind", "counts")),
        )


@dataclass(frozen=True)
class RawLeadTimes:
    key: str
    title: str
    columns: list[Column]
    rows: list[LeadTimeRow]
    kind: str = "lead_times"

    def render(
        self, *, suppress: bool, threshold: int, always_shown: frozenset[str] = frozenset()
    ) -> LeadTimeTable:
        rows = self.rows
        hidden = False
        if suppress:
            rows = [
                replace(row, values=[hide_small_measure(v, threshold) for v in row.values])
                for row in self.rows
            ]
            hidden = any(v.median_days is None and v.cases > 0 for row in rows for v in row.values)
        return LeadTimeTable(
            title=self.title,
            columns=self.columns,
            rows=rows,
            suppressed=suppress,
            threshold=threshold,
            note=SUPPRESSION_NOTE.format(threshold=threshold) if hidden else None,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "title": self.title,
            "columns": [[c.key, c.label] for c in self.columns],
            "rows": [
                [r.key, r.label, [[v.cases, v.median_days, v.p90_days] for v in r.values]] for r in self.rows
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RawLeadTimes:
        return cls(
            key=data["key"],
            title=data["title"],
            columns=[Column(k, label) for k, label in data["columns"]],
            rows=[
                LeadTimeRow(k, label, [LeadTime(int(n), m, p) for n, m, p in values])
                for k, label, values in data["rows"]
            ],
        )


@dataclass(frozen=True)
class PatternTable:
    title: str
    periods: list[Column]
    rows: list[PatternRow]
    suppressed: bool
    threshold: int
    note: str | None

    @property
    def empty(self) -> bool:
        return not self.rows

    def grid(self) -> list[list[Any]]:
        lines: list[list[Any]] = [
            ["Enhet", "Kategori", "Mönster", *(p.label for p in self.periods), "Baslinje"]
        ]
        for row in self.rows:
            lines.append(
                [
                    row.unit_name,
                    row.category_label,
                    " och ".join("ökar" if k == "rising" else "återkommer" for k in row.kinds),
                    *(".." if v is None else v for v in row.counts),
                    ".." if row.baseline is None else row.baseline,
                ]
            )
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "periods": [{"key": p.key, "label": p.label} for p in self.periods],
            "items": [r.as_json() for r in self.rows],
            "suppressed": self.suppressed,
            "threshold": self.threshold,
            "note": self.note,
        }


@dataclass(frozen=True)
class RawPatterns:
    key: str
    title: str
    periods: list[Column]
    rows: list[PatternRow]
    omitted: int = 0  # patterns beyond the largest ones a report lists
    kind: str = "patterns"

    def largest(self, limit: int) -> RawPatterns:
        return replace(self, rows=self.rows[:limit], omitted=self.omitted + max(0, len(self.rows) - limit))

    def render(
        self, *, suppress: bool, threshold: int, always_shown: frozenset[str] = frozenset()
    ) -> PatternTable:
        rows = hide_small_counts(self.rows, threshold) if suppress else self.rows
        hidden = suppress and any(v is None for r in rows for v in r.counts)
        notes = [SUPPRESSION_NOTE.format(threshold=threshold)] if hidden else []
        if self.omitted:
            notes.append(
                f"Ytterligare {self.omitted} mönster med lägre antal finns i statistiken över mönster."
            )
        return PatternTable(
            title=self.title,
            periods=self.periods,
            rows=rows,
            suppressed=suppress,
            threshold=threshold,
            note=" ".join(notes) or None,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "title": self.title,
            "periods": [[p.key, p.label] for p in self.periods],
            "rows": [r.as_json() for r in self.rows],
            "omitted": self.omitted,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RawPatterns:
        return cls(
            key=data["key"],
            title=data["title"],
            periods=[Column(k, label) for k, label in data["periods"]],
            rows=[
                PatternRow(
                    unit_id=uuid.UUID(r["unit_id"]),
                    unit_name=r["unit_name"],
                    category=r["category"],
                    category_label=r["category_label"],
                    kinds=list(r["kinds"]),
                    description=r["description"],
                    counts=list(r["counts"]),
                    current=r["current"],
                    baseline=r["baseline"],
                )
                for r in data["rows"]
            ],
            omitted=int(data.get("omitted", 0)),
        )


RawFigure = RawCounts | RawLeadTimes | RawPatterns
Rendered = CountTable | LeadTimeTable | PatternTable

_KINDS: dict[str, type[RawCounts] | type[RawLeadTimes] | type[RawPatterns]] = {
    "counts": RawCounts,
    "risk_matrix": RawCounts,  # rows: sannolikhet 4..1, columns: konsekvens 1..4
    "lead_times": RawLeadTimes,
    "patterns": RawPatterns,
}


def figure_from_json(data: dict[str, Any]) -> RawFigure:
    return _KINDS[data["kind"]].from_json(data)
