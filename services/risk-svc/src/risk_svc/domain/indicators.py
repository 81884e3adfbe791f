"""Indicators of a goal and their measurements (seed 002 "styr- och kontrollkort"; seed 001 §2.4):
what is measured and in which unit, which way is better, the target and the gränsvärde (the level
judged good enough), how often it is followed up, where its values come from, and how values of
several units combine. A measured value is placed against target and gränsvärde; below the
gränsvärde an activity with an owner and a due date is required (for a monthly indicator one that
can be carried out the coming month).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from risk_svc.domain.model import RuleViolation
from risk_svc.domain.periods import FREQUENCY_TITLES, IndicatorFrequency, Period, period_containing

MAX_ABS_VALUE = Decimal("1e12")


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class Source(StrEnum):
    ENTERED = "entered"  # typed in at the follow-up
    COMPUTED = "computed"  # from the product's own events (computed_indicators.py)
    IMPORTED = "imported"  # from an imported comparison file (kolada.py)


class Aggregation(StrEnum):
    """How the values of several units combine into the value one level up."""

    SUM = "sum"  # counts and amounts: the parts add up
    RATE = "rate"  # a share: Σ numerators / Σ denominators, never an average of shares
    NONE = "none"  # not combinable (an index, a median, a survey score): shown side by side only


class IndicatorStatus(StrEnum):
    """Against target and gränsvärde, the direction honoured (for lower-is-better "over target" means
    at or below the target)."""

    OVER_TARGET = "over_target"
    BETWEEN = "between"
    UNDER_THRESHOLD = "under_threshold"
    MISSING = "missing"  # no value for the period: not followed up


STATUS_TITLES: dict[IndicatorStatus, str] = {
    IndicatorStatus.OVER_TARGET: "Målvärdet nått",
    IndicatorStatus.BETWEEN: "Mellan gränsvärde och målvärde",
    IndicatorStatus.UNDER_THRESHOLD: "Under gränsvärdet",
    IndicatorStatus.MISSING: "Värde saknas",
}

# Worst first: below the gränsvärde, then not followed up, then not yet at target.
_SEVERITY = {
    IndicatorStatus.UNDER_THRESHOLD: 3,
    IndicatorStatus.MISSING: 2,
    IndicatorStatus.BETWEEN: 1,
    IndicatorStatus.OVER_TARGET: 0,
}


def worst_status(statuses: Iterable[IndicatorStatus]) -> IndicatorStatus | None:
    """The summary of several statuses: the worst of them; None when there are none."""
    found = list(statuses)
    return max(found, key=_SEVERITY.__getitem__) if found else None


# --- the definition --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """Target (målvärde) and gränsvärde, read in the indicator's direction."""

    direction: Direction
    target: Decimal
    threshold: Decimal  # gränsvärde

    def better_or_equal(self, value: Decimal, than: Decimal) -> bool:
        return value >= than if self.direction is Direction.HIGHER_IS_BETTER else value <= than


@dataclass(frozen=True)
class IndicatorDefinition:
    name: str
    definition: str  # how it is measured, so two units measure the same thing
    unit_of_measure: str  # "antal", "procent", "dagar", ...
    thresholds: Thresholds
    frequency: IndicatorFrequency
    source: Source
    aggregation: Aggregation
    rate_scale: Decimal | None = None  # RATE only: 100 for percent, 1000 for per mille, 1 for a ratio
    computed_source: str | None = None  # COMPUTED only: a key of computed_indicators.COMPUTED_SOURCES
    kpi: str | None = None  # IMPORTED only: the Kolada KPI id whose values it shows
    municipality: str | None = None  # IMPORTED only: whose values (kommunkod)


def check_definition(d: IndicatorDefinition) -> IndicatorDefinition:
    """An indicator says what it measures, and its gränsvärde is no better than its target."""
    if not d.name.strip():
        raise RuleViolation("Indikatorn behöver ett namn", "name")
    if not d.definition.strip():
        raise RuleViolation("Beskriv hur indikatorn mäts", "definition")
    if not d.unit_of_measure.strip():
        raise RuleViolation("Ange måttenhet (till exempel antal, procent eller dagar)", "unit_of_measure")
    t = d.thresholds
    for field, number in (("target", t.target), ("threshold", t.threshold)):
        check_number(number, field)
    if not t.better_or_equal(t.target, t.threshold):
        better = "högre" if t.direction is Direction.HIGHER_IS_BETTER else "lägre"
        raise RuleViolation(
            f"När {better} värden är bättre får gränsvärdet inte vara bättre än målvärdet", "threshold"
        )
    if d.aggregation is Aggregation.RATE:
        if d.rate_scale is None or d.rate_scale <= 0:
            raise RuleViolation("En andel anger sin skala (100 för procent, 1 för en kvot)", "rate_scale")
    elif d.rate_scale is not None:
        raise RuleViolation("Skala anges bara för en andel (rate)", "rate_scale")
    if (d.source is Source.COMPUTED) != (d.computed_source is not None):
        raise RuleViolation("En beräknad indikator, och bara den, anger sin beräkning", "computed_source")
    if (d.source is Source.IMPORTED) != (d.kpi is not None and d.municipality is not None):
        raise RuleViolation("En importerad indikator, och bara den, anger KPI och kommun", "kpi")
    if d.source is Source.IMPORTED and d.frequency is not IndicatorFrequency.ARSVIS:
        raise RuleViolation(
            "Jämförelsetal publiceras per år: en importerad indikator följs upp årsvis", "frequency"
        )
    return d


def check_number(value: Decimal, field: str) -> Decimal:
    if not value.is_finite() or abs(value) > MAX_ABS_VALUE:
        raise RuleViolation("Värdet är inte ett rimligt tal", field)
    return value


def check_link(parent: IndicatorDefinition, child: IndicatorDefinition, child_unit_below: bool) -> None:
    """A unit's indicator may feed an indicator one level up (its values combine into that one, or at
    least stand beside it): it must measure in the same unit, combine the same way and be followed up
    as often, and its unit lies below the parent's."""
    if not child_unit_below:
        raise RuleViolation(
            "Den överordnade indikatorn hör till en enhet ovanför denna", "parent_indicator_id"
        )
    if parent.unit_of_measure.strip().lower() != child.unit_of_measure.strip().lower():
        raise RuleViolation("Indikatorerna har olika måttenhet", "parent_indicator_id")
    if parent.aggregation is not child.aggregation or parent.rate_scale != child.rate_scale:
        raise RuleViolation("Indikatorerna slås samman på olika sätt", "parent_indicator_id")
    if parent.frequency is not child.frequency:
        raise RuleViolation("Indikatorerna följs upp olika ofta", "parent_indicator_id")
    if parent.thresholds.direction is not child.thresholds.direction:
        raise RuleViolation("Indikatorerna har olika riktning", "parent_indicator_id")


# --- values ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """A period's value; a rate carries its numerator and denominator so it can be combined."""

    value: Decimal
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def rate_value(numerator: Decimal, denominator: Decimal, scale: Decimal) -> Decimal:
    return (numerator / denominator * scale).quantize(Decimal("0.01"))


def check_value(
    d: IndicatorDefinition,
    value: Decimal | None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
) -> Value:
    """A rate is given as numerator and denominator (its value follows); anything else as a value."""
    if d.aggregation is Aggregation.RATE:
        if numerator is None or denominator is None:
            raise RuleViolation("En andel anges med täljare och nämnare", "numerator")
        check_number(numerator, "numerator")
        check_number(denominator, "denominator")
        if denominator <= 0:
            raise RuleViolation("Nämnaren ska vara större än noll", "denominator")
        if numerator < 0:
            raise RuleViolation("Täljaren kan inte vara negativ", "numerator")
        assert d.rate_scale is not None
        computed = rate_value(numerator, denominator, d.rate_scale)
        if value is not None and abs(value - computed) > Decimal("0.01"):
            raise RuleViolation("Värdet stämmer inte med täljare och nämnare", "value")
        return Value(computed, numerator, denominator)
    if numerator is not None or denominator is not None:
        raise RuleViolation("Täljare och nämnare anges bara för en andel", "numerator")
    if value is None:
        raise RuleViolation("Ange värdet", "value")
    return Value(check_number(value, "value"))


def status_of(thresholds: Thresholds, value: Decimal | None) -> IndicatorStatus:
    if value is None:
        return IndicatorStatus.MISSING
    if thresholds.better_or_equal(value, thresholds.target):
        return IndicatorStatus.OVER_TARGET
    if thresholds.better_or_equal(value, thresholds.threshold):
        return IndicatorStatus.BETWEEN
    return IndicatorStatus.UNDER_THRESHOLD


# --- measurements and the activities a value below the gränsvärde requires ------------------------

MAX_TEXT = 5000


@dataclass(frozen=True)
class ActivityInput:
    """What will be done to reach the gränsvärde again: who does it and by when."""

    description: str
    owner_id: uuid.UUID | None
    due_date: date | None


def activity_deadline(frequency: IndicatorFrequency, recorded_on: date) -> date | None:
    """The latest due date of an activity after a value below the gränsvärde: for a monthly indicator
    the end of the month after the one the value is recorded in (seed 002: activities that can be
    carried out the coming month); other frequencies leave the date to the chef."""
    if frequency is not IndicatorFrequency.MANADSVIS:
        return None
    return period_containing(recorded_on, frequency).shifted(1).end


def check_activity(activity: ActivityInput, frequency: IndicatorFrequency, recorded_on: date) -> None:
    if not activity.description.strip():
        raise RuleViolation("Beskriv aktiviteten", "activity.description")
    if len(activity.description) > MAX_TEXT:
        raise RuleViolation(f"Högst {MAX_TEXT} tecken", "activity.description")
    if activity.owner_id is None:
        raise RuleViolation("En aktivitet har en ansvarig", "activity.owner_id")
    if activity.due_date is None:
        raise RuleViolation("En aktivitet har ett slutdatum", "activity.due_date")
    if activity.due_date < recorded_on:
        raise RuleViolation("Slutdatumet har redan passerat", "activity.due_date")
    latest = activity_deadline(frequency, recorded_on)
    if latest is not None and activity.due_date > latest:
        raise RuleViolation(
            "För en månadsindikator ska aktiviteten kunna genomföras nästa månad: "
            f"senast {latest.isoformat()}",
            "activity.due_date",
        )


@dataclass(frozen=True)
class MeasurementInput:
    period: Period
    value: Value
    comment: str | None = None
    analysis: str | None = None
    activities: tuple[ActivityInput, ...] = ()


def check_measurement(
    d: IndicatorDefinition,
    m: MeasurementInput,
    recorded_on: date,
    open_activities: int = 0,
) -> IndicatorStatus:
    """A value for a period of the indicator's frequency that has begun; below the gränsvärde it comes
    with an activity (owner, due date) unless one for the indicator is still running (planned and not
    past its due date: `open_activities`). Returns its status."""
    if m.period.frequency is not d.frequency:
        raise RuleViolation(f"Indikatorn följs upp {FREQUENCY_TITLES[d.frequency]}", "period")
    if m.period.start > recorded_on:
        raise RuleViolation("Perioden har inte börjat", "period")
    for field, text in (("comment", m.comment), ("analysis", m.analysis)):
        if text is not None and len(text) > MAX_TEXT:
            raise RuleViolation(f"Högst {MAX_TEXT} tecken", field)
    status = status_of(d.thresholds, m.value.value)
    for activity in m.activities:
        check_activity(activity, d.frequency, recorded_on)
    if status is IndicatorStatus.UNDER_THRESHOLD and not m.activities and open_activities == 0:
        raise RuleViolation(
            "Värdet är under gränsvärdet: beskriv en aktivitet med ansvarig och slutdatum", "activities"
        )
    return status


def system_value_changed(held: Value | None, new: Value) -> bool:
    """A computed or imported value is recorded only when it differs from the one held for the period
    (value, numerator and denominator): recomputing or importing the same figures again records
    nothing and announces nothing."""
    return held is None or (held.value, held.numerator, held.denominator) != (
        new.value,
        new.numerator,
        new.denominator,
    )


def activity_needed(status: IndicatorStatus, covered: bool) -> bool:
    """A value below the gränsvärde needs an activity. An entered value is refused without one (unless
    one is running); a computed or imported value has nobody entering it, so it is recorded anyway
    and the styrkort says an activity is needed until one covers it: an activity of the indicator
    still running, or one planned with or since the value (`covered`)."""
    return status is IndicatorStatus.UNDER_THRESHOLD and not covered


def check_source_allows_entry(d: IndicatorDefinition) -> None:
    """Values of a computed or imported indicator come from the system, not from a form."""
    if d.source is not Source.ENTERED:
        raise RuleViolation(
            "Indikatorns värden beräknas eller importeras och skrivs inte in för hand", state=True
        )


class ActivityStatus(StrEnum):
    """Followed up like other actions: planned, carried out, followed up (did it help?)."""

    PLANNED = "planned"
    COMPLETED = "completed"
    FOLLOWED_UP = "followed_up"


_ACTIVITY_NEXT = {
    "complete": (ActivityStatus.PLANNED, ActivityStatus.COMPLETED),
    "follow_up": (ActivityStatus.COMPLETED, ActivityStatus.FOLLOWED_UP),
}


def next_activity_status(current: ActivityStatus, step: str) -> ActivityStatus:
    source, target = _ACTIVITY_NEXT[step]
    if current is not source:
        raise RuleViolation(f"Aktiviteten är {current.value}; '{step}' kräver {source.value}", state=True)
    return target
