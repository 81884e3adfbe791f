"""The styr- och kontrollkort (seed 002) of a unit: its goals' indicators with the latest value
against target and gränsvärde, the trend over 13 periods, the status and the open activities. A
higher level's styrkort also shows, for each child unit, the child's statuses side by side with a
worst-status summary; values are combined arithmetically only where the indicator says how (a sum, or a
rate from its numerators and denominators), never by averaging what cannot be averaged.

Cards are built bottom-up: a child's card is built first and passed to its parent's, so a value
combined on one level is combined again on the next.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from risk_svc.domain.indicators import (
    Aggregation,
    IndicatorDefinition,
    IndicatorStatus,
    Source,
    Thresholds,
    Value,
    activity_needed,
    rate_value,
    status_of,
    worst_status,
)
from risk_svc.domain.periods import Period, last_closed_period

TREND_PERIODS = 13  # a year and the same period the year before


@dataclass(frozen=True)
class IndicatorFacts:
    """An indicator of one of the unit's goals, with its measured values."""

    indicator_id: uuid.UUID
    goal_id: uuid.UUID
    definition: IndicatorDefinition
    values: Mapping[Period, Value] = field(default_factory=dict)
    parent_indicator_id: uuid.UUID | None = None  # the indicator one level up it feeds
    open_activities: int = 0
    activity_covered: bool = False  # an activity runs, or was planned with or since the latest value


@dataclass(frozen=True)
class Combined:
    """Children's values combined as the indicator defines; `missing` children had none."""

    value: Value
    parts: int
    missing: int


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    value: Decimal | None
    status: IndicatorStatus


class Change(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ChildStatus:
    unit_id: uuid.UUID
    indicator_id: uuid.UUID
    status: IndicatorStatus


@dataclass(frozen=True)
class ScorecardLine:
    indicator_id: uuid.UUID
    goal_id: uuid.UUID
    parent_indicator_id: uuid.UUID | None
    period: Period
    value: Value | None  # the unit's own value, else the children's combined value
    combined: Combined | None  # the children's combined value, where the indicator combines
    status: IndicatorStatus
    trend: tuple[TrendPoint, ...]
    change: Change | None
    open_activities: int
    children: tuple[ChildStatus, ...]  # each child unit's status for this indicator, side by side
    history: Mapping[Period, Value] = field(default_factory=dict)  # own or combined, per period
    activity_needed: bool = False  # its own value is below the gränsvärde and no activity covers it


@dataclass(frozen=True)
class ChildSummary:
    unit_id: uuid.UUID
    summary: IndicatorStatus | None


@dataclass(frozen=True)
class Scorecard:
    unit_id: uuid.UUID
    as_of: date
    lines: tuple[ScorecardLine, ...]
    children: tuple[ChildSummary, ...]
    summary: IndicatorStatus | None  # the worst of its own lines and of its children's summaries


def combine(definition: IndicatorDefinition, parts: Sequence[Value | None]) -> Combined | None:
    """Σ values for a sum; Σ numerators / Σ denominators for a rate; nothing for the rest."""
    present = [p for p in parts if p is not None]
    if definition.aggregation is Aggregation.NONE or not present:
        return None
    missing = len(parts) - len(present)
    if definition.aggregation is Aggregation.SUM:
        return Combined(Value(sum((p.value for p in present), Decimal(0))), len(present), missing)
    rated = [p for p in present if p.numerator is not None and p.denominator is not None]
    numerator = sum((p.numerator for p in rated if p.numerator is not None), Decimal(0))
    denominator = sum((p.denominator for p in rated if p.denominator is not None), Decimal(0))
    if denominator <= 0 or definition.rate_scale is None:
        return None
    value = Value(rate_value(numerator, denominator, definition.rate_scale), numerator, denominator)
    return Combined(value, len(rated), len(parts) - len(rated))


def trend(
    thresholds: Thresholds, values: Mapping[Period, Value], last: Period, periods: int = TREND_PERIODS
) -> tuple[TrendPoint, ...]:
    """The last `periods` periods up to `last`, oldest first; a period without a value is missing."""
    window = [last.shifted(-offset) for offset in range(periods - 1, -1, -1)]
    points = []
    for period in window:
        found = values.get(period)
        number = found.value if found is not None else None
        points.append(TrendPoint(period, number, status_of(thresholds, number)))
    return tuple(points)


def change_since(thresholds: Thresholds, points: Sequence[TrendPoint]) -> Change | None:
    """The latest value against the first of the window (for 13 months: the same month a year ago)."""
    if len(points) < 2 or points[0].value is None or points[-1].value is None:
        return None
    first, latest = points[0].value, points[-1].value
    if latest == first:
        return Change.UNCHANGED
    return Change.IMPROVED if thresholds.better_or_equal(latest, first) else Change.WORSENED


def _linked(children: Iterable[Scorecard], indicator_id: uuid.UUID) -> list[tuple[uuid.UUID, ScorecardLine]]:
    return [
        (card.unit_id, line)
        for card in children
        for line in card.lines
        if line.parent_indicator_id == indicator_id
    ]


def followed_up_period(d: IndicatorDefinition, measured: Iterable[Period], as_of: date) -> Period:
    """The period a styrkort made on `as_of` judges: the latest one that has ended; for imported
    comparison figures (published a year or more late) the latest ended year that has a figure."""
    closed = last_closed_period(as_of, d.frequency)
    if d.source is not Source.IMPORTED:
        return closed
    published = [p for p in measured if p.start <= closed.start]
    return max(published, key=lambda p: p.start, default=closed)


def _line(facts: IndicatorFacts, as_of: date, children: Sequence[Scorecard]) -> ScorecardLine:
    d = facts.definition
    period = followed_up_period(d, facts.values, as_of)
    window = [period.shifted(-offset) for offset in range(TREND_PERIODS)]
    linked = _linked(children, facts.indicator_id)
    combined_by_period = {
        p: combine(d, [line.history.get(p) for _, line in linked]) if linked else None for p in window
    }
    history: dict[Period, Value] = {}
    for p in window:
        own, combined = facts.values.get(p), combined_by_period[p]
        chosen = own if own is not None else (combined.value if combined is not None else None)
        if chosen is not None:
            history[p] = chosen
    points = trend(d.thresholds, history, period)
    value = history.get(period)
    status = status_of(d.thresholds, value.value if value is not None else None)
    own = facts.values.get(period)
    return ScorecardLine(
        indicator_id=facts.indicator_id,
        goal_id=facts.goal_id,
        parent_indicator_id=facts.parent_indicator_id,
        period=period,
        value=value,
        combined=combined_by_period[period],
        status=status,
        trend=points,
        change=change_since(d.thresholds, points),
        open_activities=facts.open_activities,
        children=tuple(ChildStatus(unit, line.indicator_id, line.status) for unit, line in linked),
        history=history,
        activity_needed=own is not None and activity_needed(status, facts.activity_covered),
    )


def scorecard(
    unit_id: uuid.UUID, as_of: date, indicators: Sequence[IndicatorFacts], children: Sequence[Scorecard] = ()
) -> Scorecard:
    """The unit's styrkort as of a day: each indicator at the latest period that has ended."""
    lines = tuple(_line(facts, as_of, children) for facts in indicators)
    child_summaries = tuple(ChildSummary(card.unit_id, card.summary) for card in children)
    summary = worst_status(
        [line.status for line in lines] + [c.summary for c in child_summaries if c.summary is not None]
    )
    return Scorecard(unit_id, as_of, lines, child_summaries, summary)
