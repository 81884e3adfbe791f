from __future__ import annotations

from datetime import date

import pytest

from platform_shared.decisions import Decision, DecisionInvalid
from platform_shared.ids import new_id
from platform_shared.roles import Role
from risk_svc.domain.control_plans import (
    ControlFacts,
    ControlPeriod,
    ControlResult,
    ControlStatus,
    Frequency,
    Occasion,
    PlanStatus,
    adopt,
    adoption_window,
    check_adoption_window,
    check_perform,
    control_periods,
    control_status,
    follow_up,
    follow_up_figures,
)
from risk_svc.domain.model import RuleViolation

NAMND, CLERK = new_id(), new_id()


def wrong_state(refused: RuleViolation) -> bool:
    """Refused as a step the object's state does not allow (409), not as bad input (422)."""
    return refused.state


@pytest.mark.parametrize(
    ("frequency", "due_dates"),
    [
        (Frequency.ARSVIS, ["2026-12-31"]),
        (Frequency.HALVARSVIS, ["2026-06-30", "2026-12-31"]),
        (Frequency.TERTIALVIS, ["2026-04-30", "2026-08-31", "2026-12-31"]),
        (Frequency.KVARTALSVIS, ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]),
    ],
)
def test_controls_are_scheduled_by_frequency_each_due_at_its_period_end(
    frequency: Frequency, due_dates: list[str]
) -> None:
    assert [p.due_date.isoformat() for p in control_periods(2026, frequency)] == due_dates


def test_monthly_controls_are_twelve_due_on_each_months_last_day() -> None:
    periods = control_periods(2028, Frequency.MANADSVIS)
    assert len(periods) == 12
    assert periods[1] == ControlPeriod(date(2028, 2, 1), date(2028, 2, 29))  # leap year
    assert [p.start.month for p in periods] == list(range(1, 13))


def test_periods_ended_before_the_nämnds_decision_are_not_scheduled() -> None:
    periods = control_periods(2026, Frequency.KVARTALSVIS, decided_on=date(2026, 2, 15))
    assert next(p.due_date for p in periods) == date(2026, 3, 31)
    later = control_periods(2026, Frequency.KVARTALSVIS, decided_on=date(2026, 4, 1))
    assert [p.due_date.month for p in later] == [6, 9, 12]


def _namnd(on: date, paragraph: str = "§ 123") -> Decision:
    return Decision.by_namnd(
        unit_id=NAMND,
        meeting_date=on,
        paragraph=paragraph,
        recorded_by=CLERK,
        recorder_role=Role.KVALITETSLEDARE,
    )


def test_adoption_needs_a_draft_with_rows_and_the_namnds_decision() -> None:
    today = date(2025, 12, 15)
    assert adopt(PlanStatus.DRAFT, 2, _namnd(date(2025, 12, 10)), today, 2026, 6) is PlanStatus.ADOPTED
    with pytest.raises(RuleViolation, check=wrong_state):
        adopt(PlanStatus.DRAFT, 0, _namnd(date(2025, 12, 10)), today, 2026, 6)
    with pytest.raises(RuleViolation, check=wrong_state):
        adopt(PlanStatus.ADOPTED, 2, _namnd(date(2025, 12, 10)), today, 2026, 6)
    with pytest.raises(RuleViolation) as err:
        adopt(PlanStatus.DRAFT, 2, _namnd(date(2025, 12, 20)), today, 2026, 6)
    assert err.value.field == "meeting_date"
    by_role = Decision.by_role(role=Role.SOCIALCHEF, person_id=CLERK, unit_id=NAMND, decided_on=today)
    with pytest.raises(RuleViolation):
        adopt(PlanStatus.DRAFT, 2, by_role, today, 2026, 6)


def test_namnd_member_cannot_adopt_alone() -> None:
    with pytest.raises(DecisionInvalid):
        Decision.by_role(
            role=Role.NAMND_LEDAMOT, person_id=CLERK, unit_id=NAMND, decided_on=date(2025, 12, 1)
        )
    with pytest.raises(DecisionInvalid):
        Decision.by_namnd(
            unit_id=NAMND,
            meeting_date=date(2025, 12, 1),
            paragraph=1,
            recorded_by=CLERK,
            recorder_role=Role.NAMND_LEDAMOT,
        )


def test_internkontrollplan_adopted_within_window() -> None:
    assert adoption_window(2026, 6) == (date(2025, 7, 1), date(2025, 12, 31))
    assert adoption_window(2026, 12) == (date(2025, 1, 1), date(2025, 12, 31))
    assert adoption_window(2026, 1) == (date(2025, 12, 1), date(2025, 12, 31))
    check_adoption_window(2026, date(2025, 7, 1), 6)
    check_adoption_window(2026, date(2025, 12, 31), 6)
    for outside in (date(2025, 6, 30), date(2026, 1, 1), date(2026, 3, 12)):
        with pytest.raises(RuleViolation, check=wrong_state) as err:
            check_adoption_window(2026, outside, 6)
        assert err.value.message == (
            "Internkontrollplanen för 2026 antas före året, tidigast 1 juli 2025 och senast 31 december 2025"
        )
    with pytest.raises(RuleViolation, check=wrong_state):  # in its year: too late
        adopt(PlanStatus.DRAFT, 2, _namnd(date(2026, 1, 2)), date(2026, 1, 3), 2026, 6)


def test_follow_ups_come_in_order_once_each_after_their_period() -> None:
    after_year = date(2027, 1, 20)
    assert follow_up(PlanStatus.ADOPTED, [], Occasion.T1, date(2026, 5, 10), 2026) is PlanStatus.FOLLOWED_UP
    with pytest.raises(RuleViolation, check=wrong_state, match="tertial 1"):
        follow_up(PlanStatus.ADOPTED, [], Occasion.T2, after_year, 2026)
    with pytest.raises(RuleViolation, check=wrong_state, match="redan"):
        follow_up(PlanStatus.FOLLOWED_UP, [Occasion.T1], Occasion.T1, after_year, 2026)
    with pytest.raises(RuleViolation, check=wrong_state, match="efter"):
        follow_up(PlanStatus.ADOPTED, [], Occasion.T1, date(2026, 4, 30), 2026)
    with pytest.raises(RuleViolation, check=wrong_state, match="antar"):
        follow_up(PlanStatus.DRAFT, [], Occasion.T1, after_year, 2026)


def test_a_control_not_performed_by_its_due_date_is_missed() -> None:
    due = date(2026, 1, 31)
    assert control_status(False, due, date(2026, 1, 31)) is ControlStatus.SCHEDULED
    assert control_status(False, due, date(2026, 2, 1)) is ControlStatus.MISSED
    assert control_status(True, due, date(2026, 3, 1)) is ControlStatus.PERFORMED


def test_a_control_result_with_avvikelser_needs_findings_and_ok_has_none() -> None:
    period = ControlPeriod(date(2026, 1, 1), date(2026, 1, 31))
    today = date(2026, 2, 3)
    with pytest.raises(RuleViolation) as err:
        check_perform(
            PlanStatus.ADOPTED, False, ControlResult.AVVIKELSER, 0, date(2026, 1, 30), period, today
        )
    assert err.value.field == "findings"
    with pytest.raises(RuleViolation):
        check_perform(PlanStatus.ADOPTED, False, ControlResult.OK, 1, date(2026, 1, 30), period, today)
    assert (
        check_perform(PlanStatus.ADOPTED, False, ControlResult.OK, 0, date(2026, 1, 30), period, today)
        is True
    )
    # performed after the due date: recorded, but not on time
    assert (
        check_perform(PlanStatus.ADOPTED, False, ControlResult.OK, 0, date(2026, 2, 2), period, today)
        is False
    )


def test_a_control_is_performed_once_within_its_period_and_not_in_the_future() -> None:
    period = ControlPeriod(date(2026, 1, 1), date(2026, 1, 31))
    with pytest.raises(RuleViolation, check=wrong_state):
        check_perform(
            PlanStatus.ADOPTED, True, ControlResult.OK, 0, date(2026, 1, 30), period, date(2026, 2, 1)
        )
    with pytest.raises(RuleViolation, check=wrong_state):
        check_perform(
            PlanStatus.DRAFT, False, ControlResult.OK, 0, date(2026, 1, 30), period, date(2026, 2, 1)
        )
    for day in (date(2025, 12, 31), date(2026, 2, 5)):
        with pytest.raises(RuleViolation) as err:
            check_perform(PlanStatus.ADOPTED, False, ControlResult.OK, 0, day, period, date(2026, 2, 1))
        assert err.value.field == "performed_on"


def test_follow_up_figures_count_the_controls_due_up_to_the_occasion() -> None:
    controls = [
        ControlFacts(date(2026, 1, 31), True, ControlResult.OK, True),
        ControlFacts(date(2026, 2, 28), True, ControlResult.AVVIKELSER, False),
        ControlFacts(date(2026, 3, 31), False, None, None),
        ControlFacts(date(2026, 5, 31), False, None, None),
    ]
    assert follow_up_figures(controls, Occasion.T1.cutoff(2026)) == {
        "due": 3,
        "performed": 2,
        "ok": 1,
        "avvikelser": 1,
        "performed_late": 1,
        "missed": 1,
    }
