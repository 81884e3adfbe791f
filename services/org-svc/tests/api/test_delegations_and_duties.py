"""Delegations (delegationsordning) and the duty catalogue: who is responsible for a duty at a unit,
now or at a date, walking up the tree and honouring delegations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ..conftest import Harness


def delegation(h: Harness, **fields: Any) -> dict[str, Any]:
    return {
        "decision_type": "ivo_anmalan_lex_sarah",
        "from_role": "socialchef",
        "unit_id": str(h.units["omsorg"]),
        **fields,
    }


async def responsible(h: Harness, unit: str, duty: str, **params: str) -> dict[str, Any]:
    r = await h.call(
        "GET", f"/units/{h.units[unit]}/responsible", params={"duty": duty, **params}, expect=200
    )
    return dict(r.json())


async def test_the_duty_catalogue_names_who_handles_investigates_decides_and_writes(svc: Harness) -> None:
    page = (await svc.call("GET", "/duties", "medarbetare_a", expect=200)).json()
    assert page["next_cursor"] is None
    duties = {d["duty"]: d for d in page["items"]}
    assert duties["handle_deviations"]["roles"] == ["enhetschef"]
    assert duties["investigate_lex_sarah"]["roles"] == ["sas"]
    assert duties["investigate_lex_maria"]["roles"] == ["mas"]
    assert duties["decide_ivo_lex_sarah"]["roles"] == ["socialchef", "forvaltningschef"]
    assert duties["decide_ivo_lex_maria"]["decision_type"] == "ivo_anmalan_lex_maria"
    assert duties["inform_namnd"]["roles"] == ["socialchef", "forvaltningschef"]
    assert duties["write_kvalitetsberattelse"]["roles"] == ["kvalitetsledare"]
    assert duties["write_patientsakerhetsberattelse"]["roles"] == ["mas"]
    assert duties["review_routines"]["roles"] == ["enhetschef"]


async def test_the_responsible_person_is_found_walking_up_the_tree(svc: Harness) -> None:
    found = await responsible(svc, "enhet_a", "decide_ivo_lex_maria")
    assert [p["name"] for p in found["people"]] == ["mas"] and found["applies"] and not found["delegated"]
    assert found["people"][0]["unit_id"] == str(svc.units["forvaltning"])
    assert [p["name"] for p in (await responsible(svc, "enhet_a", "handle_deviations"))["people"]] == [
        "enhetschef_a"
    ]
    assert (await responsible(svc, "enhet_c", "investigate_lex_maria"))["applies"] is False


async def test_a_delegated_lex_sarah_decision_goes_to_the_delegate_from_the_day_it_applies(
    svc: Harness,
) -> None:
    avd = await svc.person("avdelningschef", ("avdelningschef", "omsorg"))
    since = datetime.now(UTC) - timedelta(days=30)
    body = delegation(
        svc, to_person_id=str(avd), valid_from=since.isoformat(), reference="Delegationsordning 3.2"
    )
    granted = await svc.call("POST", "/delegations", json=body, expect=201)
    assert granted.json()["to_person_id"] == str(avd)

    found = await responsible(svc, "enhet_a", "decide_ivo_lex_sarah")
    assert found["delegated"]
    assert [(p["name"], p["delegation_id"]) for p in found["people"]] == [
        ("avdelningschef", granted.json()["id"])
    ]
    assert [p["name"] for p in found["owners"]] == ["socialchef"]
    before = await responsible(
        svc, "enhet_a", "decide_ivo_lex_sarah", at=(since - timedelta(days=1)).isoformat()
    )
    assert [p["name"] for p in before["people"]] == ["socialchef"] and not before["delegated"]
    elsewhere = await responsible(svc, "enhet_c", "decide_ivo_lex_sarah")
    assert [p["name"] for p in elsewhere["people"]] == ["socialchef"]
    me = (await svc.call("GET", "/me", "avdelningschef")).json()
    assert me["delegations"] == [
        {
            "decision_type": "ivo_anmalan_lex_sarah",
            "from_role": "socialchef",
            "unit_id": str(svc.units["omsorg"]),
        }
    ]

    await svc.call("POST", f"/delegations/{granted.json()['id']}/revoke", json={}, expect=200)
    assert not (await responsible(svc, "enhet_a", "decide_ivo_lex_sarah"))["delegated"]
    assert (await svc.call("GET", "/me", "avdelningschef")).json()["delegations"] == []
    await svc.call("POST", f"/delegations/{granted.json()['id']}/revoke", json={}, expect=409)


async def test_the_responsible_person_at_a_date_is_the_one_who_held_the_role_then(svc: Harness) -> None:
    await svc.person("tidigare")
    await svc.person("vikarie")
    await svc.assign(
        "tidigare",
        "enhetschef",
        "enhet_b",
        valid_from="2024-01-01T00:00:00+01:00",
        valid_to="2025-07-01T00:00:00+02:00",
    )
    await svc.assign("vikarie", "enhetschef", "enhet_b", valid_from="2025-07-01T00:00:00+02:00", acting=True)
    then = await responsible(svc, "enhet_b", "review_routines", at="2025-03-01")
    assert [p["name"] for p in then["people"]] == ["tidigare"]
    now = await responsible(svc, "enhet_b", "review_routines")
    assert [(p["name"], p["acting"]) for p in now["people"]] == [("vikarie", True)]


async def test_a_delegation_must_come_from_the_role_that_owns_the_decision(svc: Harness) -> None:
    person = str(svc.people["enhetschef_a"])
    await svc.call(
        "POST", "/delegations", json=delegation(svc, from_role="enhetschef", to_person_id=person), expect=422
    )
    await svc.call(
        "POST",
        "/delegations",
        json=delegation(svc, decision_type="semester", to_person_id=person),
        expect=422,
    )
    await svc.call("POST", "/delegations", json=delegation(svc), expect=422)
    await svc.call(
        "POST", "/delegations", "socialchef", json=delegation(svc, to_person_id=person), expect=403
    )
    await svc.call("POST", "/delegations", "lss_admin", json=delegation(svc, to_person_id=person), expect=403)
    lss = delegation(svc, unit_id=str(svc.units["lss"]), to_role="avdelningschef")
    await svc.call("POST", "/delegations", "lss_admin", json=lss, expect=201)


async def test_unknown_duties_are_bad_input(svc: Harness) -> None:
    await svc.call(
        "GET", f"/units/{svc.units['enhet_a']}/responsible", params={"duty": "make_coffee"}, expect=422
    )
