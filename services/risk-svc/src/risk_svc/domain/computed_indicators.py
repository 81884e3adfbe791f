"""Indicators computed from what the product already knows, so nobody types them in:

- `deviations_reported`: avvikelser reported per month (a count; sums upward). From deviation-svc's
  `DeviationReported` (unit, reported_at) and `DeviationVoided`, which risk-svc keeps in
  `deviation_fact` (consumer group risk.deviation-history).
- `complaints_answered_in_time`: the share of klagomål and synpunkter answered within the answer
  deadline (28 days, the `complaint_response` rule; a tenant may set another). From
  `ComplaintReceived` (kind, complainant type, received_at, response_due_at) and
  `ComplaintResponded` (responded_at) in `complaint_fact`. Anonymous complainants are not answered
  and are not counted; a complaint counts in the month it was received once it is answered or its
  deadline has passed.
- `controls_on_time`: the share of the internkontrollplan's controls performed by their due date
  (risk-svc's own `control` table); a control counts in the month it was due once it is performed or
  its due date has passed.

Each computation takes plain facts and a period and returns a `Value` (rates with numerator and
denominator, so they combine upward).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from risk_svc.domain.indicators import Aggregation, Direction, Value, rate_value
from risk_svc.domain.model import RuleViolation
from risk_svc.domain.periods import IndicatorFrequency, Period, period_containing

PERCENT = Decimal(100)
ANSWERED_KINDS = frozenset({"klagomal", "synpunkt"})  # beröm and förbättringsförslag get no answer clock


@dataclass(frozen=True)
class ComputedSource:
    key: str
    title: str  # Swedish, shown to people
    unit_of_measure: str
    direction: Direction
    aggregation: Aggregation
    rate_scale: Decimal | None
    frequency: IndicatorFrequency
    needs: str  # where the facts come from


COMPUTED_SOURCES: dict[str, ComputedSource] = {
    s.key: s
    for s in (
        ComputedSource(
            "deviations_reported",
            "Rapporterade avvikelser per månad",
            "antal",
            Direction.LOWER_IS_BETTER,
            Aggregation.SUM,
            None,
            IndicatorFrequency.MANADSVIS,
            "DeviationReported, DeviationVoided (deviation_fact)",
        ),
        ComputedSource(
            "complaints_answered_in_time",
            "Andel klagomål och synpunkter som besvarats inom 28 dagar",
            "procent",
            Direction.HIGHER_IS_BETTER,
            Aggregation.RATE,
            PERCENT,
            IndicatorFrequency.MANADSVIS,
            "ComplaintReceived, ComplaintResponded (complaint_fact)",
        ),
        ComputedSource(
            "controls_on_time",
            "Andel planerade kontroller som genomförts i tid",
            "procent",
            Direction.HIGHER_IS_BETTER,
            Aggregation.RATE,
            PERCENT,
            IndicatorFrequency.MANADSVIS,
            "the internkontrollplan's controls (control)",
        ),
    )
}


def computed_source(key: str) -> ComputedSource:
    try:
        return COMPUTED_SOURCES[key]
    except KeyError:
        raise RuleViolation(
            f"Okänd beräkning; välj en av {', '.join(sorted(COMPUTED_SOURCES))}", "computed_source"
        ) from None


def _within(day: date, period: Period) -> bool:
    return period.start <= day <= period.end


@dataclass(frozen=True)
class DeviationFact:
    reported_on: date  # local date
    voided: bool = False


def deviations_reported(facts: Iterable[DeviationFact], period: Period) -> Value:
    """Reports made in the period; a voided report (made in error) does not count."""
    count = sum(1 for f in facts if not f.voided and _within(f.reported_on, period))
    return Value(Decimal(count))


@dataclass(frozen=True)
class ComplaintFact:
    kind: str
    anonymous: bool
    received_on: date
    due_on: date | None  # the complaint_response deadline (local date)
    responded_on: date | None


def complaints_answered_in_time(facts: Iterable[ComplaintFact], period: Period, today: date) -> Value | None:
    """Among the complaints received in the period that are answered or past their deadline, the
    share answered by the deadline; None when there are none."""
    counted = [
        f
        for f in facts
        if f.kind in ANSWERED_KINDS
        and not f.anonymous
        and f.due_on is not None
        and _within(f.received_on, period)
        and (f.responded_on is not None or f.due_on < today)
    ]
    if not counted:
        return None
    in_time = sum(
        1 for f in counted if f.responded_on is not None and f.due_on and f.responded_on <= f.due_on
    )
    return _rate(in_time, len(counted))


@dataclass(frozen=True)
class ControlFact:
    due_on: date
    performed_on: date | None


def controls_on_time(facts: Iterable[ControlFact], period: Period, today: date) -> Value | None:
    """Among the controls due in the period that are performed or past due, the share performed by
    their due date; None when there are none."""
    counted = [
        f for f in facts if _within(f.due_on, period) and (f.performed_on is not None or f.due_on < today)
    ]
    if not counted:
        return None
    on_time = sum(1 for f in counted if f.performed_on is not None and f.performed_on <= f.due_on)
    return _rate(on_time, len(counted))


def _rate(numerator: int, denominator: int) -> Value:
    n, d = Decimal(numerator), Decimal(denominator)
    return Value(rate_value(n, d, PERCENT), n, d)


# --- which periods, and one computation by its key ---------------------------------------------------

COMPUTED_PERIODS = 13  # the current period and the twelve before it: a styrkort's trend


def periods_to_compute(today: date, frequency: IndicatorFrequency, from_year: int | None) -> list[Period]:
    """The periods a computed indicator gets values for, oldest first: from the start of its goal's
    first year (`from_year`), but at most the last 13 periods, up to the current one (whose value
    grows while it runs and is recorded again when it changes)."""
    current = period_containing(today, frequency)
    window = [current.shifted(-offset) for offset in range(COMPUTED_PERIODS - 1, -1, -1)]
    return [p for p in window if from_year is None or p.year >= from_year]


@dataclass(frozen=True)
class Facts:
    """What the unit and the units below it hold for the periods computed."""

    deviations: tuple[DeviationFact, ...] = ()
    complaints: tuple[ComplaintFact, ...] = ()
    controls: tuple[ControlFact, ...] = ()


def compute(key: str, facts: Facts, period: Period, today: date) -> Value | None:
    """The value of computation `key` for a period; None when there is nothing to count."""
    computed_source(key)
    if key == "deviations_reported":
        return deviations_reported(facts.deviations, period)
    if key == "complaints_answered_in_time":
        return complaints_answered_in_time(facts.complaints, period, today)
    return controls_on_time(facts.controls, period, today)
