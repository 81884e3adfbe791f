from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from platform_shared.testing import wait_until
from risk_svc.adapters.orm import Risk

RISKS = "/api/v1/risk/risks"


def _body(unit_id: Any, **extra: Any) -> dict[str, Any]:
    return {
        "unit_id": str(unit_id),
        "title": "Bemanning under sommaren",
        "probability": 3,
        "consequence": 3,
        **extra,
    }


async def test_enhetschef_assesses_a_risk_in_own_unit_with_value_band_and_reference(svc: Any) -> None:
    r = await svc.client.post(
        RISKS,
        json=_body(svc.org.units["enhet_a"], description="Semesterperiod"),
        headers=svc.org.auth("enhetschef_a"),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert re.fullmatch(r"RISK-\d{4}-000001", body["reference"])
    assert (body["probability"], body["consequence"], body["risk_value"]) == (3, 3, 9)
    assert body["band"] == "high"
    assert body["status"] == "assessed"
    assert body["probability_label"].startswith("stor") and body["consequence_label"].startswith("betydande")
    assert body["description"] == "Semesterperiod"
    assert body["version"] == 1 and r.headers["etag"] == '"1"'
    second = await svc.client.post(
        RISKS, json=_body(svc.org.units["enhet_a"]), headers=svc.org.auth("enhetschef_a")
    )
    assert second.json()["reference"].endswith("-000002")


async def test_assessing_a_new_risk_emits_identified_and_assessed_without_free_text(svc: Any) -> None:
    r = await svc.client.post(
        RISKS,
        json=_body(svc.org.units["enhet_a"], probability=4, consequence=4),
        headers=svc.org.auth("kvalitetsledare"),
    )
    assert r.status_code == 201, r.text
    assert await svc.event_types() == ["RiskIdentified", "RiskAssessed"]
    events = await svc.events()
    for data in events:
        assert data["risk_id"] == r.json()["id"]
        assert "title" not in data and "description" not in data
    assert events[1]["risk_value"] == 16 and events[1]["band"] == "very_high"


async def test_assessing_needs_risk_manage_in_scope_and_medarbetare_only_contribute(svc: Any) -> None:
    for person, unit in (("enhetschef_a", "enhet_c"), ("medarbetare_a", "enhet_a"), ("namnd", "enhet_a")):
        r = await svc.client.post(RISKS, json=_body(svc.org.units[unit]), headers=svc.org.auth(person))
        assert r.status_code == 403, (person, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    assert await svc.outbox() == []
    contributed = await svc.client.post(
        RISKS,
        json={"unit_id": svc.unit("enhet_a"), "title": "Trasig lyft"},
        headers=svc.org.auth("medarbetare_a"),
    )
    assert contributed.status_code == 201, contributed.text
    assert contributed.json()["status"] == "identified" and contributed.json()["risk_value"] is None
    # the medarbetare sees what they identified, not other risks of the unit
    assert (
        await svc.client.get(f"{RISKS}/{contributed.json()['id']}", headers=svc.auth("medarbetare_a"))
    ).status_code == 200


async def test_unknown_unit_is_422_naming_unit_id(svc: Any) -> None:
    r = await svc.client.post(
        RISKS, json=_body("0190a000-0000-7000-8000-000000000000"), headers=svc.org.auth("socialchef")
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["unit_id"]


async def test_probability_or_consequence_outside_1_to_4_is_422_and_writes_nothing(svc: Any) -> None:
    for extra, field in (
        ({"probability": 5}, "probability"),
        ({"probability": 0}, "probability"),
        ({"consequence": 7}, "consequence"),
        ({"consequence": None}, "consequence"),
    ):
        r = await svc.client.post(
            RISKS, json=_body(svc.org.units["enhet_a"], **extra), headers=svc.org.auth("enhetschef_a")
        )
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert field in {e["field"] for e in r.json()["errors"]}
    async with svc.runtime.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Risk)) == 0
    assert await svc.outbox() == []


async def test_risk_is_readable_in_scope_and_404_outside(svc: Any) -> None:
    r = await svc.client.post(
        RISKS, json=_body(svc.org.units["enhet_a"]), headers=svc.org.auth("enhetschef_a")
    )
    risk_id = r.json()["id"]
    # nämnd members see aggregates only (the matrix), never the risk itself
    for person in ("enhetschef_a", "socialchef", "kvalitetsledare"):
        got = await svc.client.get(f"{RISKS}/{risk_id}", headers=svc.org.auth(person))
        assert got.status_code == 200, person
        assert got.json() == r.json()
    for person in ("enhetschef_c", "medarbetare_a", "admin", "namnd"):
        got = await svc.client.get(f"{RISKS}/{risk_id}", headers=svc.org.auth(person))
        assert got.status_code == 404, person
        assert got.headers["content-type"] == "application/problem+json"
    missing = await svc.client.get(
        f"{RISKS}/0190a000-0000-7000-8000-000000000000", headers=svc.org.auth("socialchef")
    )
    assert missing.status_code == 404


async def test_missing_or_bad_token_is_401(svc: Any) -> None:
    r = await svc.client.post(RISKS, json=_body(svc.org.units["enhet_a"]))
    assert r.status_code == 401
    r = await svc.client.get(
        f"{RISKS}/0190a000-0000-7000-8000-000000000000", headers={"Authorization": "Bearer not-a-jwt"}
    )
    assert r.status_code == 401


async def test_risk_events_are_published_by_the_relay(svc: Any) -> None:
    await svc.client.post(RISKS, json=_body(svc.org.units["enhet_a"]), headers=svc.org.auth("enhetschef_a"))
    outbox = svc.runtime.messaging.outbox

    async def published() -> bool:
        async with svc.runtime.session_factory() as session:
            return (
                await session.scalar(
                    select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
                )
            ) == 0

    await wait_until(published)
