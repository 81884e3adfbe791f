"""The chain is closed (issue 12), rule by rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deviation_svc.domain.chain import (
    Dated,
    check_effect_evaluator,
    check_in_order,
    check_not_own_chef,
    check_void,
    is_downgrade,
)
from deviation_svc.domain.complaints import ComplaintKind, deadline_rules
from deviation_svc.domain.ivo import IvoState, check_investigation_sent, check_namnd_informed, check_sent
from deviation_svc.domain.lifecycle import Step, actions_for
from deviation_svc.domain.model import DeviationType, RuleViolation
from platform_shared.errors import Forbidden
from platform_shared.permissions import Action

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_void_after_ivo_decision_is_refused_for_lex_sarah_and_hsl() -> None:
    for kind in (DeviationType.LEX_SARAH, DeviationType.HSL):
        with pytest.raises(RuleViolation) as refused:
            check_void(kind, has_ivo_decision=True, decided=False, received=True)
        assert refused.value.state and "IVO" in refused.value.message


def test_void_past_receipt_with_any_decision_is_refused() -> None:
    with pytest.raises(RuleViolation):
        check_void(DeviationType.HSL, has_ivo_decision=False, decided=True, received=True)


def test_void_without_a_decision_is_allowed_and_an_ordinary_avvikelse_is_not_bound() -> None:
    check_void(DeviationType.LEX_SARAH, has_ivo_decision=False, decided=False, received=True)
    check_void(DeviationType.AVVIKELSE, has_ivo_decision=True, decided=True, received=True)


def test_own_chef_cannot_void_or_downgrade_a_lex_sarah_report() -> None:
    with pytest.raises(Forbidden):
        check_not_own_chef(DeviationType.LEX_SARAH, own_chef=True, what="klassa om")
    check_not_own_chef(DeviationType.LEX_SARAH, own_chef=False, what="klassa om")
    check_not_own_chef(DeviationType.AVVIKELSE, own_chef=True, what="makulera")


def test_only_lex_sarah_to_avvikelse_is_a_downgrade() -> None:
    assert is_downgrade(DeviationType.LEX_SARAH, DeviationType.AVVIKELSE)
    assert not is_downgrade(DeviationType.AVVIKELSE, DeviationType.LEX_SARAH)
    assert not is_downgrade(DeviationType.HSL, DeviationType.AVVIKELSE)


def test_dates_in_order_name_both_dates_in_swedish() -> None:
    chain = [Dated("occurred_at", NOW - DAY), Dated("discovered_at", NOW - 2 * DAY)]
    with pytest.raises(RuleViolation) as refused:
        check_in_order(chain, NOW, field="discovered_at")
    assert refused.value.field == "discovered_at" and not refused.value.state
    message = refused.value.message
    assert message.startswith("Upptäcktstiden") and "händelsetiden" in message
    assert "2026-03-08 10:00" in message and "2026-03-09 10:00" in message


def test_no_date_in_the_future() -> None:
    with pytest.raises(RuleViolation) as refused:
        check_in_order([Dated("sent_at", NOW + DAY)], NOW, field="sent_at")
    assert "framtiden" in refused.value.message


def test_missing_dates_are_skipped_and_equal_dates_are_in_order() -> None:
    check_in_order([Dated("occurred_at", NOW), Dated("discovered_at", None), Dated("reported_at", NOW)], NOW)


def _state(**kw: object) -> IvoState:
    base: dict[str, object] = {
        "decided": True,
        "decided_at": NOW - 2 * DAY,
        "sent_at": None,
        "investigation_sent_at": None,
        "namnd_informed_at": None,
        "investigation_completed": True,
        "investigation_completed_at": NOW - 3 * DAY,
    }
    return IvoState(**{**base, **kw})  # type: ignore[arg-type]


def test_sent_at_before_decision_is_refused() -> None:
    with pytest.raises(RuleViolation) as refused:
        check_sent(_state(), NOW - 3 * DAY, investigation_attached=False, now=NOW)
    assert refused.value.field == "sent_at" and "beslutet om anmälan till IVO" in refused.value.message
    check_sent(_state(), NOW - 2 * DAY, investigation_attached=False, now=NOW)


def test_investigation_sent_not_before_the_anmalan() -> None:
    state = _state(sent_at=NOW - DAY)
    with pytest.raises(RuleViolation):
        check_investigation_sent(state, NOW - 2 * DAY, NOW)
    check_investigation_sent(state, NOW - DAY, NOW)


def test_namnd_informed_not_before_the_decision() -> None:
    with pytest.raises(RuleViolation):
        check_namnd_informed(_state(), NOW - 3 * DAY, NOW)
    check_namnd_informed(_state(), NOW - DAY, NOW)


def test_owner_cannot_evaluate_own_action() -> None:
    with pytest.raises(Forbidden):
        check_effect_evaluator(is_owner=True, is_investigator=True, is_responsible_chef=True)


def test_action_effect_is_evaluated_by_the_investigator_or_the_responsible_chef() -> None:
    check_effect_evaluator(is_owner=False, is_investigator=True, is_responsible_chef=False)
    check_effect_evaluator(is_owner=False, is_investigator=False, is_responsible_chef=True)
    with pytest.raises(Forbidden):
        check_effect_evaluator(is_owner=False, is_investigator=False, is_responsible_chef=False)


def test_berom_has_no_acknowledgement_or_answer_deadline() -> None:
    assert deadline_rules(anonymous=False, kind=ComplaintKind.BEROM) == ()
    assert deadline_rules(anonymous=False, kind=ComplaintKind.SYNPUNKT) == (
        "complaint_acknowledge",
        "complaint_response",
    )


def test_the_socialchef_records_the_namnd_informed_under_both_laws() -> None:
    assert actions_for(Step.NAMND_INFORMED, DeviationType.LEX_SARAH) == (Action.IVO_DECISION_LEX_SARAH,)
    assert actions_for(Step.NAMND_INFORMED, DeviationType.HSL) == (
        Action.IVO_DECISION_LEX_MARIA,
        Action.IVO_DECISION_LEX_SARAH,
    )
