from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deviation_svc.domain.actions import ActionStatus
from deviation_svc.domain.lifecycle import (
    ALLOWED_FROM,
    ClosingFacts,
    Step,
    actions_for,
    check_close,
    check_decide,
    check_final_degree_permission,
    check_receive,
    check_reclassify,
    check_report_times,
    may_skip_phases,
    phase_after_decision,
    require_step,
)
from deviation_svc.domain.model import STATUS_LABELS, DeviationType, RuleViolation, Status
from platform_shared.permissions import Action

S = Status
T = DeviationType
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)

# (step, from, allowed?) — the state machine of docs/domain.md 4.1, read straight from the table.
PATH = [
    (Step.RECEIVE, S.REPORTED),
    (Step.START_INVESTIGATION, S.RECEIVED),
    (Step.COMPLETE_INVESTIGATION, S.INVESTIGATING),
    (Step.DECIDE, S.INVESTIGATING),
    (Step.REOPEN, S.CLOSED),
    (Step.VOID, S.REPORTED),
    (Step.VOID, S.RECEIVED),
]


@pytest.mark.parametrize(("step", "status"), PATH)
def test_each_step_of_the_lifecycle_is_allowed_from_its_state(step: Step, status: Status) -> None:
    require_step(step, status)


@pytest.mark.parametrize("step", list(Step))
def test_no_step_but_reopen_is_allowed_on_a_closed_or_voided_case(step: Step) -> None:
    for status in (S.CLOSED, S.VOIDED):
        if step is Step.REOPEN and status is S.CLOSED:
            continue
        with pytest.raises(RuleViolation) as err:
            require_step(step, status)
        assert err.value.state
        assert STATUS_LABELS[status] in err.value.message


@pytest.mark.parametrize("status", [s for s in Status if s not in (S.REPORTED, S.RECEIVED)])
def test_only_a_reported_or_received_deviation_can_be_voided(status: Status) -> None:
    with pytest.raises(RuleViolation):
        require_step(Step.VOID, status)


def test_a_refused_step_says_why() -> None:
    with pytest.raises(RuleViolation) as err:
        require_step(Step.DECIDE, S.RECEIVED)
    assert "Det går inte att besluta om avvikelsen när den är mottagen" in err.value.message
    assert "beslutet följer på utredningen" in err.value.message


def test_ivo_anmalan_is_possible_at_receipt_during_and_after_the_investigation() -> None:
    assert ALLOWED_FROM[Step.IVO_DECISION] == {S.RECEIVED, S.INVESTIGATING, S.DECIDED, S.ACTIONS, S.FOLLOW_UP}


def test_receiving_requires_immediate_measures_or_none_needed() -> None:
    check_receive("Extra tillsyn", False)
    check_receive(None, True)
    with pytest.raises(RuleViolation) as err:
        check_receive("  ", False)
    assert err.value.field == "immediate_measures" and not err.value.state
    with pytest.raises(RuleViolation):
        check_receive("Extra tillsyn", True)


def test_the_decision_follows_a_completed_investigation() -> None:
    check_decide(True)
    with pytest.raises(RuleViolation) as err:
        check_decide(False)
    assert err.value.state


def test_an_event_cannot_be_reported_before_it_happened_or_discovered_before_it_occurred() -> None:
    check_report_times(NOW - timedelta(days=1), NOW, NOW)
    with pytest.raises(RuleViolation) as err:
        check_report_times(NOW + timedelta(days=1), None, NOW)
    assert err.value.field == "occurred_at"
    with pytest.raises(RuleViolation) as err:
        check_report_times(NOW - timedelta(days=1), NOW - timedelta(days=2), NOW)
    assert err.value.field == "discovered_at"


# --- who may take each step --------------------------------------------------------------------


def test_lex_sarah_is_decided_by_the_socialchef_or_delegate_and_others_by_case_decide() -> None:
    assert actions_for(Step.DECIDE, T.LEX_SARAH) == (Action.LEX_SARAH_DECIDE,)
    assert actions_for(Step.DECIDE, T.AVVIKELSE) == (Action.CASE_DECIDE,)
    assert actions_for(Step.DECIDE, T.HSL) == (Action.CASE_DECIDE,)


def test_the_ivo_steps_belong_to_the_decider_of_each_law() -> None:
    assert actions_for(Step.IVO_DECISION, T.LEX_SARAH) == (Action.IVO_DECISION_LEX_SARAH,)
    assert actions_for(Step.IVO_RECORD, T.HSL) == (Action.IVO_DECISION_LEX_MARIA,)
    with pytest.raises(RuleViolation):
        actions_for(Step.IVO_DECISION, T.AVVIKELSE)


def test_a_serious_degree_also_needs_the_right_to_decide_the_ivo_anmalan() -> None:
    assert (
        check_final_degree_permission(T.LEX_SARAH, "allvarligt_missforhallande")
        is Action.IVO_DECISION_LEX_SARAH
    )
    assert check_final_degree_permission(T.HSL, "risk_allvarlig_vardskada") is Action.IVO_DECISION_LEX_MARIA
    assert check_final_degree_permission(T.LEX_SARAH, "missforhallande") is None


@pytest.mark.parametrize(
    ("step", "action"),
    [
        (Step.RECEIVE, Action.CASE_RECEIVE),
        (Step.START_INVESTIGATION, Action.CASE_INVESTIGATE),
        (Step.ACTIONS, Action.CASE_ACTIONS),
        (Step.CLOSE, Action.CASE_ACTIONS),
        (Step.VOID, Action.CASE_VOID),
        (Step.RECLASSIFY, Action.CASE_RECLASSIFY),
    ],
)
def test_each_step_is_guarded_by_its_action_of_the_permission_matrix(step: Step, action: Action) -> None:
    assert actions_for(step, T.AVVIKELSE) == (action,)


# --- actions phase, closing -------------------------------------------------------------------

A = ActionStatus


def test_a_decided_case_is_in_actions_while_an_action_is_open() -> None:
    assert phase_after_decision([A.PLANNED, A.DONE], None) is S.ACTIONS
    assert phase_after_decision([A.PROPOSED], None) is S.ACTIONS


def test_a_decided_case_goes_to_follow_up_once_no_action_is_open() -> None:
    assert phase_after_decision([A.DONE, A.REJECTED], None) is S.FOLLOW_UP


def test_a_motivated_no_action_takes_a_decided_case_to_follow_up() -> None:
    assert phase_after_decision([], "Inga åtgärder behövs, rutinen fungerar") is S.FOLLOW_UP
    assert phase_after_decision([], None) is S.DECIDED
    assert phase_after_decision([], "   ") is S.DECIDED


def _facts(**kw: object) -> ClosingFacts:
    base: dict[str, object] = {
        "type": T.LEX_SARAH,
        "status": S.FOLLOW_UP,
        "actions": (A.FOLLOWED_UP, A.REJECTED),
        "ivo_involved": False,
        "ivo_sent": False,
        "ivo_investigation_sent": False,
        "may_skip_phases": False,
    }
    return ClosingFacts(**{**base, **kw})  # type: ignore[arg-type]


def test_a_case_closes_from_follow_up_when_every_action_is_settled() -> None:
    check_close(_facts(), None)


def test_a_case_does_not_close_while_an_action_is_open_or_not_followed_up() -> None:
    for open_state in (A.PROPOSED, A.PLANNED, A.DONE):
        with pytest.raises(RuleViolation) as err:
            check_close(_facts(actions=(A.FOLLOWED_UP, open_state)), None)
        assert err.value.state and "åtgärd" in err.value.message


def test_a_case_with_ivo_duty_closes_only_after_the_anmalan_and_the_investigation_were_sent() -> None:
    with pytest.raises(RuleViolation) as err:
        check_close(_facts(ivo_involved=True), None)
    assert "anmälan" in err.value.message
    with pytest.raises(RuleViolation) as err:
        check_close(_facts(ivo_involved=True, ivo_sent=True), None)
    assert "Utredningen" in err.value.message
    check_close(_facts(ivo_involved=True, ivo_sent=True, ivo_investigation_sent=True), None)


@pytest.mark.parametrize("status", [S.RECEIVED, S.INVESTIGATING, S.DECIDED])
def test_lex_sarah_may_not_skip_phases(status: Status) -> None:
    with pytest.raises(RuleViolation) as err:
        check_close(_facts(status=status, actions=()), "Klart")
    assert "får inte hoppa över faser" in err.value.message


def test_an_ordinary_avvikelse_may_close_early_with_a_motivation_when_the_tenant_allows() -> None:
    facts = _facts(type=T.AVVIKELSE, status=S.RECEIVED, actions=(), may_skip_phases=True)
    check_close(facts, "Åtgärdat direkt på plats")
    with pytest.raises(RuleViolation) as err:
        check_close(facts, None)
    assert err.value.field == "motivation"


def test_only_an_ordinary_avvikelse_can_be_configured_to_skip_phases() -> None:
    assert may_skip_phases(T.AVVIKELSE, True)
    assert not may_skip_phases(T.AVVIKELSE, False)
    assert not may_skip_phases(T.LEX_SARAH, True)  # every Lex Sarah report is investigated (IVO)
    assert not may_skip_phases(T.HSL, True)  # PSL 3 kap 3 §: vårdskada events are investigated


# --- reclassification ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "dst"),
    [(T.AVVIKELSE, T.LEX_SARAH), (T.LEX_SARAH, T.AVVIKELSE), (T.AVVIKELSE, T.HSL), (T.HSL, T.AVVIKELSE)],
)
def test_reclassification_between_avvikelse_and_lex_sarah_or_hsl(
    src: DeviationType, dst: DeviationType
) -> None:
    check_reclassify(src, dst, S.RECEIVED, False, "Bedömd som missförhållande")


def test_lex_sarah_cannot_be_reclassified_straight_to_hsl() -> None:
    with pytest.raises(RuleViolation) as err:
        check_reclassify(T.LEX_SARAH, T.HSL, S.RECEIVED, False, "x")
    assert err.value.field == "type"


def test_reclassification_needs_a_motivation_and_stops_at_the_decision_or_an_ivo_anmalan() -> None:
    with pytest.raises(RuleViolation) as err:
        check_reclassify(T.LEX_SARAH, T.AVVIKELSE, S.RECEIVED, False, " ")
    assert err.value.field == "motivation"
    with pytest.raises(RuleViolation) as err:
        check_reclassify(T.AVVIKELSE, T.LEX_SARAH, S.DECIDED, False, "x")
    assert err.value.state
    with pytest.raises(RuleViolation) as err:
        check_reclassify(T.LEX_SARAH, T.AVVIKELSE, S.INVESTIGATING, True, "x")
    assert err.value.state
