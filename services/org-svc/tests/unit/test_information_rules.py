from __future__ import annotations

import uuid
from datetime import date

import pytest

from org_svc.domain.documents.kinds import DocumentKind
from org_svc.domain.information import (
    DEFAULT_ITEMS,
    LEX_MARIA,
    LEX_SARAH,
    NEW_RUTIN,
    Due,
    DueStatus,
    Holder,
    InformationItem,
    NewDue,
    Record,
    RecordMethod,
    RoleStart,
    Trigger,
    check_record,
    coverage,
    due_status,
    dues_for_publication,
    dues_for_role_start,
    dues_met_by,
    escalation_level,
    meets,
    repeat_due,
)
from org_svc.domain.model import OrgRuleViolation
from platform_shared.roles import Role

ITEMS = {item.key: item for item in DEFAULT_ITEMS}
UNIT = uuid.uuid4()
CHEF, ANNA, BO, CIA = (uuid.uuid4() for _ in range(4))
START = date(2026, 5, 4)


def start(
    role: Role = Role.MEDARBETARE, laws: tuple[str, ...] = ("SoL", "HSL"), person: uuid.UUID = ANNA
) -> RoleStart:
    return RoleStart(person, role, UNIT, START, laws)


def record(method: RecordMethod = RecordMethod.GROUP, *people: uuid.UUID, **extra: object) -> Record:
    values: dict[str, object] = {
        "item_key": LEX_SARAH,
        "method": method,
        "given_on": date(2026, 5, 20),
        "given_by": CHEF,
        "participants": frozenset(people or (ANNA, BO)),
        "occasion": "Arbetsplatsträff 20 maj" if method is RecordMethod.GROUP else None,
    }
    values.update(extra)
    return Record(**values)  # type: ignore[arg-type]


def test_the_default_items_are_lex_sarah_lex_maria_and_new_rutiner() -> None:
    assert ITEMS[LEX_SARAH].title == "Rapporteringsskyldighet enligt lex Sarah"
    assert ITEMS[LEX_SARAH].repeat_months == 12
    assert ITEMS[LEX_MARIA].title == "Lex Maria och avvikelser i hälso- och sjukvård"
    assert ITEMS[NEW_RUTIN].trigger is Trigger.PUBLICATION


def test_a_new_role_makes_the_information_items_due() -> None:
    dues = dues_for_role_start(DEFAULT_ITEMS, start())
    assert {d.item_key for d in dues} == {LEX_SARAH, LEX_MARIA}
    assert all(d.due_on == date(2026, 6, 3) and d.opened_on == START for d in dues)


def test_the_start_items_are_due_within_the_tenants_number_of_days() -> None:
    item = InformationItem(LEX_SARAH, "Lex Sarah", Trigger.ROLE_START, due_days=14)
    [due] = dues_for_role_start([item], start())
    assert due.due_on == date(2026, 5, 18)


def test_lex_maria_is_due_only_for_roles_at_units_under_hsl() -> None:
    keys = {d.item_key for d in dues_for_role_start(DEFAULT_ITEMS, start(laws=("LSS",)))}
    assert keys == {LEX_SARAH}
    keys = {d.item_key for d in dues_for_role_start(DEFAULT_ITEMS, start(laws=("HSL",)))}
    assert keys == {LEX_MARIA}


def test_namnd_members_and_the_system_administrator_have_no_information_duty() -> None:
    assert dues_for_role_start(DEFAULT_ITEMS, start(Role.NAMND_LEDAMOT)) == []
    assert dues_for_role_start(DEFAULT_ITEMS, start(Role.SYSTEMADMINISTRATOR)) == []
    assert dues_for_role_start(DEFAULT_ITEMS, start(Role.ENHETSCHEF)) != []


def test_a_published_rutin_is_due_once_for_everyone_working_where_it_applies() -> None:
    version = uuid.uuid4()
    other_unit = uuid.uuid4()
    holders = [
        Holder(ANNA, Role.MEDARBETARE, UNIT),
        Holder(ANNA, Role.MEDARBETARE, other_unit),
        Holder(BO, Role.ENHETSCHEF, UNIT),
        Holder(CIA, Role.NAMND_LEDAMOT, UNIT),
    ]
    dues = dues_for_publication(DEFAULT_ITEMS, DocumentKind.RUTIN, version, START, holders)
    assert sorted((d.person_id, d.unit_id) for d in dues) == sorted([(ANNA, UNIT), (BO, UNIT)])
    assert all(d.document_version_id == version and d.due_on == date(2026, 6, 3) for d in dues)


def test_a_published_riktlinje_is_not_a_new_rutin() -> None:
    assert (
        dues_for_publication(
            DEFAULT_ITEMS, DocumentKind.RIKTLINJE, uuid.uuid4(), START, [Holder(ANNA, Role.MEDARBETARE, UNIT)]
        )
        == []
    )


def test_lex_sarah_falls_due_again_a_year_after_it_was_given() -> None:
    met = NewDue(LEX_SARAH, ANNA, UNIT, START, date(2026, 6, 3), Role.MEDARBETARE)
    again = repeat_due(ITEMS[LEX_SARAH], met, date(2026, 5, 20))
    assert again is not None
    assert again.due_on == date(2027, 5, 20)
    assert again.opened_on == date(2027, 4, 20)
    assert repeat_due(ITEMS[LEX_MARIA], met, date(2026, 5, 20)) is None


def test_a_group_information_at_an_apt_meets_the_item_for_every_participant() -> None:
    dues = [Due(LEX_SARAH, person, START, date(2026, 6, 3)) for person in (ANNA, BO, CIA)]
    met = dues_met_by(ITEMS[LEX_SARAH], dues, record(RecordMethod.GROUP, ANNA, BO))
    assert {d.person_id for d in met} == {ANNA, BO}


def test_an_individual_information_meets_only_that_persons_item() -> None:
    dues = [Due(LEX_SARAH, ANNA, START, date(2026, 6, 3)), Due(LEX_MARIA, ANNA, START, date(2026, 6, 3))]
    met = dues_met_by(ITEMS[LEX_SARAH], dues, record(RecordMethod.INDIVIDUAL, ANNA))
    assert [d.item_key for d in met] == [LEX_SARAH]


def test_lex_sarah_given_within_the_last_year_meets_a_new_roles_due() -> None:
    due = Due(LEX_SARAH, ANNA, START, date(2026, 6, 3))
    assert meets(ITEMS[LEX_SARAH], due, record(RecordMethod.INDIVIDUAL, ANNA, given_on=date(2025, 9, 1)))
    assert not meets(ITEMS[LEX_SARAH], due, record(RecordMethod.INDIVIDUAL, ANNA, given_on=date(2025, 6, 3)))


def test_an_item_that_does_not_repeat_is_met_by_any_earlier_record() -> None:
    due = Due(LEX_MARIA, ANNA, START, date(2026, 6, 3))
    assert meets(
        ITEMS[LEX_MARIA],
        due,
        record(RecordMethod.INDIVIDUAL, ANNA, item_key=LEX_MARIA, given_on=date(2020, 1, 1)),
    )


def test_a_rutin_is_met_only_for_the_version_that_was_read() -> None:
    version, older = uuid.uuid4(), uuid.uuid4()
    due = Due(NEW_RUTIN, ANNA, START, date(2026, 6, 3), version)
    own = record(
        RecordMethod.SELF_ACKNOWLEDGED, ANNA, item_key=NEW_RUTIN, given_by=ANNA, document_version_id=version
    )
    assert meets(ITEMS[NEW_RUTIN], due, own)
    assert not meets(
        ITEMS[NEW_RUTIN],
        due,
        record(
            RecordMethod.SELF_ACKNOWLEDGED, ANNA, item_key=NEW_RUTIN, given_by=ANNA, document_version_id=older
        ),
    )


def test_a_met_item_is_not_met_again() -> None:
    due = Due(LEX_SARAH, ANNA, START, date(2026, 6, 3), met_on=date(2026, 5, 10))
    assert not meets(ITEMS[LEX_SARAH], due, record(RecordMethod.INDIVIDUAL, ANNA))


def test_a_medarbetare_may_acknowledge_a_rutin_herself_but_only_for_herself() -> None:
    item, version = ITEMS[NEW_RUTIN], uuid.uuid4()
    check_record(
        item,
        record(
            RecordMethod.SELF_ACKNOWLEDGED,
            ANNA,
            item_key=NEW_RUTIN,
            given_by=ANNA,
            document_version_id=version,
        ),
        date(2026, 6, 1),
    )
    with pytest.raises(OrgRuleViolation):
        check_record(
            item,
            record(
                RecordMethod.SELF_ACKNOWLEDGED,
                BO,
                item_key=NEW_RUTIN,
                given_by=ANNA,
                document_version_id=version,
            ),
            date(2026, 6, 1),
        )


def test_the_lex_sarah_information_is_given_by_the_chef() -> None:
    with pytest.raises(OrgRuleViolation) as refused:
        check_record(
            ITEMS[LEX_SARAH],
            record(RecordMethod.SELF_ACKNOWLEDGED, ANNA, given_by=ANNA, given_on=START),
            START,
        )
    assert refused.value.field == "method"


def test_a_group_information_names_its_occasion_and_who_took_part() -> None:
    check_record(ITEMS[LEX_SARAH], record(given_on=START), START)
    with pytest.raises(OrgRuleViolation) as no_occasion:
        check_record(ITEMS[LEX_SARAH], record(given_on=START, occasion=" "), START)
    assert no_occasion.value.field == "occasion"
    with pytest.raises(OrgRuleViolation) as nobody:
        check_record(ITEMS[LEX_SARAH], record(given_on=START, participants=frozenset()), START)
    assert nobody.value.field == "participant_ids"


def test_an_individual_information_is_for_one_person() -> None:
    with pytest.raises(OrgRuleViolation):
        check_record(ITEMS[LEX_SARAH], record(RecordMethod.INDIVIDUAL, ANNA, BO, given_on=START), START)


def test_information_is_recorded_once_it_has_been_given() -> None:
    with pytest.raises(OrgRuleViolation) as refused:
        check_record(ITEMS[LEX_SARAH], record(given_on=date(2026, 5, 5)), START)
    assert refused.value.field == "given_on"


def test_information_about_a_document_names_its_version() -> None:
    with pytest.raises(OrgRuleViolation):
        check_record(ITEMS[NEW_RUTIN], record(item_key=NEW_RUTIN, given_on=START), START)
    with pytest.raises(OrgRuleViolation):
        check_record(ITEMS[LEX_SARAH], record(given_on=START, document_version_id=uuid.uuid4()), START)


def test_an_item_is_due_soon_then_overdue_and_met_late_when_given_after_its_date() -> None:
    due_on = date(2026, 6, 3)
    assert due_status(due_on, None, date(2026, 5, 26)) is DueStatus.PENDING
    assert due_status(due_on, None, date(2026, 5, 27)) is DueStatus.DUE_SOON
    assert due_status(due_on, None, date(2026, 6, 4)) is DueStatus.OVERDUE
    assert due_status(due_on, date(2026, 6, 3), date(2026, 7, 1)) is DueStatus.MET
    assert due_status(due_on, date(2026, 6, 10), date(2026, 7, 1)) is DueStatus.MET_LATE


def test_an_overdue_item_goes_to_the_units_chef_and_then_up_the_tree() -> None:
    due_on = date(2026, 6, 3)
    assert escalation_level(due_on, due_on) is None
    assert escalation_level(due_on, date(2026, 6, 4)) == 0
    assert escalation_level(due_on, date(2026, 6, 17)) == 1
    assert escalation_level(due_on, date(2026, 7, 1)) == 2


def test_the_chef_sees_who_has_and_has_not_been_informed() -> None:
    today = date(2026, 6, 10)
    dues = [
        Due(LEX_SARAH, ANNA, START, date(2026, 6, 3), met_on=date(2026, 5, 20)),
        Due(LEX_SARAH, BO, START, date(2026, 6, 3)),
        Due(LEX_SARAH, CIA, START, date(2026, 6, 30)),
    ]
    seen = coverage(dues, today)
    assert seen.informed == {ANNA}
    assert seen.not_informed == {BO, CIA}
    assert seen.overdue == {BO}
    assert seen.share_informed == pytest.approx(1 / 3)


def test_an_item_is_refused_when_its_settings_do_not_fit_its_trigger() -> None:
    with pytest.raises(OrgRuleViolation):
        InformationItem("x", "X", Trigger.PUBLICATION)
    with pytest.raises(OrgRuleViolation):
        InformationItem("x", "X", Trigger.ROLE_START, document_kinds=frozenset({DocumentKind.RUTIN}))
    with pytest.raises(OrgRuleViolation):
        InformationItem("x", "X", Trigger.ROLE_START, due_days=-1)
    with pytest.raises(OrgRuleViolation):
        InformationItem("x", "X", Trigger.ROLE_START, repeat_months=0)
