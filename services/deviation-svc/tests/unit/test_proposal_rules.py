from __future__ import annotations

import uuid
from datetime import date

import pytest

from deviation_svc.domain.complaints import ComplaintStatus
from deviation_svc.domain.model import RuleViolation
from deviation_svc.domain.proposals import (
    DEADLINE_RULES,
    ActionInput,
    Assessment,
    Decision,
    Outcome,
    ProposalInput,
    ProposalStatus,
    assess,
    check_proposal,
    proposer_shown,
    status_of_moved_complaint,
    title_of_moved_complaint,
)

TODAY = date(2026, 3, 10)
CHEF, PROPOSER = uuid.uuid4(), uuid.uuid4()
S = ProposalStatus


def test_a_proposal_has_a_title_and_a_text() -> None:
    check_proposal(ProposalInput("Digital signering", "Signera läkemedel i appen i stället för på papper."))
    for proposal, field in ((ProposalInput(" ", "Text"), "title"), (ProposalInput("Rubrik", ""), "text")):
        with pytest.raises(RuleViolation) as refused:
            check_proposal(proposal)
        assert refused.value.field == field


def test_a_rejected_proposal_needs_a_motivation() -> None:
    with pytest.raises(RuleViolation) as refused:
        assess(S.SUBMITTED, Assessment(Decision.REJECT, motivation="  "), TODAY, True)
    assert refused.value.field == "motivation"
    assert (
        assess(S.SUBMITTED, Assessment(Decision.REJECT, "Ryms inte i budgeten i år"), TODAY, True)
        is S.REJECTED
    )


def test_an_accepted_proposal_leads_to_an_action_with_owner_and_due_date_or_a_rutin_revision() -> None:
    action = ActionInput("Inför digital signering", CHEF, date(2026, 6, 30))
    assert assess(
        S.SUBMITTED, Assessment(Decision.ACCEPT, outcome=Outcome.ACTION, action=action), TODAY, True
    ) is (S.ACCEPTED)
    revision = Assessment(
        Decision.ACCEPT, outcome=Outcome.RUTIN_REVISION, revision="Lägg till signering i appen"
    )
    assert assess(S.FORWARDED, revision, TODAY, False) is S.ACCEPTED
    for assessment, field in (
        (Assessment(Decision.ACCEPT), "outcome"),
        (Assessment(Decision.ACCEPT, outcome=Outcome.ACTION), "action.description"),
        (
            Assessment(
                Decision.ACCEPT, outcome=Outcome.ACTION, action=ActionInput("Gör", None, date(2026, 6, 1))
            ),
            "action.responsible_id",
        ),
        (
            Assessment(
                Decision.ACCEPT, outcome=Outcome.ACTION, action=ActionInput("Gör", CHEF, date(2026, 3, 1))
            ),
            "action.due_date",
        ),
        (Assessment(Decision.ACCEPT, outcome=Outcome.RUTIN_REVISION), "revision"),
    ):
        with pytest.raises(RuleViolation) as refused:
            assess(S.SUBMITTED, assessment, TODAY, True)
        assert refused.value.field == field


def test_a_proposal_is_forwarded_to_the_level_above_which_assesses_it_in_turn() -> None:
    assert assess(S.SUBMITTED, Assessment(Decision.FORWARD), TODAY, True) is S.FORWARDED
    with pytest.raises(RuleViolation) as top:
        assess(S.SUBMITTED, Assessment(Decision.FORWARD), TODAY, False)
    assert top.value.state
    assert (
        assess(S.FORWARDED, Assessment(Decision.REJECT, "Redan på gång centralt"), TODAY, True) is S.REJECTED
    )


def test_a_proposal_is_assessed_once() -> None:
    for status in (S.ACCEPTED, S.REJECTED, S.CLOSED):
        with pytest.raises(RuleViolation) as done:
            assess(status, Assessment(Decision.REJECT, "Nej"), TODAY, True)
        assert done.value.state


def test_an_anonymous_proposal_hides_its_proposer_from_the_unit_but_not_from_herself() -> None:
    assert proposer_shown(True, PROPOSER, CHEF) is None
    assert proposer_shown(True, PROPOSER, PROPOSER) == PROPOSER
    assert proposer_shown(False, PROPOSER, CHEF) == PROPOSER


def test_a_proposal_has_no_complaint_clock() -> None:
    assert DEADLINE_RULES == ()


def test_an_open_complaint_of_kind_forbattringsforslag_becomes_a_proposal_to_assess() -> None:
    assert {status_of_moved_complaint(s.value) for s in ComplaintStatus} == {S.SUBMITTED, S.CLOSED}
    assert status_of_moved_complaint("kvitterad") is S.SUBMITTED
    assert status_of_moved_complaint("besvarad") is S.CLOSED
    assert title_of_moved_complaint("  Bättre   schema\nså att...") == "Bättre schema"
    assert title_of_moved_complaint("") == "Förbättringsförslag"
    assert len(title_of_moved_complaint("x" * 200)) == 80
