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
    ProposalInput,
    ProposalStatus,
    anonymous_complaint,
    assess,
    check_complaint_kind,
    check_complaint_not_moved,
    check_proposal,
    proposer_of_complaint,
    proposer_shown,
    status_of_moved_complaint,
    title_of_moved_complaint,
)
from deviation_svc.domain.proposals import (
    ProposalOutcome as Outcome,
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
                Decision.ACCEPT,
                outcome=Outcome.ACTION,
                action=ActionInput("Gör", None, date(2026, 6, 1)),
            ),
            "action.responsible_id",
        ),
        (
            Assessment(
                Decision.ACCEPT,
                outcome=Outcome.ACTION,
                action=ActionInput("Gör", CHEF, date(2026, 3, 1)),
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


def test_an_assessment_carries_only_what_belongs_to_its_decision() -> None:
    action = ActionInput("Inför digital signering", CHEF, date(2026, 6, 30))
    for assessment, field in (
        (Assessment(Decision.REJECT, "Nej", outcome=Outcome.ACTION), "outcome"),
        (Assessment(Decision.FORWARD, action=action), "action"),
        (Assessment(Decision.REJECT, "Nej", document_id=CHEF), "document_id"),
        (
            Assessment(Decision.ACCEPT, outcome=Outcome.ACTION, action=action, revision="x"),
            "revision",
        ),
        (
            Assessment(Decision.ACCEPT, outcome=Outcome.RUTIN_REVISION, revision="x", action=action),
            "action",
        ),
    ):
        with pytest.raises(RuleViolation) as refused:
            assess(S.SUBMITTED, assessment, TODAY, True)
        assert refused.value.field == field
    # without an outcome, the outcome is what is asked for
    with pytest.raises(RuleViolation) as refused:
        assess(S.SUBMITTED, Assessment(Decision.ACCEPT, action=action), TODAY, True)
    assert refused.value.field == "outcome"


def test_a_complaint_moved_to_a_proposal_takes_no_more_complaint_steps() -> None:
    check_complaint_not_moved(None)
    with pytest.raises(RuleViolation) as refused:
        check_complaint_not_moved(uuid.uuid4())
    assert refused.value.state


def test_a_complaint_does_not_become_a_proposal_by_a_change_of_kind() -> None:
    check_complaint_kind(None)
    check_complaint_kind("synpunkt")
    with pytest.raises(RuleViolation) as refused:
        check_complaint_kind("forbattringsforslag")
    assert refused.value.field == "kind"


def test_staff_who_propose_through_the_complaint_form_follow_their_proposal() -> None:
    assert proposer_of_complaint("personal", PROPOSER) == PROPOSER
    assert proposer_of_complaint("narstaende", PROPOSER) is None
    assert proposer_of_complaint("anonym", PROPOSER) is None
    assert anonymous_complaint("anonym") and not anonymous_complaint("personal")
