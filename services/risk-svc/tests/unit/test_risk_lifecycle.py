from __future__ import annotations

import uuid

import pytest

from risk_svc.domain.model import RuleViolation
from risk_svc.domain.risks import (
    RiskActionStatus,
    RiskStatus,
    close,
    complete_action,
    escalate,
    follow_up,
    status_after_assessment,
)

PARENT = uuid.uuid4()


def wrong_state(refused: RuleViolation) -> bool:
    """Refused as a step the object's state does not allow (409), not as bad input (422)."""
    return refused.state


def test_assessing_an_identified_risk_makes_it_assessed_and_reassessing_keeps_the_state() -> None:
    assert status_after_assessment(RiskStatus.IDENTIFIED) is RiskStatus.ASSESSED
    assert status_after_assessment(RiskStatus.PRIORITISED) is RiskStatus.PRIORITISED
    with pytest.raises(RuleViolation, check=wrong_state):
        status_after_assessment(RiskStatus.CLOSED)


def test_escalation_goes_to_the_parent_with_a_reason() -> None:
    assert escalate(RiskStatus.ASSESSED, PARENT, "Kräver beslut om bemanning") is RiskStatus.ASSESSED
    with pytest.raises(RuleViolation) as err:
        escalate(RiskStatus.ASSESSED, PARENT, " ")
    assert err.value.field == "reason"


def test_escalation_is_impossible_from_the_top_level() -> None:
    with pytest.raises(RuleViolation, check=wrong_state):
        escalate(RiskStatus.ASSESSED, None, "Ingen nivå ovanför")


def test_an_escalated_unit_handled_risk_is_no_longer_handled_in_the_unit() -> None:
    assert escalate(RiskStatus.HANDLED_IN_UNIT, PARENT, "Räcker inte") is RiskStatus.ASSESSED


@pytest.mark.parametrize("state", [RiskStatus.PRIORITISED, RiskStatus.FOLLOWED_UP, RiskStatus.CLOSED])
def test_prioritised_followed_up_or_closed_risks_are_not_escalated(state: RiskStatus) -> None:
    with pytest.raises(RuleViolation, check=wrong_state):
        escalate(state, PARENT, "x")


def test_follow_up_needs_a_prioritised_or_unit_handled_risk_and_a_note() -> None:
    assert follow_up(RiskStatus.PRIORITISED, "Kontroller utan anmärkning") is RiskStatus.FOLLOWED_UP
    assert follow_up(RiskStatus.FOLLOWED_UP, "Igen vid T2") is RiskStatus.FOLLOWED_UP
    with pytest.raises(RuleViolation, check=wrong_state):
        follow_up(RiskStatus.ASSESSED, "x")
    with pytest.raises(RuleViolation):
        follow_up(RiskStatus.HANDLED_IN_UNIT, "")


def test_a_risk_closes_after_follow_up_with_every_action_done() -> None:
    assert close(RiskStatus.FOLLOWED_UP, 0) is RiskStatus.CLOSED
    with pytest.raises(RuleViolation, check=wrong_state, match="1 åtgärd"):
        close(RiskStatus.FOLLOWED_UP, 1)
    with pytest.raises(RuleViolation, check=wrong_state):
        close(RiskStatus.PRIORITISED, 0)


def test_an_action_is_done_once() -> None:
    assert complete_action(RiskActionStatus.PLANERAD) is RiskActionStatus.GENOMFORD
    with pytest.raises(RuleViolation, check=wrong_state):
        complete_action(RiskActionStatus.GENOMFORD)
