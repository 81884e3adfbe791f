from __future__ import annotations

import uuid
from datetime import date

import pytest

from platform_shared.decisions import Decision, DecisionBody, DecisionInvalid, parse_paragraph
from platform_shared.roles import Role

NAMND = uuid.uuid4()
UNIT = uuid.uuid4()
PERSON = uuid.uuid4()


def namnd_decision(**overrides: object) -> Decision:
    values: dict[str, object] = {
        "unit_id": NAMND,
        "meeting_date": date(2026, 3, 12),
        "paragraph": "§ 85",
        "recorded_by": PERSON,
        "recorder_role": Role.KVALITETSLEDARE,
    }
    values.update(overrides)
    return Decision.by_namnd(**values)  # type: ignore[arg-type]


def test_a_namnd_decision_is_dated_by_its_meeting_and_numbered_by_its_paragraph() -> None:
    decision = namnd_decision()
    assert decision.body is DecisionBody.NAMND
    assert decision.decided_on == date(2026, 3, 12)
    assert decision.paragraph == 85
    assert decision.decided_by == "namnd"
    assert decision.describe() == "Nämndens beslut 12 mars 2026 § 85"


@pytest.mark.parametrize("text", ["§ 85", "§85", "85", " 85 "])
def test_a_paragraph_is_read_with_or_without_its_sign(text: str) -> None:
    assert parse_paragraph(text) == 85


@pytest.mark.parametrize("text", ["", "§", "85a", "0", "§ -1"])
def test_a_paragraph_must_be_a_positive_number(text: str) -> None:
    with pytest.raises(DecisionInvalid) as refused:
        parse_paragraph(text)
    assert refused.value.field == "paragraph"


def test_a_namnd_decision_needs_its_meeting_and_paragraph() -> None:
    with pytest.raises(DecisionInvalid) as no_meeting:
        Decision(DecisionBody.NAMND, NAMND, date(2026, 3, 12), PERSON, Role.SOCIALCHEF, paragraph=85)
    assert no_meeting.value.field == "meeting_date"
    with pytest.raises(DecisionInvalid) as no_paragraph:
        Decision(DecisionBody.NAMND, NAMND, date(2026, 3, 12), PERSON, Role.SOCIALCHEF, date(2026, 3, 12))
    assert no_paragraph.value.field == "paragraph"


def test_the_namnd_decides_on_the_day_it_meets() -> None:
    with pytest.raises(DecisionInvalid) as refused:
        Decision(DecisionBody.NAMND, NAMND, date(2026, 3, 13), PERSON, Role.SOCIALCHEF, date(2026, 3, 12), 85)
    assert refused.value.field == "decided_on"


def test_a_namnd_decision_is_recorded_by_an_official_who_serves_the_namnd() -> None:
    for role in (Role.SOCIALCHEF, Role.FORVALTNINGSCHEF, Role.KVALITETSLEDARE):
        assert namnd_decision(recorder_role=role).role is role
    for role in (Role.NAMND_LEDAMOT, Role.ENHETSCHEF, Role.MEDARBETARE):
        with pytest.raises(DecisionInvalid):
            namnd_decision(recorder_role=role)


def test_a_namnd_member_never_decides_alone() -> None:
    with pytest.raises(DecisionInvalid) as refused:
        Decision.by_role(
            role=Role.NAMND_LEDAMOT, person_id=PERSON, unit_id=NAMND, decided_on=date(2026, 3, 12)
        )
    assert refused.value.field == "role"


def test_a_role_decision_names_the_role_and_has_no_meeting_or_paragraph() -> None:
    decision = Decision.by_role(
        role=Role.ENHETSCHEF, person_id=PERSON, unit_id=UNIT, decided_on=date(2026, 5, 4)
    )
    assert decision.decided_by == "enhetschef"
    assert decision.describe() == "Beslut av enhetschef 4 maj 2026"
    with pytest.raises(DecisionInvalid):
        Decision(DecisionBody.ROLE, UNIT, date(2026, 5, 4), PERSON, Role.ENHETSCHEF, paragraph=3)


@pytest.mark.parametrize("role", [Role.MEDARBETARE, Role.CONTROLLER, Role.SYSTEMADMINISTRATOR])
def test_roles_without_decision_power_cannot_decide(role: Role) -> None:
    with pytest.raises(DecisionInvalid):
        Decision.by_role(role=role, person_id=PERSON, unit_id=UNIT, decided_on=date(2026, 5, 4))


def test_a_decision_cannot_be_recorded_for_a_later_day() -> None:
    decision = namnd_decision()
    decision.check_not_after(date(2026, 3, 12))
    with pytest.raises(DecisionInvalid) as refused:
        decision.check_not_after(date(2026, 3, 11))
    assert refused.value.field == "decided_on"


def test_a_decision_survives_storage_unchanged() -> None:
    for decision in (
        namnd_decision(reference="SN/2024:478"),
        Decision.by_role(role=Role.MAS, person_id=PERSON, unit_id=UNIT, decided_on=date(2026, 2, 27)),
    ):
        assert Decision.from_dict(decision.as_dict()) == decision


def test_an_unknown_role_is_refused_as_input() -> None:
    with pytest.raises(DecisionInvalid) as refused:
        Decision.from_dict({**namnd_decision().as_dict(), "role": "kung"})
    assert refused.value.field == "role"


def test_a_decision_travels_in_an_event_with_the_same_facts() -> None:
    from platform_shared.contracts.common import DecisionFacts

    decision = namnd_decision(reference="SN/2024:478")
    facts = DecisionFacts.of(decision)
    assert (facts.body, facts.meeting_date, facts.paragraph) == ("namnd", date(2026, 3, 12), 85)
    assert Decision.from_dict(facts.model_dump(mode="json")) == decision
