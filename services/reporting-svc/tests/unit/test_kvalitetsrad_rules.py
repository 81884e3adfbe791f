from __future__ import annotations

import uuid
from datetime import date

import pytest

from reporting_svc.domain.kvalitetsrad import (
    AGENDA,
    ActionInput,
    CarriedAction,
    Direction,
    FollowUpOutcome,
    MeetingInput,
    MeetingStatus,
    Occasion,
    Protokoll,
    check_action,
    check_editable,
    check_follow_up,
    check_held,
    check_item_text,
    check_justera,
    check_meeting,
    meeting_period,
    protocols_to_announce,
    relation,
)
from reporting_svc.domain.model import RuleViolation
from reporting_svc.domain.report_templates import FIGURES, TEMPLATES, figure_keys
from reporting_svc.domain.reports import ReportType, default_title, goes_to_namnd, report_period

SECRETARY, CHEF, OWNER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
HELD_ON = date(2026, 4, 20)
ACTION = ActionInput("Gå igenom rutinen för läkemedel på APT", OWNER, date(2026, 5, 31))


def test_the_agenda_follows_seed_004s_template_in_order() -> None:
    assert [item.heading for item in AGENDA] == [
        "Uppföljning inför T1, T2, VP och VB",
        "Måluppfyllelse av nämndmål, åtaganden, indikatorer och aktiviteter",
        "Klagomål, synpunkter och beröm",
        "Internkontroll (risk- och väsentlighetsanalys och genomförda kontroller)",
        "Fel och brister enligt SoL/LSS",
        "Avvikelser enligt HSL",
        "Kvalitetsindikatorer för HSL",
        "Redovisning av domar, lex Sarah och lex Maria",
        "Budget",
        "Ej verkställda beslut (gäller beställaren)",
        "Jämförelsetal (brukarundersökningar, öppna jämförelser m.m.)",
        "Aktuellt till ledningssystemet för systematiskt kvalitetsarbete enligt SoL/LSS/HSL",
        "Aktuella utvecklingsfrågor",
        "Aktuella inspektioner",
        "Verksamhetsuppföljningar",
        "Genomgång av balanslistor",
        "Anmälan av protokoll från enheternas/avdelningens kvalitetsråd",
        "Övrigt",
    ]
    assert all(set(item.figures) <= set(FIGURES) for item in AGENDA)


@pytest.mark.parametrize(
    ("occasion", "held_on", "period"),
    [
        (Occasion.T1, date(2026, 5, 5), (date(2026, 1, 1), date(2026, 4, 30))),
        (Occasion.T2, date(2026, 9, 8), (date(2026, 5, 1), date(2026, 8, 31))),
        (Occasion.VB, date(2027, 1, 20), (date(2026, 1, 1), date(2026, 12, 31))),
        (Occasion.VB, date(2026, 12, 10), (date(2026, 1, 1), date(2026, 12, 31))),
        (Occasion.VP, date(2026, 10, 1), (date(2026, 1, 1), date(2026, 10, 1))),
        (Occasion.EXTRA, date(2026, 6, 15), (date(2026, 5, 1), date(2026, 6, 15))),
    ],
)
def test_the_meeting_goes_through_the_figures_of_the_period_it_prepares(
    occasion: Occasion, held_on: date, period: tuple[date, date]
) -> None:
    assert meeting_period(occasion, held_on) == period


def test_a_protokoll_is_written_down_by_one_person_and_justerat_by_another() -> None:
    check_meeting(MeetingInput(HELD_ON, Occasion.T1, (SECRETARY, CHEF), SECRETARY, CHEF))
    with pytest.raises(RuleViolation) as same:
        check_meeting(MeetingInput(HELD_ON, Occasion.T1, (CHEF,), CHEF, CHEF))
    assert same.value.field == "chef_id"
    with pytest.raises(RuleViolation):
        check_meeting(MeetingInput(HELD_ON, Occasion.T1, (CHEF, CHEF), SECRETARY, CHEF))
    with pytest.raises(RuleViolation) as self_signed:
        check_justera(MeetingStatus.HELD, SECRETARY, SECRETARY, [], [], HELD_ON)
    assert self_signed.value.state


def test_a_meeting_is_recorded_as_held_on_or_after_its_day_with_who_attended() -> None:
    assert check_held(MeetingStatus.PLANNED, HELD_ON, HELD_ON, [SECRETARY]) is MeetingStatus.HELD
    with pytest.raises(RuleViolation) as early:
        check_held(MeetingStatus.PLANNED, HELD_ON, date(2026, 4, 19), [SECRETARY])
    assert early.value.field == "meeting_on"
    with pytest.raises(RuleViolation):
        check_held(MeetingStatus.PLANNED, HELD_ON, HELD_ON, [])
    with pytest.raises(RuleViolation):
        check_held(MeetingStatus.HELD, HELD_ON, HELD_ON, [SECRETARY])


def test_an_action_has_an_owner_and_a_due_date_after_the_meeting() -> None:
    check_action(ACTION, HELD_ON)
    for action, field in (
        (ActionInput("Åtgärd", None, date(2026, 5, 1)), "owner_id"),
        (ActionInput("Åtgärd", OWNER, None), "due_date"),
        (ActionInput("Åtgärd", OWNER, date(2026, 4, 1)), "due_date"),
        (ActionInput(" ", OWNER, date(2026, 5, 1)), "description"),
    ):
        with pytest.raises(RuleViolation) as refused:
            check_action(action, HELD_ON)
        assert refused.value.field == field


def test_the_chef_justerar_a_held_meeting_after_which_it_is_locked() -> None:
    assert check_justera(MeetingStatus.HELD, CHEF, SECRETARY, [ACTION], [], HELD_ON) is MeetingStatus.JUSTERAT
    with pytest.raises(RuleViolation) as planned:
        check_justera(MeetingStatus.PLANNED, CHEF, SECRETARY, [], [], HELD_ON)
    assert planned.value.state
    with pytest.raises(RuleViolation) as no_secretary:
        check_justera(MeetingStatus.HELD, CHEF, None, [], [], HELD_ON)
    assert no_secretary.value.field == "secretary_id"


def test_a_justerad_protokoll_cannot_change() -> None:
    check_editable(MeetingStatus.PLANNED)
    check_editable(MeetingStatus.HELD)
    with pytest.raises(RuleViolation) as locked:
        check_editable(MeetingStatus.JUSTERAT)
    assert locked.value.state and locked.value.message == "Protokollet är justerat och kan inte ändras"
    with pytest.raises(RuleViolation):
        check_justera(MeetingStatus.JUSTERAT, CHEF, SECRETARY, [], [], HELD_ON)


def test_actions_from_the_last_meeting_are_followed_up_before_the_next_protokoll_is_justerat() -> None:
    open_action = CarriedAction(uuid.uuid4(), None)
    with pytest.raises(RuleViolation) as pending:
        check_justera(MeetingStatus.HELD, CHEF, SECRETARY, [], [open_action], HELD_ON)
    assert "balanslistan" in pending.value.message
    done = CarriedAction(open_action.action_id, FollowUpOutcome.CONTINUES)
    assert check_justera(MeetingStatus.HELD, CHEF, SECRETARY, [], [done], HELD_ON) is MeetingStatus.JUSTERAT
    with pytest.raises(RuleViolation) as dropped:
        check_follow_up(FollowUpOutcome.DROPPED, " ")
    assert dropped.value.field == "note"
    check_follow_up(FollowUpOutcome.DONE, None)


def test_notes_and_decisions_are_recorded_under_an_agenda_item() -> None:
    check_item_text("klagomal", "Tre klagomål om måltider", "Ny rutin för beställning")
    with pytest.raises(RuleViolation) as unknown:
        check_item_text("fika", None, None)
    assert unknown.value.field == "key"


def test_a_unit_protokoll_is_listed_at_the_avdelnings_next_meeting() -> None:
    avdelning, enhet, other, forvaltning = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    assert relation(avdelning, forvaltning, enhet, avdelning) is Direction.FROM_BELOW
    assert relation(enhet, avdelning, avdelning, forvaltning) is Direction.FROM_ABOVE
    assert relation(enhet, avdelning, other, avdelning) is None  # a sibling's protokoll is not shared

    march = Protokoll(uuid.uuid4(), enhet, date(2026, 3, 3))
    april = Protokoll(uuid.uuid4(), enhet, date(2026, 4, 20))
    first = protocols_to_announce([march, april], [], date(2026, 3, 10))
    assert first == [march]
    second = protocols_to_announce([march, april], [p.meeting_id for p in first], date(2026, 5, 5))
    assert second == [april]


def test_the_verksamhetsplan_is_a_report_type_adopted_like_the_others() -> None:
    headings = [s.heading for s in TEMPLATES[ReportType.VP]]
    assert headings == [
        "Utgångsläge",
        "Mål och aktiviteter",
        "Riskanalys och internkontrollplan",
        "Plan för kvalitetsråd och uppföljningar",
        "Genomgång av processer och rutiner",
        "Brukarundersökningar och brukardialog",
        "Granskningar",
    ]
    assert figure_keys(ReportType.VP) == []
    assert goes_to_namnd(ReportType.VP)
    assert report_period(ReportType.VP, 2027) == (date(2027, 1, 1), date(2027, 12, 31))
    assert default_title(ReportType.VP, 2027, None, "Äldreomsorgen") == "Verksamhetsplan 2027, Äldreomsorgen"
