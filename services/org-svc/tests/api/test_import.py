"""Bulk import of an organisation from an HR/AD export (JSON or CSV): idempotent, every change an
event, with a report of created, changed and rejected rows and why."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ..conftest import Harness

UNITS = [
    {"code": "SN", "name": "Socialnämnden", "parent_code": "", "level": "namnd"},
    {
        "code": "FORV",
        "name": "Socialförvaltningen",
        "parent_code": "SN",
        "level": "forvaltning",
        "laws": "SoL;LSS;HSL",
    },
    {"code": "E-SOL", "name": "Solgården", "parent_code": "VO-AO", "level": "enhet", "laws": ["SoL", "HSL"]},
    {
        "code": "VO-AO",
        "name": "Vård och omsorg",
        "parent_code": "FORV",
        "level": "verksamhetsomrade",
        "laws": "SoL,HSL",
    },
    {"code": "E-X", "name": "Trasig", "parent_code": "NOPE", "level": "enhet"},
]
PEOPLE = [
    {"subject": "hr:1", "email": "eva@kommun.se", "name": "Eva Lind", "roles": ["socialchef@FORV"]},
    {
        "subject": "hr:2",
        "email": "erik@kommun.se",
        "name": "Erik Sand",
        "roles": "enhetschef@E-SOL; tf.enhetschef@E-X",
    },
    {"subject": "hr:3", "email": "mia@kommun.se", "name": "Mia Strand", "roles": "medarbetare@E-SOL"},
]


async def outbox_count(h: Harness) -> int:
    from org_svc.adapters.orm import messaging

    async with h.runtime.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(messaging.outbox)) or 0)


async def run(h: Harness, who: str = "admin", **body: Any) -> dict[str, Any]:
    return dict((await h.call("POST", "/imports", who, json=body, expect=200)).json())


async def test_an_import_creates_what_is_new_and_reports_every_row(bare: Harness) -> None:
    report = await run(bare, units=UNITS, people=PEOPLE)
    assert (report["created"], report["changed"], report["unchanged"], report["rejected"]) == (5, 0, 1, 2)
    rows = {(r["kind"], r["key"]): r for r in report["rows"]}
    assert rows[("unit", "SN")]["outcome"] == "unchanged"  # a nämnd without parent: the root
    assert rows[("unit", "E-X")]["reason"] == "okänd överordnad kod NOPE"
    assert rows[("person", "hr:2")]["reason"] == "enheten E-X (rad 5) avvisades"
    units = {u["code"]: u for u in (await bare.call("GET", "/units", expect=200)).json()["items"]}
    assert units["E-SOL"]["parent_id"] == units["VO-AO"]["id"] and units["E-SOL"]["laws"] == ["SoL", "HSL"]
    eva = await bare.client.get(
        "/api/v1/org/me", headers={"Authorization": f"Bearer {bare.tokens.mint('hr:1')}"}
    )
    assert eva.json()["roles"][0]["role"] == "socialchef"


async def test_importing_the_same_file_again_changes_nothing(bare: Harness) -> None:
    await run(bare, units=UNITS, people=PEOPLE)
    events = await outbox_count(bare)
    again = await run(bare, units=UNITS, people=PEOPLE)
    assert (again["created"], again["changed"], again["rejected"]) == (0, 0, 2)
    assert again["unchanged"] == 6
    assert await outbox_count(bare) == events


async def test_a_changed_file_renames_moves_and_corrects_and_says_so(bare: Harness) -> None:
    await run(bare, units=UNITS[:4], people=PEOPLE[:1])
    changed_units = [
        *UNITS[:3],
        {"code": "VO-AO", "name": "Äldreomsorg", "parent_code": "FORV", "level": "verksamhetsomrade"},
        {
            "code": "VO-FS",
            "name": "Funktionsstöd",
            "parent_code": "FORV",
            "level": "verksamhetsomrade",
            "laws": "LSS",
        },
    ]
    changed_units[2] = {**changed_units[2], "parent_code": "VO-FS"}
    people = [{**PEOPLE[0], "email": "eva.lind@kommun.se", "roles": ["socialchef@FORV", "tf.mas@FORV"]}]
    report = await run(bare, units=changed_units, people=people)
    rows = {r["key"]: r for r in report["rows"]}
    assert rows["VO-AO"]["changes"] == ["namn: Vård och omsorg → Äldreomsorg"]
    assert rows["E-SOL"]["changes"] == ["överordnad: VO-AO → VO-FS"]
    assert rows["VO-FS"]["outcome"] == "created"
    assert rows["hr:1"]["changes"] == [
        "e-post: eva@kommun.se → eva.lind@kommun.se",
        "roll tillagd: tf.mas@FORV",
    ]
    history = await bare.call("GET", "/units", params={"code": "E-SOL"}, expect=200)
    unit_id = history.json()["items"][0]["id"]
    kinds = [c["kind"] for c in (await bare.call("GET", f"/units/{unit_id}/history")).json()["items"]]
    assert kinds == ["created", "moved"]


async def test_a_dry_run_reports_without_changing_anything(bare: Harness) -> None:
    events = await outbox_count(bare)
    report = await run(bare, units=UNITS, people=PEOPLE, dry_run=True)
    assert report["dry_run"] and report["created"] == 5
    assert await outbox_count(bare) == events
    assert len((await bare.call("GET", "/units", expect=200)).json()["items"]) == 1


async def test_roles_missing_from_the_file_are_ended_when_asked(bare: Harness) -> None:
    await run(bare, units=UNITS[:4], people=PEOPLE[2:])
    moved = [{**PEOPLE[2], "roles": "medarbetare@VO-AO"}]
    report = await run(bare, units=[], people=moved, end_missing_roles=True)
    assert report["rows"][0]["changes"] == [
        "roll tillagd: medarbetare@VO-AO",
        "roll avslutad: medarbetare@E-SOL",
    ]
    mia = await bare.client.get(
        "/api/v1/org/me", headers={"Authorization": f"Bearer {bare.tokens.mint('hr:3')}"}
    )
    assert [r["role"] for r in mia.json()["roles"]] == ["medarbetare"] and len(mia.json()["roles"]) == 1


async def test_a_csv_export_imports_like_json(bare: Harness) -> None:
    units_csv = (
        "code;name;parent_code;level;laws\n"
        "SN;Socialnämnden;;namnd;\n"
        "FORV;Förvaltningen;SN;forvaltning;SoL,HSL\n"
    )
    people_csv = 'subject,email,name,roles\nhr:9,k@kommun.se,"Ek, Karin",utvecklingsledare@FORV\n'
    files = {
        "units": ("units.csv", units_csv.encode("utf-8-sig"), "text/csv"),
        "people": ("people.csv", people_csv.encode(), "text/csv"),
    }
    response = await bare.call("POST", "/imports/csv", files=files, expect=200)
    rows = {r["key"]: r for r in response.json()["rows"]}
    assert rows["FORV"]["outcome"] == "created" and rows["hr:9"]["outcome"] == "created"
    again = await bare.call("POST", "/imports/csv", files=files, expect=200)
    assert again.json()["created"] == again.json()["changed"] == 0
    karin = await bare.client.get(
        "/api/v1/org/me", headers={"Authorization": f"Bearer {bare.tokens.mint('hr:9')}"}
    )
    assert karin.json()["name"] == "Ek, Karin" and karin.json()["roles"][0]["role"] == "kvalitetsledare"


async def test_only_a_systemadministrator_imports_and_only_within_scope(svc: Harness) -> None:
    await svc.call("POST", "/imports", "socialchef", json={"units": []}, expect=403)
    report = await run(
        svc,
        "lss_admin",
        units=[
            {"code": "E-NY", "name": "Ny", "parent_code": "LSS", "level": "enhet"},
            {"code": "E-NO", "name": "Nej", "parent_code": "OMSORG", "level": "enhet"},
        ],
    )
    rows = {r["key"]: r for r in report["rows"]}
    assert rows["E-NY"]["outcome"] == "created"
    assert rows["E-NO"]["reason"] == "OMSORG ligger utanför ditt ansvarsområde"
