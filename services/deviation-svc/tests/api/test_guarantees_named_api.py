"""A complaint names the värdighetsgarantier it says were not kept: references to risk-svc's garantier,
stored, shown with the complaint and carried by ComplaintReceived so that risk-svc counts them."""

from __future__ import annotations

import uuid
from typing import Any

COMPLAINT = {
    "kind": "klagomal",
    "channel": "telefon",
    "complainant_type": "narstaende",
    "text": "Pappa fick inte duscha den dag han bestämt",
}


async def test_a_complaint_names_the_guarantees_not_kept_and_its_event_carries_them(svc: Any) -> None:
    shower, on_time = str(uuid.uuid4()), str(uuid.uuid4())
    body = {**COMPLAINT, "unit_id": svc.unit("enhet_a"), "guarantee_ids": [shower, on_time, shower]}
    c = (await svc.call("POST", "/api/v1/complaints", "medarbetare_a", 201, json=body)).json()
    assert sorted(c["guarantee_ids"]) == sorted([shower, on_time])  # each named once
    received = (await svc.outbox("ComplaintReceived"))[-1]["data"]
    assert received["guarantee_ids"] == [shower, on_time]
    again = await svc.call("GET", f"/api/v1/complaints/{c['id']}", "enhetschef_a", 200)
    assert sorted(again.json()["guarantee_ids"]) == sorted([shower, on_time])


async def test_a_complaint_names_no_guarantee_unless_given(svc: Any) -> None:
    body = {**COMPLAINT, "unit_id": svc.unit("enhet_a")}
    c = (await svc.call("POST", "/api/v1/complaints", "medarbetare_a", 201, json=body)).json()
    assert c["guarantee_ids"] == []
    assert (await svc.outbox("ComplaintReceived"))[-1]["data"]["guarantee_ids"] == []


async def test_a_named_guarantee_must_be_an_id_and_at_most_ten_are_named(svc: Any) -> None:
    body = {**COMPLAINT, "unit_id": svc.unit("enhet_a"), "guarantee_ids": ["duschgarantin"]}
    r = await svc.call("POST", "/api/v1/complaints", "medarbetare_a", 422, json=body)
    assert [e["field"] for e in r.json()["errors"]] == ["guarantee_ids.0"]
    many = {**body, "guarantee_ids": [str(uuid.uuid4()) for _ in range(11)]}
    r = await svc.call("POST", "/api/v1/complaints", "medarbetare_a", 422, json=many)
    assert [e["field"] for e in r.json()["errors"]] == ["guarantee_ids"]
    assert await svc.outbox("ComplaintReceived") == []
