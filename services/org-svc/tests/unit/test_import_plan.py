"""Planning an import (HR/AD export) against the organisation as it is: created, changed, unchanged
and rejected rows, each with what and why; the same file twice plans nothing the second time."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from org_svc.domain import imports as im
from org_svc.domain.model import Law, UnitLevel
from platform_shared.roles import Role

ROOT, FORV, VO, ENHET, CLOSED = (uuid.uuid4() for _ in range(5))


def unit(
    uid: uuid.UUID, code: str | None, level: str, parent: uuid.UUID | None, *laws: str, closed: bool = False
) -> im.ExistingUnit:
    return im.ExistingUnit(uid, code, code or "Socialnämnden", level, parent, tuple(laws), closed)


SNAPSHOT = im.OrgSnapshot(
    units={
        u.id: u
        for u in (
            unit(ROOT, None, "namnd", None),
            unit(FORV, "FORV", "forvaltning", ROOT, "SoL", "LSS", "HSL"),
            unit(VO, "VO", "verksamhetsomrade", FORV, "SoL"),
            unit(ENHET, "E1", "enhet", VO, "SoL"),
            unit(CLOSED, "OLD", "enhet", VO, "SoL", closed=True),
        )
    },
    people={
        "sub-anna": im.ExistingPerson(
            uuid.uuid4(),
            "sub-anna",
            "anna@x.se",
            "Anna",
            True,
            (im.ExistingRole(uuid.uuid4(), "enhetschef", ENHET, False),),
        ),
        "sub-gone": im.ExistingPerson(uuid.uuid4(), "sub-gone", "gone@x.se", "Gone", False),
    },
    client_subjects=frozenset({"client:lifecare"}),
)

SAME_UNITS = [
    {"code": "FORV", "name": "FORV", "parent_code": "", "level": "forvaltning", "laws": "SoL;LSS;HSL"},
]


def plan(
    units: Sequence[Mapping[str, Any]] = (),
    people: Sequence[Mapping[str, Any]] = (),
    snapshot: im.OrgSnapshot = SNAPSHOT,
    **options: Any,
) -> im.ImportPlan:
    return im.plan_import(list(units), list(people), snapshot, **options)


def outcome(result: im.ImportPlan, key: str) -> im.RowResult:
    return next(r for r in result.results if r.key == key)


def test_new_units_are_created_parents_first_whatever_the_order_of_the_file() -> None:
    result = plan(
        [
            {"code": "E2", "name": "Enhet 2", "parent_code": "VO2", "level": "enhet", "laws": ["SoL", "HSL"]},
            {"code": "VO2", "name": "Område 2", "parent_code": "FORV", "level": "verksamhetsomrade"},
        ]
    )
    assert result.operations == [
        im.CreateUnitOp("VO2", "Område 2", UnitLevel.VERKSAMHETSOMRADE, FORV, ()),
        im.CreateUnitOp("E2", "Enhet 2", UnitLevel.ENHET, "VO2", (Law.SOL, Law.HSL)),
    ]
    assert {r.key: r.outcome for r in result.results} == {"VO2": im.Outcome.CREATED, "E2": im.Outcome.CREATED}


def test_a_file_that_matches_the_organisation_plans_nothing() -> None:
    units = [
        {"code": "SN", "name": "Socialnämnden", "parent_code": "", "level": "namnd"},
        {
            "code": "FORV",
            "name": "FORV",
            "parent_code": "SN",
            "level": "forvaltning",
            "laws": "HSL, SoL, LSS",
        },
        {"code": "VO", "name": "VO", "parent_code": "FORV", "level": "verksamhetsomrade", "laws": "SoL"},
        {"code": "E1", "name": "E1", "parent_code": "VO", "level": "enhet", "laws": ["SoL"]},
    ]
    people = [{"subject": "sub-anna", "email": "anna@x.se", "name": "Anna", "roles": "enhetschef@E1"}]
    result = plan(units, people)
    assert result.operations == []
    assert {r.outcome for r in result.results} == {im.Outcome.UNCHANGED}
    assert result.count(im.Outcome.UNCHANGED) == 5


def test_a_changed_row_says_what_changed() -> None:
    result = plan(
        [{"code": "E1", "name": "Enhet Ett", "parent_code": "FORV", "level": "enhet", "laws": "SoL|HSL"}],
        [
            {
                "subject": "sub-anna",
                "email": "anna@kommun.se",
                "name": "Anna",
                "roles": ["enhetschef@E1", "tf.mas@FORV"],
            }
        ],
    )
    assert outcome(result, "E1").changes == (
        "namn: E1 → Enhet Ett",
        "lagar: SoL → SoL, HSL",
        "överordnad: VO → FORV",
    )
    assert outcome(result, "sub-anna").changes == (
        "e-post: anna@x.se → anna@kommun.se",
        "roll tillagd: tf.mas@FORV",
    )
    anna = SNAPSHOT.people["sub-anna"].id
    assert result.operations == [
        im.RenameUnitOp(ENHET, "Enhet Ett"),
        im.ChangeLawsOp(ENHET, (Law.SOL, Law.HSL)),
        im.MoveUnitOp(ENHET, FORV),
        im.UpdatePersonOp(anna, "anna@kommun.se", "Anna"),
        im.AssignRoleOp("sub-anna", Role.MAS, FORV, True),
    ]


def test_a_new_person_is_registered_with_their_roles_on_new_and_existing_units() -> None:
    result = plan(
        [{"code": "E9", "name": "Nio", "parent_code": "VO", "level": "enhet"}],
        [
            {
                "subject": "sub-ny",
                "email": "ny@x.se",
                "name": "Ny",
                "roles": "enhetschef@E9; utvecklingsledare@FORV",
            }
        ],
    )
    assert result.operations[1:] == [
        im.RegisterPersonOp("sub-ny", "ny@x.se", "Ny"),
        im.AssignRoleOp("sub-ny", Role.ENHETSCHEF, "E9", False),
        im.AssignRoleOp("sub-ny", Role.KVALITETSLEDARE, FORV, False),
    ]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"name": "x", "parent_code": "FORV", "level": "enhet"}, "Kolumnen code saknas"),
        ({"code": "X", "name": "x", "parent_code": "FORV", "level": "skola"}, "Okänd nivå"),
        (
            {"code": "X", "name": "x", "parent_code": "FORV", "level": "enhet", "laws": "SoL;PBL"},
            "Okänd lag",
        ),
        ({"code": "X", "name": "x", "parent_code": "NOPE", "level": "enhet"}, "okänd överordnad kod NOPE"),
        ({"code": "X", "name": "x", "parent_code": "E1", "level": "enhet"}, "kan inte ligga under"),
        (
            {"code": "X", "name": "x", "parent_code": "OLD", "level": "enhet"},
            "den överordnade enheten OLD är avvecklad",
        ),
        ({"code": "X", "name": "x", "parent_code": "", "level": "enhet"}, "bara nämnden ligger överst"),
        ({"code": "OLD", "name": "y", "parent_code": "VO", "level": "enhet"}, "enheten är avvecklad"),
        ({"code": "E1", "name": "E1", "parent_code": "VO", "level": "avdelning"}, "nivån kan inte ändras"),
        (
            {"code": "VO", "name": "VO", "parent_code": "E1", "level": "verksamhetsomrade"},
            "egna underenheter",
        ),
    ],
)
def test_a_unit_row_is_rejected_with_the_reason(row: dict[str, str], reason: str) -> None:
    result = plan([row])
    rejected = [r for r in result.results if r.outcome is im.Outcome.REJECTED]
    assert len(rejected) == 1 and reason in (rejected[0].reason or ""), rejected
    assert result.operations == []


def test_rows_under_a_rejected_row_and_rows_in_a_cycle_are_rejected_too() -> None:
    result = plan(
        [
            {"code": "A", "name": "a", "parent_code": "B", "level": "enhet"},
            {"code": "B", "name": "b", "parent_code": "A", "level": "enhet"},
            {"code": "P", "name": "p", "parent_code": "NOPE", "level": "verksamhetsomrade"},
            {"code": "C", "name": "c", "parent_code": "P", "level": "enhet"},
            {"code": "C", "name": "c again", "parent_code": "VO", "level": "enhet"},
        ],
        [{"subject": "sub-c", "email": "c@x.se", "name": "C", "roles": "enhetschef@C"}],
    )
    reasons = {(r.row, r.key): r.reason for r in result.results}
    assert "cykel" in (reasons[(1, "A")] or "") and "cykel" in (reasons[(2, "B")] or "")
    assert reasons[(4, "C")] == "den överordnade enheten P (rad 3) avvisades"
    assert reasons[(5, "C")] == "koden C finns också på rad 4"
    assert reasons[(1, "sub-c")] == "enheten C (rad 4) avvisades"
    assert result.operations == []


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"email": "a@x.se", "name": "A"}, "Kolumnen subject saknas"),
        ({"subject": "s", "email": "not-an-address", "name": "A"}, "ingen e-postadress"),
        ({"subject": "s", "email": "a@x.se", "name": "A", "roles": "enhetschef"}, "roll@enhetskod"),
        ({"subject": "s", "email": "a@x.se", "name": "A", "roles": "rektor@E1"}, "Okänd roll"),
        ({"subject": "s", "email": "a@x.se", "name": "A", "roles": "enhetschef@NOPE"}, "okänd enhetskod"),
        (
            {"subject": "s", "email": "a@x.se", "name": "A", "roles": "enhetschef@OLD"},
            "enheten OLD är avvecklad",
        ),
        ({"subject": "sub-gone", "email": "gone@x.se", "name": "Gone"}, "inaktiverad"),
        ({"subject": "client:lifecare", "email": "l@x.se", "name": "L"}, "systemklient"),
    ],
)
def test_a_person_row_is_rejected_with_the_reason(row: dict[str, str], reason: str) -> None:
    result = plan(people=[row])
    assert result.results[0].outcome is im.Outcome.REJECTED
    assert reason in (result.results[0].reason or "")
    assert result.operations == []


def test_the_same_subject_twice_is_rejected_the_second_time() -> None:
    row = {"subject": "s", "email": "a@x.se", "name": "A"}
    result = plan(people=[row, row])
    assert [r.outcome for r in result.results] == [im.Outcome.CREATED, im.Outcome.REJECTED]


def test_roles_the_file_no_longer_lists_are_ended_only_when_asked() -> None:
    people = [{"subject": "sub-anna", "email": "anna@x.se", "name": "Anna", "roles": ""}]
    assert plan(people=people).operations == []
    ended = plan(people=people, end_missing_roles=True)
    assignment = SNAPSHOT.people["sub-anna"].roles[0].assignment_id
    assert ended.operations == [im.EndRoleOp(assignment)]
    assert outcome(ended, "sub-anna").changes == ("roll avslutad: enhetschef@E1",)


def test_an_importer_with_a_narrower_scope_changes_only_units_within_it() -> None:
    scoped = im.OrgSnapshot(SNAPSHOT.units, SNAPSHOT.people, SNAPSHOT.client_subjects, frozenset({VO, ENHET}))
    result = plan(
        [
            {"code": "E2", "name": "ok", "parent_code": "VO", "level": "enhet"},
            {"code": "VO3", "name": "no", "parent_code": "FORV", "level": "verksamhetsomrade"},
            {"code": "VO", "name": "renamed", "parent_code": "FORV", "level": "verksamhetsomrade"},
            {"code": "E1", "name": "E1", "parent_code": "FORV", "level": "enhet"},
        ],
        [{"subject": "s", "email": "s@x.se", "name": "S", "roles": "mas@FORV"}],
        scoped,
    )
    assert outcome(result, "E2").outcome is im.Outcome.CREATED
    assert outcome(result, "VO3").reason == "FORV ligger utanför ditt ansvarsområde"
    assert outcome(result, "VO").changes == ("namn: VO → renamed",)  # VO itself is in scope
    assert outcome(result, "E1").reason == "FORV ligger utanför ditt ansvarsområde"  # moving there is not
    assert outcome(result, "s").reason == "enheten FORV ligger utanför ditt ansvarsområde"


def test_a_csv_export_with_semicolons_and_a_bom_reads_like_json() -> None:
    text = "\ufeffCode;Name;Parent_code;Level;Laws\nE2;Enhet två;VO;enhet;SoL,HSL\n"
    assert im.read_csv(text) == [
        {"code": "E2", "name": "Enhet två", "parent_code": "VO", "level": "enhet", "laws": "SoL,HSL"}
    ]
    comma = 'subject,email,name,roles\nsub-x,x@x.se,"Ek, Karin","kvalitetsledare@FORV;tf.mas@FORV"\n'
    row = im.read_csv(comma)[0]
    assert im.parse_person_row(row).roles == ((Role.KVALITETSLEDARE, "FORV", False), (Role.MAS, "FORV", True))
    assert row["name"] == "Ek, Karin"
