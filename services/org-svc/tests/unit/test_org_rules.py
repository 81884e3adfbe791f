"""Organisation rules: how units nest and change over time, when assignments end, role specs,
delegations and what an integration client may be allowed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from org_svc.domain.access import check_client_operations, check_delegation, dev_client_subject
from org_svc.domain.model import (
    OrgConflict,
    OrgRuleViolation,
    UnitLevel,
    check_children_closed,
    check_effective_date,
    check_end,
    check_not_own_subtree,
    check_parent_level,
    check_unit_open,
    parse_role,
    parse_role_spec,
)
from platform_shared.roles import Role

NOW = datetime(2026, 6, 1, tzinfo=UTC)
L = UnitLevel


@pytest.mark.parametrize(
    ("parent", "child"),
    [
        (L.NAMND, L.FORVALTNING),
        (L.FORVALTNING, L.AVDELNING),
        (L.FORVALTNING, L.VERKSAMHETSOMRADE),
        (L.VERKSAMHETSOMRADE, L.ENHET),
        (L.FORVALTNING, L.ENHET),
    ],
)
def test_a_unit_sits_below_its_parents_level(parent: UnitLevel, child: UnitLevel) -> None:
    check_parent_level(parent, child)


@pytest.mark.parametrize(
    ("parent", "child"),
    [
        (L.ENHET, L.ENHET),
        (L.AVDELNING, L.VERKSAMHETSOMRADE),
        (L.ENHET, L.FORVALTNING),
        (L.FORVALTNING, L.NAMND),
    ],
)
def test_a_unit_cannot_sit_beside_or_above_its_parents_level(parent: UnitLevel, child: UnitLevel) -> None:
    with pytest.raises(OrgRuleViolation):
        check_parent_level(parent, child)


def test_only_a_namnd_is_a_root() -> None:
    check_parent_level(None, L.NAMND)
    with pytest.raises(OrgRuleViolation, match="överst"):
        check_parent_level(None, L.FORVALTNING)


def test_a_unit_cannot_move_under_itself_or_its_own_subtree() -> None:
    unit, child, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    check_not_own_subtree(unit, [other])
    for ancestry in ([unit], [child, unit]):
        with pytest.raises(OrgRuleViolation, match="underenheter"):
            check_not_own_subtree(unit, ancestry)


def test_a_closed_unit_changes_no_more() -> None:
    check_unit_open(None)
    with pytest.raises(OrgConflict, match="avvecklad"):
        check_unit_open(NOW)


def test_a_unit_closes_after_its_children() -> None:
    check_children_closed(0)
    with pytest.raises(OrgConflict, match="2 öppna underenheter"):
        check_children_closed(2)


def test_a_change_takes_effect_after_the_last_one_and_not_in_the_future_unless_allowed() -> None:
    last = NOW - timedelta(days=10)
    check_effective_date("at", last, not_before=last, now=NOW, future_allowed=False)
    with pytest.raises(OrgRuleViolation, match="före"):
        check_effective_date(
            "at", last - timedelta(seconds=1), not_before=last, now=NOW, future_allowed=False
        )
    with pytest.raises(OrgRuleViolation, match="framtiden"):
        check_effective_date("at", NOW + timedelta(days=1), not_before=last, now=NOW, future_allowed=False)
    check_effective_date("at", NOW + timedelta(days=1), not_before=last, now=NOW, future_allowed=True)


def test_an_assignment_can_be_ended_or_cut_short_but_never_lengthened_or_ended_twice() -> None:
    start = NOW - timedelta(days=100)
    check_end(start, None, NOW, NOW)
    check_end(start, NOW + timedelta(days=30), NOW, NOW)  # cut short
    with pytest.raises(OrgRuleViolation, match="förlänga"):
        check_end(start, NOW + timedelta(days=30), NOW + timedelta(days=60), NOW)
    with pytest.raises(OrgRuleViolation, match="före starten"):
        check_end(start, None, start - timedelta(days=1), NOW)
    with pytest.raises(OrgConflict, match="Avslutad redan"):
        check_end(start, NOW - timedelta(days=1), NOW, NOW)


def test_a_role_spec_names_a_role_and_a_unit_code_and_tf_marks_an_acting_assignment() -> None:
    assert parse_role_spec("enhetschef@E-SOL") == (Role.ENHETSCHEF, "E-SOL", False)
    assert parse_role_spec(" tf. enhetschef@E-HTN ") == (Role.ENHETSCHEF, "E-HTN", True)
    assert parse_role_spec("TF.mas@FORV") == (Role.MAS, "FORV", True)
    for bad in ("enhetschef", "@E-SOL", "enhetschef@", "rektor@E-SOL"):
        with pytest.raises(OrgRuleViolation):
            parse_role_spec(bad)


def test_kvalitetsledare_also_covers_utvecklingsledare() -> None:
    assert parse_role("utvecklingsledare") is Role.KVALITETSLEDARE
    assert parse_role_spec("Utvecklingsledare@FORV") == (Role.KVALITETSLEDARE, "FORV", False)


def test_a_decision_is_delegated_by_the_role_that_owns_it_to_one_person_or_one_other_role() -> None:
    person = uuid.uuid4()
    assert check_delegation("ivo_anmalan_lex_sarah", "socialchef", person, None) == (Role.SOCIALCHEF, None)
    assert check_delegation("ivo_anmalan_lex_sarah", "forvaltningschef", None, "avdelningschef") == (
        Role.FORVALTNINGSCHEF,
        Role.AVDELNINGSCHEF,
    )
    assert check_delegation("ivo_anmalan_lex_maria", "mas", person, None)[0] is Role.MAS
    cases = [
        ("ivo_anmalan_lex_sarah", "enhetschef", person, None, "from_role"),  # not the owner
        ("ivo_anmalan_lex_maria", "socialchef", person, None, "from_role"),
        ("godkanna_semester", "socialchef", person, None, "decision_type"),
        ("ivo_anmalan_lex_sarah", "socialchef", None, None, "to_person_id"),
        ("ivo_anmalan_lex_sarah", "socialchef", person, "avdelningschef", "to_person_id"),
        ("ivo_anmalan_lex_sarah", "socialchef", None, "socialchef", "to_role"),
    ]
    for decision, owner, to_person, to_role, field in cases:
        with pytest.raises(OrgRuleViolation) as caught:
            check_delegation(decision, owner, to_person, to_role)
        assert caught.value.field == field, (decision, owner, to_role)


def test_a_system_client_gets_only_operations_meant_for_clients() -> None:
    assert check_client_operations(["case.create", "org.read", "case.create"]) == ["case.create", "org.read"]
    for refused in (["org.manage"], ["audit.read"], ["ivo.lex_sarah"], ["report.adopt"], ["fly"], []):
        with pytest.raises(OrgRuleViolation):
            check_client_operations(refused)


def test_a_client_registered_without_subject_gets_a_recognisable_one() -> None:
    client_id = uuid.UUID("0190a0b0-0000-7000-8000-0000deadbeef")
    assert dev_client_subject("Lifecare Utförare", client_id) == "client:lifecare-utforare-deadbeef"
