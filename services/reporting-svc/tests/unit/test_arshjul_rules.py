from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

from platform_shared.contracts.documents import DocumentReviewed, InformationGiven
from platform_shared.contracts.risk import ControlPlanAdopted, RiskAnalysisCompleted, SelfAssessmentCompleted
from platform_shared.decisions import Decision
from platform_shared.roles import Role
from reporting_svc.adapters.calendar import CalendarEntry, arshjul_calendar, uid
from reporting_svc.domain.arshjul.activities import (
    Activity,
    ActivityKind,
    ActivityStatus,
    ArshjulLevel,
    activity_status,
    calendar_view,
    cascade_cancel,
    check_activity,
    check_adoption,
    check_cancel,
    check_reschedule,
)
from reporting_svc.domain.arshjul.feeds import for_person, for_unit, hash_feed_secret, new_feed_secret
from reporting_svc.domain.arshjul.fulfilment import (
    Evidence,
    EvidenceKind,
    assign,
    evidence_from_event,
    evidence_from_report,
    fulfils,
)
from reporting_svc.domain.arshjul.template import DEFAULT_TEMPLATE, UnitNode, generate_year
from reporting_svc.domain.model import RuleViolation

NAMND, FORVALTNING, OMSORG, ENHET_A, ENHET_B = (uuid.uuid4() for _ in range(5))
PERSON = uuid.uuid4()
UNITS = [
    UnitNode(NAMND, "namnd", None),
    UnitNode(FORVALTNING, "forvaltning", NAMND),
    UnitNode(OMSORG, "verksamhetsomrade", FORVALTNING),
    UnitNode(ENHET_A, "enhet", OMSORG),
    UnitNode(ENHET_B, "enhet", OMSORG),
]


def activity(kind: ActivityKind, due: date, unit: uuid.UUID = ENHET_A, **extra: object) -> Activity:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "kind": kind,
        "title": kind.value,
        "due_on": due,
        "unit_id": unit,
        "responsible_role": "enhetschef",
        "period_year": due.year,
    }
    values.update(extra)
    return Activity(**values)  # type: ignore[arg-type]


def by(role: Role, on: date = date(2026, 1, 15)) -> Decision:
    return Decision.by_role(role=role, person_id=PERSON, unit_id=FORVALTNING, decided_on=on)


# --- the default template ----------------------------------------------------------------------


def plans_by_unit(year: int = 2026) -> dict[uuid.UUID, dict[str, object]]:
    return {p.unit_id: {"plan": p, **{a.key: a for a in p.activities}} for p in generate_year(year, UNITS)}


def test_the_template_gives_every_level_but_the_namnd_an_arshjul_parents_first() -> None:
    plans = generate_year(2026, UNITS)
    assert [p.unit_id for p in plans][:2] == [FORVALTNING, OMSORG]
    assert {p.unit_id for p in plans} == {FORVALTNING, OMSORG, ENHET_A, ENHET_B}
    assert {p.unit_id: p.level for p in plans}[ENHET_A] is ArshjulLevel.ENHET


def test_the_forvaltnings_arshjul_follows_the_seeds_pattern() -> None:
    f = plans_by_unit()[FORVALTNING]
    due = {
        key: f[key].due_on
        for key in ("t1", "t2", "vb", "vp", "kb", "psb", "riskanalys", "internkontrollplan")
    }  # type: ignore[attr-defined]
    assert due == {
        "t1": date(2026, 5, 31),
        "t2": date(2026, 9, 30),
        "vb": date(2026, 2, 28),
        "vp": date(2026, 11, 30),
        "kb": date(2026, 3, 1),
        "psb": date(2026, 3, 1),
        "riskanalys": date(2026, 10, 31),
        "internkontrollplan": date(2026, 11, 30),
    }
    assert f["psb"].responsible_role is Role.MAS  # type: ignore[attr-defined]
    assert f["t1"].reports_to_unit_id == NAMND  # type: ignore[attr-defined]
    assert f["riskanalys"].reports_to_unit_id is None  # type: ignore[attr-defined]


def test_kvalitetsrad_is_held_four_times_a_year_before_t1_t2_vb_and_vp() -> None:
    f = plans_by_unit()[FORVALTNING]
    for council, report in (
        ("kvalitetsrad_vb", "vb"),
        ("kvalitetsrad_t1", "t1"),
        ("kvalitetsrad_t2", "t2"),
        ("kvalitetsrad_vp", "vp"),
    ):
        assert f[council].kind is ActivityKind.KVALITETSRAD  # type: ignore[attr-defined]
        assert f[council].due_on < f[report].due_on  # type: ignore[attr-defined]
    assert sum(1 for t in DEFAULT_TEMPLATE if t.kind is ActivityKind.KVALITETSRAD) == 4


def test_berattelser_concern_the_year_before_and_plans_the_year_after() -> None:
    f = plans_by_unit()[FORVALTNING]
    assert f["vb"].period_year == f["kb"].period_year == f["psb"].period_year == 2025  # type: ignore[attr-defined]
    assert f["vp"].period_year == f["internkontrollplan"].period_year == f["riskanalys"].period_year == 2027  # type: ignore[attr-defined]
    assert f["t1"].period_year == 2026  # type: ignore[attr-defined]


def test_the_kvalitetsberattelse_and_patientsakerhetsberattelse_are_due_by_1_march() -> None:
    for year in (2026, 2028):
        f = plans_by_unit(year)[FORVALTNING]
        assert f["kb"].due_on == f["psb"].due_on == date(year, 3, 1)  # type: ignore[attr-defined]


def test_lower_levels_inherit_a_week_earlier_per_level_and_report_to_the_level_above() -> None:
    plans = plans_by_unit()
    omsorg, enhet = plans[OMSORG], plans[ENHET_A]
    assert omsorg["t1"].due_on == date(2026, 5, 24)  # type: ignore[attr-defined]
    assert enhet["t1"].due_on == date(2026, 5, 17)  # type: ignore[attr-defined]
    assert enhet["kvalitetsrad_t1"].due_on == date(2026, 5, 6)  # type: ignore[attr-defined]
    assert enhet["t1"].reports_to_unit_id == OMSORG  # type: ignore[attr-defined]
    assert enhet["t1"].feeds_key == "t1"  # type: ignore[attr-defined]
    assert enhet["t1"].responsible_role is Role.ENHETSCHEF  # type: ignore[attr-defined]


def test_kvalitetsrad_before_a_tertial_report_is_held_after_the_tertial_has_ended() -> None:
    enhet = plans_by_unit()[ENHET_A]
    assert enhet["kvalitetsrad_t1"].due_on > date(2026, 4, 30)  # type: ignore[attr-defined]
    assert enhet["kvalitetsrad_t2"].due_on > date(2026, 8, 31)  # type: ignore[attr-defined]


def test_the_forvaltnings_own_reports_are_not_copied_down_where_lower_levels_have_no_part() -> None:
    plans = plans_by_unit()
    assert "psb" not in plans[ENHET_A] and "internkontrollplan" not in plans[OMSORG]
    assert "information_lex_sarah" in plans[ENHET_A] and "information_lex_sarah" not in plans[FORVALTNING]
    assert plans[ENHET_A]["information_lex_sarah"].feeds_key is None  # type: ignore[attr-defined]


# --- activities --------------------------------------------------------------------------------


def test_an_activity_is_planned_then_due_soon_then_late_unless_done() -> None:
    due = date(2026, 5, 31)
    assert activity_status(due, None, date(2026, 5, 16)) is ActivityStatus.PLANNED
    assert activity_status(due, None, date(2026, 5, 17)) is ActivityStatus.DUE_SOON
    assert activity_status(due, None, date(2026, 6, 1)) is ActivityStatus.LATE
    assert activity_status(due, date(2026, 6, 5), date(2026, 6, 10)) is ActivityStatus.DONE
    assert activity_status(due, None, date(2026, 6, 10), cancelled=True) is ActivityStatus.CANCELLED


def test_an_activity_lies_in_its_arshjuls_year_and_concerns_a_neighbouring_year() -> None:
    check_activity(2026, "Brukarundersökning", date(2026, 10, 1), 2026, None)
    with pytest.raises(RuleViolation) as wrong_year:
        check_activity(2026, "X", date(2027, 1, 1), 2026, None)
    assert wrong_year.value.field == "due_on"
    with pytest.raises(RuleViolation):
        check_activity(2026, "X", date(2026, 1, 1), 2024, None)
    with pytest.raises(RuleViolation):
        check_activity(2026, " ", date(2026, 1, 1), 2026, None)
    with pytest.raises(RuleViolation):
        check_activity(2026, "X", date(2026, 1, 1), 2026, 4)


def test_an_inherited_activity_is_done_before_the_one_it_feeds() -> None:
    copy = activity(ActivityKind.TERTIALRAPPORT, date(2026, 5, 17), inherited_from_id=uuid.uuid4())
    check_reschedule(copy, date(2026, 5, 24), 2026, date(2026, 5, 31))
    with pytest.raises(RuleViolation):
        check_reschedule(copy, date(2026, 6, 2), 2026, date(2026, 5, 31))
    with pytest.raises(RuleViolation):
        check_reschedule(replace(copy, fulfilled_on=date(2026, 5, 1)), date(2026, 5, 10), 2026, None)


def test_lower_levels_inherit_and_add_but_do_not_drop() -> None:
    origin = activity(ActivityKind.TERTIALRAPPORT, date(2026, 5, 31), FORVALTNING)
    middle = activity(ActivityKind.TERTIALRAPPORT, date(2026, 5, 24), OMSORG, inherited_from_id=origin.id)
    low = activity(ActivityKind.TERTIALRAPPORT, date(2026, 5, 17), ENHET_A, inherited_from_id=middle.id)
    own = activity(ActivityKind.OWN, date(2026, 6, 1))
    check_cancel(origin)
    check_cancel(own)
    with pytest.raises(RuleViolation) as refused:
        check_cancel(low)
    assert refused.value.state
    assert set(cascade_cancel(origin.id, [origin, middle, low, own])) == {origin.id, middle.id, low.id}


def test_a_levels_view_shows_its_own_activities_and_the_ones_above_it_carries_no_copy_of() -> None:
    t1 = activity(ActivityKind.TERTIALRAPPORT, date(2026, 5, 31), FORVALTNING)
    psb = activity(ActivityKind.PATIENTSAKERHETSBERATTELSE, date(2026, 3, 1), FORVALTNING)
    copy = activity(ActivityKind.TERTIALRAPPORT, date(2026, 5, 17), inherited_from_id=t1.id)
    view = calendar_view([copy], [t1, psb])
    assert [(e.activity.id, e.inherited) for e in view] == [(psb.id, True), (copy.id, False)]


def test_the_socialchef_adopts_the_namnds_arshjul_and_each_chef_her_levels() -> None:
    check_adoption(ArshjulLevel.FORVALTNING, 2026, by(Role.SOCIALCHEF), adopted=False, activities=14)
    check_adoption(ArshjulLevel.ENHET, 2026, by(Role.ENHETSCHEF), adopted=False, activities=9)
    with pytest.raises(RuleViolation):
        check_adoption(ArshjulLevel.FORVALTNING, 2026, by(Role.VERKSAMHETSCHEF), adopted=False, activities=14)
    with pytest.raises(RuleViolation):
        check_adoption(ArshjulLevel.ENHET, 2026, by(Role.SOCIALCHEF), adopted=False, activities=9)


def test_an_arshjul_is_adopted_once_with_activities_and_not_after_its_year() -> None:
    with pytest.raises(RuleViolation):
        check_adoption(ArshjulLevel.FORVALTNING, 2026, by(Role.SOCIALCHEF), adopted=True, activities=14)
    with pytest.raises(RuleViolation):
        check_adoption(ArshjulLevel.FORVALTNING, 2026, by(Role.SOCIALCHEF), adopted=False, activities=0)
    with pytest.raises(RuleViolation):
        check_adoption(
            ArshjulLevel.FORVALTNING,
            2026,
            by(Role.SOCIALCHEF, date(2027, 1, 2)),
            adopted=False,
            activities=14,
        )


# --- what fulfils an activity ------------------------------------------------------------------


def test_an_adopted_report_fulfils_its_arshjul_activity() -> None:
    t1 = activity(ActivityKind.TERTIALRAPPORT, date(2026, 5, 31), FORVALTNING, tertial=1)
    t2 = activity(ActivityKind.TERTIALRAPPORT, date(2026, 9, 30), FORVALTNING, tertial=2)
    adopted = evidence_from_report(
        report_id=uuid.uuid4(),
        report_type="t1",
        unit_id=FORVALTNING,
        year=2026,
        tertial=None,
        adopted_on=date(2026, 6, 10),
    )
    assert assign(adopted, [t2, t1]) == t1
    assert not fulfils(t1, replace(adopted, year=2025))
    assert not fulfils(t1, replace(adopted, unit_id=OMSORG))


def test_a_berattelse_is_fulfilled_by_the_report_for_the_year_it_concerns() -> None:
    kb = activity(ActivityKind.KVALITETSBERATTELSE, date(2026, 3, 1), FORVALTNING, period_year=2025)
    report = evidence_from_report(
        report_id=uuid.uuid4(),
        report_type="kb",
        unit_id=FORVALTNING,
        year=2025,
        tertial=None,
        adopted_on=date(2026, 2, 20),
    )
    assert fulfils(kb, report)
    assert not fulfils(kb, replace(report, report_type="psb"))


def test_a_completed_yearly_risk_analysis_fulfils_the_riskanalys_for_its_year() -> None:
    risk = activity(ActivityKind.RISKANALYS, date(2026, 10, 31), period_year=2027)
    event = RiskAnalysisCompleted(
        analysis_id=uuid.uuid4(),
        unit_id=ENHET_A,
        trigger="arlig",
        year=2027,
        risk_count=4,
        completed_at=datetime(2026, 10, 20, 9, tzinfo=UTC),
    )
    evidence = evidence_from_event(event.event_type, event.model_dump())
    assert evidence is not None and evidence.occurred_on == date(2026, 10, 20)
    assert assign(evidence, [risk]) == risk
    before_change = event.model_copy(update={"trigger": "forandring"})
    assert evidence_from_event(before_change.event_type, before_change.model_dump()) is None


def test_the_namnds_adopted_internkontrollplan_fulfils_the_forvaltnings_activity() -> None:
    plan = activity(
        ActivityKind.INTERNKONTROLLPLAN,
        date(2026, 11, 30),
        FORVALTNING,
        period_year=2027,
        reports_to_unit_id=NAMND,
    )
    event = ControlPlanAdopted(
        plan_id=uuid.uuid4(),
        unit_id=NAMND,
        year=2027,
        decision_reference="SN 2026-11-20 § 112",
        adopted_at=datetime(2026, 11, 20, 18, tzinfo=UTC),
        row_count=12,
    )
    evidence = evidence_from_event(event.event_type, event.model_dump())
    assert evidence is not None and fulfils(plan, evidence)


def test_a_brukarundersokning_is_an_egenkontroll_by_that_method() -> None:
    survey = activity(ActivityKind.BRUKARUNDERSOKNING, date(2026, 10, 1))
    control = activity(ActivityKind.EGENKONTROLL, date(2026, 10, 1))
    event = SelfAssessmentCompleted(
        assessment_id=uuid.uuid4(),
        unit_id=ENHET_A,
        area="bemotande",
        method="brukarundersokning",
        result="ok",
        completed_at=datetime(2026, 9, 15, tzinfo=UTC),
    )
    evidence = evidence_from_event(event.event_type, event.model_dump())
    assert evidence is not None
    assert fulfils(survey, evidence) and not fulfils(control, evidence)


def test_a_meeting_fulfils_the_earliest_kvalitetsrad_whose_window_it_falls_in() -> None:
    councils = [
        activity(ActivityKind.KVALITETSRAD, due)
        for due in (date(2026, 1, 17), date(2026, 5, 6), date(2026, 9, 6))
    ]

    def held(on: date) -> Evidence:
        return Evidence(EvidenceKind.MEETING_HELD, ENHET_A, on, "KvalitetsradHeld", uuid.uuid4())

    assert assign(held(date(2026, 1, 10)), councils) == councils[0]
    assert (
        assign(held(date(2026, 4, 28)), [replace(councils[0], fulfilled_on=date(2026, 1, 10)), *councils[1:]])
        == councils[1]
    )
    assert assign(held(date(2026, 2, 3)), councils) == councils[0]  # the January council, held late
    assert assign(held(date(2025, 1, 1)), councils) is None  # long before any window opened


def test_group_information_on_lex_sarah_fulfils_the_information_duty() -> None:
    duty = activity(ActivityKind.INFORMATION_DUTY, date(2026, 4, 30))
    event = InformationGiven(
        record_id=uuid.uuid4(),
        item_id=uuid.uuid4(),
        item_key="lex_sarah_rapporteringsskyldighet",
        unit_id=ENHET_A,
        method="group",
        given_on=date(2026, 3, 12),
        given_by=PERSON,
        participant_ids=[uuid.uuid4()],
    )
    evidence = evidence_from_event(event.event_type, event.model_dump())
    assert evidence is not None and assign(evidence, [duty]) == duty
    one_person = event.model_copy(update={"method": "individual"})
    single = evidence_from_event(one_person.event_type, one_person.model_dump())
    assert single is not None and not fulfils(duty, single)


def test_a_review_of_the_named_document_fulfils_the_ledningssystem_review() -> None:
    document = uuid.uuid4()
    review = activity(ActivityKind.LEDNINGSSYSTEM_REVIEW, date(2026, 3, 31), FORVALTNING, target_id=document)
    event = DocumentReviewed(
        document_id=document,
        kind="riktlinje",
        review_id=uuid.uuid4(),
        version_id=uuid.uuid4(),
        outcome="confirmed",
        reviewed_on=date(2026, 3, 20),
        reviewed_by=PERSON,
        owner_unit_id=FORVALTNING,
        next_review_on=date(2027, 3, 20),
    )
    evidence = evidence_from_event(event.event_type, event.model_dump())
    assert evidence is not None and fulfils(review, evidence)
    assert not fulfils(replace(review, target_id=None), evidence)


def test_own_activities_and_done_ones_are_fulfilled_by_no_event() -> None:
    own = activity(ActivityKind.OWN, date(2026, 6, 1))
    done = activity(
        ActivityKind.TERTIALRAPPORT, date(2026, 5, 31), FORVALTNING, tertial=1, fulfilled_on=date(2026, 5, 30)
    )
    report = evidence_from_report(
        report_id=uuid.uuid4(),
        report_type="t1",
        unit_id=FORVALTNING,
        year=2026,
        tertial=None,
        adopted_on=date(2026, 6, 1),
    )
    assert assign(report, [own, done]) is None


# --- feeds and the calendar --------------------------------------------------------------------


def test_a_feed_secret_is_long_random_and_stored_only_as_its_hash() -> None:
    secret, digest = new_feed_secret()
    other, _ = new_feed_secret()
    assert len(secret) >= 43 and secret != other
    assert digest == hash_feed_secret(secret) and secret not in digest and len(digest) == 64


def test_a_unit_feed_has_its_own_activities_and_a_person_feed_those_of_the_roles_she_holds() -> None:
    mine = activity(ActivityKind.TERTIALRAPPORT, date(2026, 5, 17))
    above = activity(
        ActivityKind.TERTIALRAPPORT, date(2026, 5, 24), OMSORG, responsible_role="verksamhetschef"
    )
    other = activity(ActivityKind.KVALITETSRAD, date(2026, 5, 6), ENHET_B)
    assert for_unit([mine, above, other], ENHET_A) == [mine]
    assert for_person([mine, above, other], {("enhetschef", ENHET_A)}) == [mine]
    assert for_person([mine, above, other], {("enhetschef", OMSORG)}) == []


def entry(**extra: object) -> CalendarEntry:
    values: dict[str, object] = {
        "activity_id": uuid.UUID("0190f0e0-0000-7000-8000-000000000001"),
        "title": "Tertialrapport 1",
        "due_on": date(2026, 5, 31),
        "kind_title": "Tertialrapport",
        "status_title": "Planerad",
        "responsible": "enhetschef, Enhet A",
        "reports_to": "Omsorg",
        "changed_at": datetime(2026, 1, 2, 8, tzinfo=UTC),
        "sequence": 1,
    }
    values.update(extra)
    return CalendarEntry(**values)  # type: ignore[arg-type]


def test_the_calendar_has_an_all_day_event_per_activity_on_its_date() -> None:
    cal = Calendar.from_ical(arshjul_calendar("Årshjul 2026: Enhet A", [entry()]))
    [event] = cal.walk("VEVENT")
    assert event.decoded("dtstart") == date(2026, 5, 31)
    assert event.decoded("dtend") == date(2026, 6, 1)
    assert str(event["summary"]) == "Tertialrapport 1"
    assert "Återrapporteras till: Omsorg." in str(event["description"])
    assert str(cal["x-wr-calname"]) == "Årshjul 2026: Enhet A"


def test_calendar_uids_are_stable_and_a_change_raises_the_sequence() -> None:
    first = Calendar.from_ical(arshjul_calendar("A", [entry()]))
    moved = Calendar.from_ical(arshjul_calendar("A", [entry(due_on=date(2026, 5, 29), sequence=2)]))
    [a], [b] = first.walk("VEVENT"), moved.walk("VEVENT")
    assert str(a["uid"]) == str(b["uid"]) == uid(entry().activity_id)
    assert int(b["sequence"]) > int(a["sequence"])
    assert arshjul_calendar("A", [entry()]) == arshjul_calendar("A", [entry()])


def test_a_struck_activity_stays_in_the_feed_as_cancelled() -> None:
    [event] = Calendar.from_ical(arshjul_calendar("A", [entry(cancelled=True)])).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
