"""Adoption is a recorded decision (issue 12): who adopts what, not before the period has ended, no
empty section, one adopted report per type, unit and period."""

from __future__ import annotations

from datetime import date

import pytest

from platform_shared.decisions import Decision, DecisionBody, DecisionInvalid
from platform_shared.errors import Forbidden
from platform_shared.ids import new_id
from platform_shared.roles import Role
from reporting_svc.domain.adoption import (
    NAMND,
    AdoptedVersion,
    Adopter,
    adopter_of,
    check_adoption,
    check_decider,
    check_in_force,
    check_period_ended,
    check_sections_written,
    decision_text,
    empty_sections,
    superseded_by_adoption,
)
from reporting_svc.domain.model import RuleViolation
from reporting_svc.domain.report_templates import sections_of
from reporting_svc.domain.reports import ReportType

NAMND_UNIT, UNIT, PERSON = new_id(), new_id(), new_id()


def _namnd_decision(on: date, recorder: Role = Role.KVALITETSLEDARE) -> Decision:
    return Decision.by_namnd(
        unit_id=NAMND_UNIT, meeting_date=on, paragraph="§ 85", recorded_by=PERSON, recorder_role=recorder
    )


def _role_decision(role: Role, on: date) -> Decision:
    return Decision.by_role(role=role, person_id=PERSON, unit_id=UNIT, decided_on=on)


def _written(report_type: ReportType) -> dict[str, str]:
    return {s.key: f"Text om {s.heading.lower()}." for s in sections_of(report_type)}


def test_the_namnd_adopts_the_forvaltnings_reports_and_roles_faststaller_the_rest() -> None:
    for report_type in (ReportType.T1, ReportType.T2, ReportType.VB, ReportType.KB):
        assert adopter_of(report_type, "forvaltning") is NAMND
    assert adopter_of(ReportType.KB, "avdelning") == Adopter(DecisionBody.ROLE, Role.AVDELNINGSCHEF)
    assert adopter_of(ReportType.KB, "enhet") == Adopter(DecisionBody.ROLE, Role.ENHETSCHEF)
    assert adopter_of(ReportType.KB, "verksamhetsomrade") == Adopter(DecisionBody.ROLE, Role.VERKSAMHETSCHEF)
    assert adopter_of(ReportType.PSB, "forvaltning") == Adopter(DecisionBody.ROLE, Role.MAS)


def test_namnd_member_cannot_adopt_alone() -> None:
    with pytest.raises(DecisionInvalid):
        _role_decision(Role.NAMND_LEDAMOT, date(2027, 5, 20))  # she decides with the nämnd, never alone
    with pytest.raises(DecisionInvalid):
        _namnd_decision(date(2027, 5, 20), recorder=Role.NAMND_LEDAMOT)  # nor records its decision
    with pytest.raises(Forbidden):  # the socialchef deciding alone is not the nämnd's decision either
        check_decider(NAMND, _role_decision(Role.SOCIALCHEF, date(2027, 5, 20)))
    check_decider(NAMND, _namnd_decision(date(2027, 5, 20), recorder=Role.SOCIALCHEF))


def test_a_role_report_is_faststalld_by_that_role_and_not_by_the_namnd() -> None:
    enhetschef = Adopter(DecisionBody.ROLE, Role.ENHETSCHEF)
    check_decider(enhetschef, _role_decision(Role.ENHETSCHEF, date(2027, 2, 1)))
    with pytest.raises(Forbidden, match="enhetschef"):
        check_decider(enhetschef, _role_decision(Role.VERKSAMHETSCHEF, date(2027, 2, 1)))
    with pytest.raises(Forbidden):
        check_decider(enhetschef, _namnd_decision(date(2027, 2, 1)))
    with pytest.raises(Forbidden, match="medicinskt ansvarig"):
        check_decider(
            adopter_of(ReportType.PSB, "forvaltning"), _role_decision(Role.SOCIALCHEF, date(2027, 2, 1))
        )


def test_adoption_before_period_end_refused() -> None:
    with pytest.raises(RuleViolation) as refused:
        check_period_ended(ReportType.T1, date(2027, 4, 30), date(2026, 12, 4))
    assert refused.value.state is True
    assert "tidigast 1 maj 2027" in refused.value.message
    with pytest.raises(RuleViolation):
        check_period_ended(ReportType.KB, date(2026, 12, 31), date(2026, 12, 31))  # the last day itself
    check_period_ended(ReportType.KB, date(2026, 12, 31), date(2027, 1, 1))
    check_period_ended(ReportType.VP, date(2027, 12, 31), date(2026, 11, 20))  # a plan looks forward


def test_empty_section_refused() -> None:
    texts = {"sammanfattning": "Året i korthet.", "avvikelser": "  ", "klagomal": "Text saknas ännu."}
    missing = empty_sections(ReportType.KB, texts)
    assert "Sammanfattning" not in missing and len(missing) == len(sections_of(ReportType.KB)) - 1
    with pytest.raises(RuleViolation) as refused:
        check_sections_written(ReportType.KB, texts)
    assert refused.value.state is True
    assert refused.value.message.startswith("Rapporten kan inte fastställas med tomma avsnitt: ")
    assert "Avvikelser och rapporter enligt lex Sarah" in refused.value.message
    check_sections_written(ReportType.KB, _written(ReportType.KB))


def test_second_adoption_supersedes() -> None:
    first, replaced_before, new = new_id(), new_id(), new_id()
    same_period = [AdoptedVersion(replaced_before, superseded=True), AdoptedVersion(first, superseded=False)]
    assert superseded_by_adoption(new, same_period) == [first]
    assert superseded_by_adoption(new, []) == []
    check_in_force(superseded=False)
    with pytest.raises(RuleViolation, match="ersatt av en senare fastställd version"):
        check_in_force(superseded=True)  # kept for the record, not sent to the nämnd


def test_an_adoption_is_checked_who_then_when_then_what() -> None:
    today = date(2027, 5, 21)
    decision = _namnd_decision(date(2027, 5, 20))
    check_adoption(ReportType.T1, "forvaltning", date(2027, 4, 30), _written(ReportType.T1), decision, today)
    with pytest.raises(DecisionInvalid):  # recorded once made, never for a later day
        check_adoption(
            ReportType.T1,
            "forvaltning",
            date(2027, 4, 30),
            _written(ReportType.T1),
            decision,
            date(2027, 5, 19),
        )
    with pytest.raises(Forbidden):
        check_adoption(ReportType.T1, "enhet", date(2027, 4, 30), {}, decision, today)


def test_the_decision_reads_in_swedish() -> None:
    assert decision_text(_namnd_decision(date(2027, 5, 20))) == "Nämndens beslut 20 maj 2027 § 85"
    assert (
        decision_text(_role_decision(Role.MAS, date(2027, 2, 10)))
        == "Fastställd av medicinskt ansvarig sjuksköterska 10 februari 2027"
    )
