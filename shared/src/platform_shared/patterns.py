"""The pattern rule shared by risk-svc (suggestions) and reporting-svc (pattern reports).

SOSFS 2011:9 5 kap asks for reports, complaints and synpunkter to be compiled and analysed for
patterns and trends. A category in a unit is
- **rising** when the current period's count is at least `min_count` and at least `rise_factor` times
  its own baseline (the mean of the earlier periods), and
- **recurring** when it occurred in at least `recurring_periods` consecutive periods up to the current.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class PatternKind(StrEnum):
    RISING = "rising"
    RECURRING = "recurring"


@dataclass(frozen=True)
class PatternThresholds:
    min_count: int = 3
    rise_factor: float = 1.5
    recurring_periods: int = 3


@dataclass(frozen=True)
class Pattern:
    key: Hashable  # e.g. (unit_id, category)
    kinds: tuple[PatternKind, ...]
    current: int
    baseline: float
    counts: tuple[int, ...]  # oldest first, the last is the current period


def classify(
    counts: Sequence[int], thresholds: PatternThresholds = PatternThresholds()
) -> tuple[PatternKind, ...]:
    """counts: one per period, oldest first; the last is the period being judged."""
    if not counts:
        return ()
    current, earlier = counts[-1], counts[:-1]
    kinds: list[PatternKind] = []
    baseline = sum(earlier) / len(earlier) if earlier else 0.0
    if (
        current >= thresholds.min_count
        and current >= thresholds.rise_factor * baseline
        and current > baseline
    ):
        kinds.append(PatternKind.RISING)
    streak = 0
    for count in reversed(counts):
        if count <= 0:
            break
        streak += 1
    if streak >= thresholds.recurring_periods:
        kinds.append(PatternKind.RECURRING)
    return tuple(kinds)


def detect_patterns(
    series: Mapping[Hashable, Sequence[int]], thresholds: PatternThresholds = PatternThresholds()
) -> list[Pattern]:
    found: list[Pattern] = []
    for key, counts in series.items():
        kinds = classify(counts, thresholds)
        if kinds:
            earlier = counts[:-1]
            found.append(
                Pattern(
                    key=key,
                    kinds=kinds,
                    current=counts[-1],
                    baseline=round(sum(earlier) / len(earlier), 2) if earlier else 0.0,
                    counts=tuple(counts),
                )
            )
    return sorted(found, key=lambda p: (-p.current, str(p.key)))
