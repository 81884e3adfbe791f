"""How a unit is run: egen regi, or a private provider under a LOU/LOV contract, kept over time like
the unit's other facts and told to every service in OrgUnitRegiChanged."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from ..conftest import SINCE, Harness

PROVIDER = {
    "procurement_form": "lov",
    "provider_name": "Omsorgshuset Norr AB",
    "organisationsnummer": "5567037485",
    "contract_reference": "SN 2025/118",
    "contract_from": "2025-01-01",
}


async def _events(h: Harness, *types: str) -> list[dict[str, Any]]:
    o = h.runtime.messaging.outbox.c
    async with h.runtime.session_factory() as session:
        rows = await session.execute(select(o.event_type, o.payload).order_by(o.seq))
        return [r.payload["data"] for r in rows if r.event_type in types]


def _unit(h: Harness, **extra: Any) -> dict[str, Any]:
    return {
        "name": "Hemtjänst Norr (LOV)",
        "level": "enhet",
        "parent_id": str(h.units["omsorg"]),
        "laws": ["SoL", "HSL"],
        "valid_from": SINCE.isoformat(),
        **extra,
    }


async def test_a_unit_in_private_regi_keeps_its_provider_and_tells_every_service(svc: Harness) -> None:
    created = (
        await svc.call("POST", "/units", json=_unit(svc, regi="privat", provider=PROVIDER), expect=201)
    ).json()
    assert created["regi"] == "privat"
    assert created["provider"]["organisationsnummer"] == "556703-7485"  # written NNNNNN-NNNN
    assert created["provider"]["procurement_form"] == "lov"
    (told,) = await _events(svc, "OrgUnitRegiChanged")
    assert (told["unit_id"], told["regi"], told["provider_name"]) == (
        created["id"],
        "privat",
        "Omsorgshuset Norr AB",
    )
    # back in egen regi from now: the earlier state is kept (read `at` a time before)
    changed = await svc.call(
        "PATCH",
        f"/units/{created['id']}",
        json={"regi": "egen"},
        headers={"If-Match": f'"{created["version"]}"'},
        expect=200,
    )
    assert changed.json()["regi"] == "egen" and changed.json()["provider"] is None
    before = (
        await svc.call(
            "GET", f"/units/{created['id']}", params={"at": "2025-06-01T00:00:00+00:00"}, expect=200
        )
    ).json()
    assert before["regi"] == "privat" and before["provider"]["provider_name"] == "Omsorgshuset Norr AB"
    assert [e["regi"] for e in await _events(svc, "OrgUnitRegiChanged")] == ["privat", "egen"]


async def test_private_regi_needs_a_provider_and_a_valid_organisationsnummer(svc: Harness) -> None:
    missing = await svc.call("POST", "/units", json=_unit(svc, regi="privat"), expect=422)
    assert missing.json()["detail"] == "En enhet i privat regi anger utförare, upphandlingsform och avtal"
    wrong = {**PROVIDER, "organisationsnummer": "556703-7484"}
    bad = await svc.call("POST", "/units", json=_unit(svc, regi="privat", provider=wrong), expect=422)
    assert bad.json()["detail"] == "Organisationsnumret har fel kontrollsiffra"
    person = {**PROVIDER, "organisationsnummer": "8112189876"}
    refused = await svc.call("POST", "/units", json=_unit(svc, regi="privat", provider=person), expect=422)
    assert "personnummer" in refused.json()["detail"]
    own = await svc.call("POST", "/units", json=_unit(svc, provider=PROVIDER), expect=422)
    assert own.json()["detail"] == "En enhet i egen regi har ingen utförare"
    assert await _events(svc, "OrgUnitRegiChanged") == []


async def test_a_unit_in_egen_regi_says_so(svc: Harness) -> None:
    unit = (await svc.call("GET", f"/units/{svc.units['enhet_a']}", expect=200)).json()
    assert (unit["regi"], unit["provider"]) == ("egen", None)
    assert datetime.now(UTC) > SINCE


async def test_a_units_history_shows_each_regi_change_with_its_provider(svc: Harness) -> None:
    created = (
        await svc.call("POST", "/units", json=_unit(svc, regi="privat", provider=PROVIDER), expect=201)
    ).json()
    new_provider = {**PROVIDER, "provider_name": "Hemtjänst i Väst AB", "organisationsnummer": None}
    await svc.call(
        "PATCH",
        f"/units/{created['id']}",
        json={"regi": "privat", "provider": new_provider, "name": "Hemtjänst Norr (LOV, Väst)"},
        headers={"If-Match": f'"{created["version"]}"'},
        expect=200,
    )
    changes = (await svc.call("GET", f"/units/{created['id']}/history", expect=200)).json()["items"]
    told = [(c["kind"], c["regi"], (c["provider"] or {}).get("provider_name")) for c in changes]
    assert told == [
        ("created", "privat", "Omsorgshuset Norr AB"),
        ("renamed", None, None),
        ("regi_changed", "privat", "Hemtjänst i Väst AB"),
    ]
    assert changes[0]["provider"]["organisationsnummer"] == "556703-7485"
