from __future__ import annotations

import uuid
from datetime import date

import pytest

from deviation_svc.domain.actions import ActionStatus, ActionStep, check_plan, check_reason, move
from deviation_svc.domain.investigation import (
    EntryFacts,
    Method,
    Section,
    check_complete,
    check_entry,
    missing_sections,
)
from deviation_svc.domain.model import CauseArea, RuleViolation

A = ActionStatus


@pytest.mark.parametrize(
    ("step", "before", "after"),
    [
        (ActionStep.PLAN, A.PROPOSED, A.PLANNED),
        (ActionStep.COMPLETE, A.PLANNED, A.DONE),
        (ActionStep.FOLLOW_UP, A.DONE, A.FOLLOWED_UP),
        (ActionStep.REJECT, A.PROPOSED, A.REJECTED),
        (ActionStep.REJECT, A.PLANNED, A.REJECTED),
    ],
)
def test_an_action_moves_proposed_planned_done_followed_up_or_rejected(
    step: ActionStep, before: ActionStatus, after: ActionStatus
) -> None:
    assert move(step, before) is after


@pytest.mark.parametrize(
    ("step", "before"),
    [
        (ActionStep.COMPLETE, A.PROPOSED),  # planned first
        (ActionStep.FOLLOW_UP, A.PLANNED),  # done first
        (ActionStep.REJECT, A.DONE),
        (ActionStep.PLAN, A.REJECTED),
        (ActionStep.EDIT, A.FOLLOWED_UP),
    ],
)
def test_an_action_cannot_skip_or_leave_a_final_state(step: ActionStep, before: ActionStatus) -> None:
    with pytest.raises(RuleViolation) as err:
        move(step, before)
    assert err.value.state


def test_a_planned_action_has_a_responsible_and_a_due_date() -> None:
    check_plan(uuid.uuid4(), date(2026, 4, 1))
    with pytest.raises(RuleViolation) as err:
        check_plan(None, date(2026, 4, 1))
    assert err.value.field == "responsible_id"
    with pytest.raises(RuleViolation) as err:
        check_plan(uuid.uuid4(), None)
    assert err.value.field == "due_date"


def test_a_rejection_has_a_reason() -> None:
    with pytest.raises(RuleViolation) as err:
        check_reason("  ", "reason")
    assert err.value.field == "reason"


ALL_SECTIONS = [EntryFacts(s, CauseArea.RUTINER_RIKTLINJER if s is Section.CAUSES else None) for s in Section]


def test_a_full_investigation_needs_every_section_of_sosfs_2011_5() -> None:
    assert missing_sections(Method.STANDARD, []) == [
        Section.WHAT_HAPPENED,
        Section.CONSEQUENCES,
        Section.NOTICED,
        Section.CAUSES,
        Section.EARLIER_EVENTS,
        Section.RECURRENCE_RISK,
        Section.MEASURES,
    ]
    assert missing_sections(Method.LEX_SARAH, ALL_SECTIONS) == []


def test_a_simplified_investigation_needs_what_happened_and_its_consequences() -> None:
    entries = [EntryFacts(Section.WHAT_HAPPENED, None), EntryFacts(Section.CONSEQUENCES, None)]
    assert missing_sections(Method.FORENKLAD, entries) == []


def test_completing_lists_what_is_missing_and_needs_a_conclusion() -> None:
    with pytest.raises(RuleViolation) as err:
        check_complete(Method.STANDARD, ALL_SECTIONS[:2], "Slutsats")
    assert err.value.state and "upptäcktes" in err.value.message and "åtgärder" in err.value.message
    with pytest.raises(RuleViolation) as err:
        check_complete(Method.STANDARD, ALL_SECTIONS, " ")
    assert err.value.field == "conclusion"
    assert check_complete(Method.STANDARD, ALL_SECTIONS, "Slutsats") == [CauseArea.RUTINER_RIKTLINJER]


def test_a_cause_names_its_cause_area_and_only_a_cause_has_one() -> None:
    check_entry(Section.CAUSES, CauseArea.TEKNIK_UTRUSTNING)
    with pytest.raises(RuleViolation) as err:
        check_entry(Section.CAUSES, None)
    assert err.value.field == "cause_area"
    with pytest.raises(RuleViolation):
        check_entry(Section.WHAT_HAPPENED, CauseArea.TEKNIK_UTRUSTNING)
