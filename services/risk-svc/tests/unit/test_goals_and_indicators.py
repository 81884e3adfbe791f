from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from risk_svc.domain.computed_indicators import (
    COMPUTED_SOURCES,
    ComplaintFact,
    ControlFact,
    DeviationFact,
    Facts,
    complaints_answered_in_time,
    compute,
    computed_source,
    controls_on_time,
    deviations_reported,
    periods_to_compute,
)
from risk_svc.domain.goals import (
    Factor,
    FactorKind,
    GoalInput,
    GoalLevel,
    GoalStatus,
    Perspective,
    check_end,
    check_goal,
    check_one_prioritised,
    check_parent,
)
from risk_svc.domain.indicators import (
    ActivityInput,
    ActivityStatus,
    Aggregation,
    Direction,
    IndicatorDefinition,
    IndicatorStatus,
    MeasurementInput,
    Source,
    Thresholds,
    Value,
    activity_deadline,
    activity_needed,
    check_definition,
    check_link,
    check_measurement,
    check_source_allows_entry,
    check_value,
    next_activity_status,
    status_of,
    system_value_changed,
    worst_status,
)
from risk_svc.domain.model import RuleViolation
from risk_svc.domain.periods import IndicatorFrequency, Period, last_closed_period, parse_period

MONTHLY = IndicatorFrequency.MANADSVIS
OWNER = uuid.uuid4()


def wrong_state(refused: RuleViolation) -> bool:
    """Refused as a step the object's state does not allow (409), not as bad input (422)."""
    return refused.state


def definition(**changes: object) -> IndicatorDefinition:
    values: dict[str, object] = {
        "name": "Andel brukare med genomförandeplan",
        "definition": "Brukare med aktuell genomförandeplan / brukare med insats",
        "unit_of_measure": "procent",
        "thresholds": Thresholds(Direction.HIGHER_IS_BETTER, Decimal(95), Decimal(85)),
        "frequency": MONTHLY,
        "source": Source.ENTERED,
        "aggregation": Aggregation.RATE,
        "rate_scale": Decimal(100),
    }
    values.update(changes)
    return IndicatorDefinition(**values)  # type: ignore[arg-type]


# --- goals ---------------------------------------------------------------------------------------


def test_a_goals_level_is_its_units_level() -> None:
    assert check_goal(GoalInput("enhet", "Trygg hemtjänst")) is GoalLevel.ENHETSMAL
    assert check_goal(GoalInput("avdelning", "God kvalitet")) is GoalLevel.VERKSAMHETSMAL
    assert check_goal(GoalInput("namnd", "Trygghet för alla")) is GoalLevel.NAMNDMAL


def test_goals_break_down_a_goal_of_a_higher_level_at_a_unit_above() -> None:
    check_parent(GoalLevel.NAMNDMAL, None, parent_unit_above=False)
    check_parent(GoalLevel.FORVALTNINGSMAL, GoalLevel.NAMNDMAL, parent_unit_above=True)
    check_parent(GoalLevel.ENHETSMAL, GoalLevel.FORVALTNINGSMAL, parent_unit_above=True)  # a level skipped
    with pytest.raises(RuleViolation) as root:
        check_parent(GoalLevel.ENHETSMAL, None, parent_unit_above=False)
    assert root.value.field == "parent_id"
    with pytest.raises(RuleViolation):
        check_parent(GoalLevel.VERKSAMHETSMAL, GoalLevel.ENHETSMAL, parent_unit_above=True)
    with pytest.raises(RuleViolation):
        check_parent(GoalLevel.ENHETSMAL, GoalLevel.VERKSAMHETSMAL, parent_unit_above=False)
    with pytest.raises(RuleViolation):
        check_parent(GoalLevel.NAMNDMAL, GoalLevel.NAMNDMAL, parent_unit_above=True)


def test_a_goal_has_a_title_years_in_order_and_factors_with_text() -> None:
    with pytest.raises(RuleViolation) as title:
        check_goal(GoalInput("enhet", "  "))
    assert title.value.field == "title"
    with pytest.raises(RuleViolation) as years:
        check_goal(GoalInput("enhet", "Mål", from_year=2027, to_year=2026))
    assert years.value.field == "to_year"
    factor = Factor(FactorKind.KRITISK_FAKTOR, Perspective.MEDARBETARE, "")
    with pytest.raises(RuleViolation) as factors:
        check_goal(GoalInput("enhet", "Mål", factors=(factor,)))
    assert factors.value.field == "factors.0.text"


def test_a_unit_has_one_prioritised_goal_a_year() -> None:
    check_one_prioritised(True, 0)
    check_one_prioritised(False, 1)
    with pytest.raises(RuleViolation, check=wrong_state):
        check_one_prioritised(True, 1)


def test_a_goal_ends_after_the_goals_broken_down_from_it() -> None:
    with pytest.raises(RuleViolation, check=wrong_state):
        check_end(GoalStatus.ACTIVE, open_children=2)
    assert check_end(GoalStatus.ACTIVE, open_children=0) is GoalStatus.ENDED
    with pytest.raises(RuleViolation, check=wrong_state):
        check_end(GoalStatus.ENDED, open_children=0)


# --- periods -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "frequency", "start", "end"),
    [
        ("2026-02", IndicatorFrequency.MANADSVIS, "2026-02-01", "2026-02-28"),
        ("2026-T2", IndicatorFrequency.TERTIALVIS, "2026-05-01", "2026-08-31"),
        ("2026", IndicatorFrequency.ARSVIS, "2026-01-01", "2026-12-31"),
    ],
)
def test_periods_are_months_tertials_and_years(
    key: str, frequency: IndicatorFrequency, start: str, end: str
) -> None:
    period = parse_period(key, frequency)
    assert (period.start.isoformat(), period.end.isoformat(), period.key) == (start, end, key)


def test_a_period_must_match_the_indicators_frequency() -> None:
    for key in ("2026-T1", "2026", "2026-13", "26-01", "1999-01"):
        with pytest.raises(RuleViolation) as refused:
            parse_period(key, MONTHLY)
        assert refused.value.field == "period"


def test_a_follow_up_reports_on_the_latest_period_that_has_ended() -> None:
    assert last_closed_period(date(2026, 1, 10), MONTHLY).key == "2025-12"
    assert last_closed_period(date(2026, 9, 1), IndicatorFrequency.TERTIALVIS).key == "2026-T2"
    assert Period(2026, 1, MONTHLY).shifted(-13).key == "2024-12"


# --- definitions ---------------------------------------------------------------------------------


def test_the_gransvarde_is_never_better_than_the_target_in_the_indicators_direction() -> None:
    check_definition(definition())
    with pytest.raises(RuleViolation) as higher:
        check_definition(
            definition(thresholds=Thresholds(Direction.HIGHER_IS_BETTER, Decimal(80), Decimal(90)))
        )
    assert higher.value.field == "threshold"
    lower = Thresholds(Direction.LOWER_IS_BETTER, Decimal(5), Decimal(10))
    check_definition(definition(thresholds=lower, aggregation=Aggregation.SUM, rate_scale=None))
    with pytest.raises(RuleViolation):
        check_definition(
            definition(
                thresholds=Thresholds(Direction.LOWER_IS_BETTER, Decimal(10), Decimal(5)),
                aggregation=Aggregation.SUM,
                rate_scale=None,
            )
        )


def test_a_rate_names_its_scale_and_a_computed_or_imported_indicator_its_source() -> None:
    with pytest.raises(RuleViolation) as scale:
        check_definition(definition(rate_scale=None))
    assert scale.value.field == "rate_scale"
    with pytest.raises(RuleViolation) as computed:
        check_definition(definition(source=Source.COMPUTED))
    assert computed.value.field == "computed_source"
    check_definition(definition(source=Source.COMPUTED, computed_source="controls_on_time"))
    with pytest.raises(RuleViolation):
        check_definition(definition(source=Source.IMPORTED, kpi="U21468"))
    imported = {"source": Source.IMPORTED, "kpi": "U21468", "municipality": "0138"}
    check_definition(definition(**imported, frequency=IndicatorFrequency.ARSVIS))
    with pytest.raises(RuleViolation) as monthly:
        check_definition(definition(**imported))
    assert monthly.value.field == "frequency"


def test_only_entered_indicators_take_values_typed_in() -> None:
    check_source_allows_entry(definition())
    with pytest.raises(RuleViolation, check=wrong_state):
        check_source_allows_entry(definition(source=Source.COMPUTED, computed_source="controls_on_time"))


def test_an_indicator_feeds_one_above_only_if_it_measures_and_combines_the_same_way() -> None:
    parent = definition()
    check_link(parent, definition(name="Enhetens andel"), child_unit_below=True)
    with pytest.raises(RuleViolation):
        check_link(parent, definition(), child_unit_below=False)
    with pytest.raises(RuleViolation):
        check_link(parent, definition(unit_of_measure="antal"), child_unit_below=True)
    with pytest.raises(RuleViolation):
        check_link(parent, definition(aggregation=Aggregation.SUM, rate_scale=None), child_unit_below=True)
    with pytest.raises(RuleViolation):
        check_link(parent, definition(frequency=IndicatorFrequency.ARSVIS), child_unit_below=True)


# --- values and status ---------------------------------------------------------------------------


def test_a_rate_is_given_as_numerator_and_denominator_and_its_value_follows() -> None:
    assert check_value(definition(), None, Decimal(17), Decimal(20)) == Value(
        Decimal("85.00"), Decimal(17), Decimal(20)
    )
    with pytest.raises(RuleViolation) as zero:
        check_value(definition(), None, Decimal(1), Decimal(0))
    assert zero.value.field == "denominator"
    with pytest.raises(RuleViolation) as only_value:
        check_value(definition(), Decimal(85))
    assert only_value.value.field == "numerator"
    count = definition(aggregation=Aggregation.SUM, rate_scale=None)
    assert check_value(count, Decimal(4)) == Value(Decimal(4))
    with pytest.raises(RuleViolation):
        check_value(count, Decimal(4), Decimal(1), Decimal(2))


@pytest.mark.parametrize(
    ("direction", "value", "status"),
    [
        (Direction.HIGHER_IS_BETTER, "96", IndicatorStatus.OVER_TARGET),
        (Direction.HIGHER_IS_BETTER, "95", IndicatorStatus.OVER_TARGET),
        (Direction.HIGHER_IS_BETTER, "90", IndicatorStatus.BETWEEN),
        (Direction.HIGHER_IS_BETTER, "85", IndicatorStatus.BETWEEN),
        (Direction.HIGHER_IS_BETTER, "84.9", IndicatorStatus.UNDER_THRESHOLD),
        (Direction.LOWER_IS_BETTER, "3", IndicatorStatus.OVER_TARGET),
        (Direction.LOWER_IS_BETTER, "7", IndicatorStatus.BETWEEN),
        (Direction.LOWER_IS_BETTER, "11", IndicatorStatus.UNDER_THRESHOLD),
    ],
)
def test_status_is_over_target_between_or_under_the_gransvarde_in_the_indicators_direction(
    direction: Direction, value: str, status: IndicatorStatus
) -> None:
    thresholds = (
        Thresholds(direction, Decimal(95), Decimal(85))
        if direction is Direction.HIGHER_IS_BETTER
        else Thresholds(direction, Decimal(5), Decimal(10))
    )
    assert status_of(thresholds, Decimal(value)) is status
    assert status_of(thresholds, None) is IndicatorStatus.MISSING


def test_the_worst_status_summarises_several() -> None:
    S = IndicatorStatus
    assert worst_status([S.OVER_TARGET, S.BETWEEN]) is S.BETWEEN
    assert worst_status([S.BETWEEN, S.MISSING, S.OVER_TARGET]) is S.MISSING
    assert worst_status([S.MISSING, S.UNDER_THRESHOLD]) is S.UNDER_THRESHOLD
    assert worst_status([]) is None


# --- measurements and activities -----------------------------------------------------------------

MARCH = Period(2026, 3, MONTHLY)
RECORDED = date(2026, 4, 8)
BELOW = Value(Decimal("80.00"), Decimal(16), Decimal(20))


def test_a_value_below_the_gransvarde_requires_an_activity_due_next_month() -> None:
    with pytest.raises(RuleViolation) as none:
        check_measurement(definition(), MeasurementInput(MARCH, BELOW), RECORDED)
    assert none.value.field == "activities"
    due_next_month = ActivityInput("Genomgång av planerna på APT", OWNER, date(2026, 5, 31))
    assert (
        check_measurement(
            definition(), MeasurementInput(MARCH, BELOW, activities=(due_next_month,)), RECORDED
        )
        is IndicatorStatus.UNDER_THRESHOLD
    )
    too_late = ActivityInput("Genomgång", OWNER, date(2026, 6, 1))
    with pytest.raises(RuleViolation) as late:
        check_measurement(definition(), MeasurementInput(MARCH, BELOW, activities=(too_late,)), RECORDED)
    assert late.value.field == "activity.due_date"
    assert activity_deadline(MONTHLY, RECORDED) == date(2026, 5, 31)


def test_an_activity_has_an_owner_and_a_due_date() -> None:
    for activity, field in (
        (ActivityInput("Genomgång", None, date(2026, 5, 1)), "activity.owner_id"),
        (ActivityInput("Genomgång", OWNER, None), "activity.due_date"),
        (ActivityInput(" ", OWNER, date(2026, 5, 1)), "activity.description"),
        (ActivityInput("Genomgång", OWNER, date(2026, 4, 1)), "activity.due_date"),
    ):
        with pytest.raises(RuleViolation) as refused:
            check_measurement(definition(), MeasurementInput(MARCH, BELOW, activities=(activity,)), RECORDED)
        assert refused.value.field == field


def test_a_running_activity_covers_a_value_still_below_the_gransvarde() -> None:
    assert check_measurement(definition(), MeasurementInput(MARCH, BELOW), RECORDED, open_activities=1) is (
        IndicatorStatus.UNDER_THRESHOLD
    )


def test_a_tertial_or_yearly_indicators_activity_has_no_next_month_limit() -> None:
    yearly = definition(frequency=IndicatorFrequency.ARSVIS)
    activity = ActivityInput("Ny rutin för genomförandeplaner", OWNER, date(2026, 12, 31))
    m = MeasurementInput(Period(2025, 1, IndicatorFrequency.ARSVIS), BELOW, activities=(activity,))
    assert check_measurement(yearly, m, date(2026, 1, 20)) is IndicatorStatus.UNDER_THRESHOLD


def test_a_value_is_for_a_period_of_the_indicators_frequency_that_has_begun() -> None:
    ok = Value(Decimal("96.00"), Decimal(24), Decimal(25))
    with pytest.raises(RuleViolation) as future:
        check_measurement(definition(), MeasurementInput(Period(2026, 5, MONTHLY), ok), RECORDED)
    assert future.value.field == "period"
    with pytest.raises(RuleViolation):
        check_measurement(
            definition(), MeasurementInput(Period(2026, 1, IndicatorFrequency.TERTIALVIS), ok), RECORDED
        )


def test_an_activity_is_completed_then_followed_up() -> None:
    assert next_activity_status(ActivityStatus.PLANNED, "complete") is ActivityStatus.COMPLETED
    assert next_activity_status(ActivityStatus.COMPLETED, "follow_up") is ActivityStatus.FOLLOWED_UP
    with pytest.raises(RuleViolation, check=wrong_state):
        next_activity_status(ActivityStatus.PLANNED, "follow_up")


# --- computed indicators -------------------------------------------------------------------------


def test_avvikelser_per_month_count_reports_made_that_month_but_not_voided_ones() -> None:
    facts = [
        DeviationFact(date(2026, 3, 1)),
        DeviationFact(date(2026, 3, 31)),
        DeviationFact(date(2026, 3, 15), voided=True),
        DeviationFact(date(2026, 4, 1)),
    ]
    assert deviations_reported(facts, MARCH) == Value(Decimal(2))


def test_complaints_answered_in_time_count_answered_or_overdue_complaints_but_not_anonymous_or_praise() -> (
    None
):
    due = date(2026, 3, 30)
    facts = [
        ComplaintFact("klagomal", False, date(2026, 3, 2), due, date(2026, 3, 20)),  # in time
        ComplaintFact("synpunkt", False, date(2026, 3, 2), due, date(2026, 4, 2)),  # late
        ComplaintFact("klagomal", False, date(2026, 3, 2), due, None),  # overdue, unanswered
        ComplaintFact("klagomal", False, date(2026, 3, 28), date(2026, 4, 25), None),  # not yet due
        ComplaintFact("klagomal", True, date(2026, 3, 2), None, None),  # anonymous
        ComplaintFact("berom", False, date(2026, 3, 2), None, None),
        ComplaintFact("klagomal", False, date(2026, 2, 2), date(2026, 3, 2), date(2026, 3, 1)),  # February
    ]
    assert complaints_answered_in_time(facts, MARCH, date(2026, 4, 10)) == Value(
        Decimal("33.33"), Decimal(1), Decimal(3)
    )
    assert complaints_answered_in_time([], MARCH, date(2026, 4, 10)) is None


def test_controls_on_time_count_controls_due_in_the_period_that_are_performed_or_past_due() -> None:
    facts = [
        ControlFact(date(2026, 3, 31), date(2026, 3, 30)),
        ControlFact(date(2026, 3, 31), date(2026, 4, 3)),
        ControlFact(date(2026, 3, 31), None),
        ControlFact(date(2026, 4, 30), date(2026, 3, 30)),
    ]
    assert controls_on_time(facts, MARCH, date(2026, 4, 10)) == Value(
        Decimal("33.33"), Decimal(1), Decimal(3)
    )
    assert controls_on_time(facts[2:3], MARCH, date(2026, 3, 31)) is None  # due today: not yet counted


def test_every_computed_source_makes_a_valid_indicator_definition() -> None:
    for key, s in COMPUTED_SOURCES.items():
        target, threshold = (
            (Decimal(90), Decimal(80))
            if s.direction is Direction.HIGHER_IS_BETTER
            else (Decimal(5), Decimal(10))
        )
        check_definition(
            IndicatorDefinition(
                s.title,
                s.needs,
                s.unit_of_measure,
                Thresholds(s.direction, target, threshold),
                s.frequency,
                Source.COMPUTED,
                s.aggregation,
                s.rate_scale,
                computed_source=key,
            )
        )
    with pytest.raises(RuleViolation):
        computed_source("avvikelser")


def test_a_computed_indicator_covers_the_current_period_and_twelve_before_but_none_before_its_goal() -> None:
    window = periods_to_compute(date(2026, 3, 10), MONTHLY, None)
    assert (len(window), window[0].key, window[-1].key) == (13, "2025-03", "2026-03")
    assert [p.key for p in periods_to_compute(date(2026, 3, 10), MONTHLY, 2026)] == [
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    yearly = periods_to_compute(date(2026, 3, 10), IndicatorFrequency.ARSVIS, 2025)
    assert [p.key for p in yearly] == ["2025", "2026"]


def test_a_computation_is_chosen_by_its_key() -> None:
    facts = Facts(
        deviations=(DeviationFact(date(2026, 3, 2)),),
        controls=(ControlFact(date(2026, 3, 31), date(2026, 3, 30)),),
    )
    assert compute("deviations_reported", facts, MARCH, RECORDED) == Value(Decimal(1))
    on_time = Value(Decimal("100.00"), Decimal(1), Decimal(1))
    assert compute("controls_on_time", facts, MARCH, RECORDED) == on_time
    assert compute("complaints_answered_in_time", facts, MARCH, RECORDED) is None
    with pytest.raises(RuleViolation):
        compute("avvikelser", facts, MARCH, RECORDED)


def test_recomputing_an_unchanged_value_records_nothing() -> None:
    assert system_value_changed(None, BELOW)
    assert not system_value_changed(Value(Decimal("80.0000"), Decimal("16.0000"), Decimal(20)), BELOW)
    assert system_value_changed(BELOW, Value(Decimal("80.00"), Decimal(32), Decimal(40)))
    assert system_value_changed(Value(Decimal(3)), Value(Decimal(4)))


def test_a_system_value_below_the_gransvarde_shows_that_an_activity_is_needed_until_one_covers_it() -> None:
    assert activity_needed(IndicatorStatus.UNDER_THRESHOLD, covered=False)
    assert not activity_needed(IndicatorStatus.UNDER_THRESHOLD, covered=True)
    assert not activity_needed(IndicatorStatus.BETWEEN, covered=False)
    assert not activity_needed(IndicatorStatus.MISSING, covered=False)
