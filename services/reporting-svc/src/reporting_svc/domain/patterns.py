"""Pattern reports (SOSFS 2011:9 5 kap.): a category rising in a unit against its own baseline, or
recurring period after period, with its figures. The rule itself is platform_shared.patterns, shared
with risk-svc; this module turns counts into the series it judges and the rows people read."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from platform_shared.patterns import PatternKind, PatternThresholds, detect_patterns
from reporting_svc.domain.labels import value_label
from reporting_svc.domain.suppression import is_small

PATTERN_TEXT = {PatternKind.RISING: "ökar", PatternKind.RECURRING: "återkommer"}


@dataclass(frozen=True)
class PatternRow:
    unit_id: uuid.UUID
    unit_name: str
    category: str
    category_label: str
    kinds: list[str]
    description: str  # Swedish
    counts: list[int | None]  # one per period, oldest first
    current: int | None
    baseline: float | None

    def as_json(self) -> dict[str, Any]:
        return {
            "unit_id": str(self.unit_id),
            "unit_name": self.unit_name,
            "category": self.category,
            "category_label": self.category_label,
            "kinds": self.kinds,
            "description": self.description,
            "counts": self.counts,
            "current": self.current,
            "baseline": self.baseline,
        }


def series(
    counts: Mapping[tuple[uuid.UUID, str, str], int], periods: Sequence[str]
) -> dict[tuple[uuid.UUID, str], list[int]]:
    """(unit, category, period) -> count into one series per (unit, category), oldest period first.
    Reports without a category are left out: "no category" is not a pattern anyone can act on."""
    keys = {(unit, category) for unit, category, _ in counts if category}
    return {key: [counts.get((key[0], key[1], p), 0) for p in periods] for key in sorted(keys, key=str)}


def find_patterns(
    counts: Mapping[tuple[uuid.UUID, str, str], int],
    periods: Sequence[str],
    unit_names: Mapping[uuid.UUID, str],
    thresholds: PatternThresholds,
) -> list[PatternRow]:
    """The patterns found, largest current count first, with all their figures."""
    rows: list[PatternRow] = []
    for pattern in detect_patterns(series(counts, periods), thresholds):
        unit_id, category = pattern.key
        name = unit_names.get(unit_id, str(unit_id))
        label = value_label("category", category)
        rows.append(
            PatternRow(
                unit_id=unit_id,
                unit_name=name,
                category=category,
                category_label=label,
                kinds=[k.value for k in pattern.kinds],
                description=f"{label} i {name} " + " och ".join(PATTERN_TEXT[k] for k in pattern.kinds),
                counts=list(pattern.counts),
                current=pattern.counts[-1],
                baseline=pattern.baseline,
            )
        )
    return rows


def hide_small_counts(rows: Sequence[PatternRow], threshold: int) -> list[PatternRow]:
    """For a reader who may only see aggregates: the pattern is still reported, its small counts are
    hidden, and so is a baseline built on hidden counts."""
    hidden: list[PatternRow] = []
    for row in rows:
        shown = [None if c is not None and is_small(c, threshold) else c for c in row.counts]
        hide_baseline = any(v is None for v in shown[:-1])
        hidden.append(
            replace(row, counts=shown, current=shown[-1], baseline=None if hide_baseline else row.baseline)
        )
    return hidden
