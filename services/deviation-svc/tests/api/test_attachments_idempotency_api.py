"""Attachments on a deviation; Idempotency-Key on creating POSTs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from deviation_svc.adapters.orm import Deviation


async def test_an_attachment_is_uploaded_listed_and_downloaded(svc: Any) -> None:
    d = await svc.report()
    files = {"file": ("foto.png", b"\x89PNG fake image", "image/png")}
    up = await svc.call(
        "POST", f"/api/v1/deviations/{d['id']}/attachments", "medarbetare_a", 201, files=files
    )
    a = up.json()
    assert a["filename"] == "foto.png" and a["size"] == 15 and a["content_type"] == "image/png"
    listed = (await svc.call("GET", f"/api/v1/deviations/{d['id']}/attachments", "enhetschef_a", 200)).json()
    assert [x["id"] for x in listed["items"]] == [a["id"]]
    got = await svc.call("GET", f"/api/v1/deviations/{d['id']}/attachments/{a['id']}", "enhetschef_a", 200)
    assert got.content == b"\x89PNG fake image" and got.headers["content-type"] == "image/png"
    assert "foto.png" in got.headers["content-disposition"]
    stored = list((svc.runtime.settings.attachments_path()).rglob("*"))
    assert any(p.is_file() for p in stored)
    # outside the scope, or the reporter alone: not found
    assert (
        await svc.call("GET", f"/api/v1/deviations/{d['id']}/attachments/{a['id']}", "enhetschef_c")
    ).status_code == 404
    assert (
        await svc.call("GET", f"/api/v1/deviations/{d['id']}/attachments", "medarbetare_a")
    ).status_code == 404


async def test_the_same_idempotency_key_and_body_returns_the_first_answer(svc: Any) -> None:
    body = {
        "type": "avvikelse",
        "unit_id": svc.unit("enhet_a"),
        "occurred_at": "2026-03-02T08:00:00+01:00",
        "description": "Larm",
    }
    headers = {"Idempotency-Key": "app-123"}
    first = await svc.call("POST", "/api/v1/deviations", "medarbetare_a", 201, json=body, headers=headers)
    again = await svc.call("POST", "/api/v1/deviations", "medarbetare_a", 201, json=body, headers=headers)
    assert again.json()["id"] == first.json()["id"] and again.json()["reference"] == first.json()["reference"]
    async with svc.runtime.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Deviation)) == 1
    assert (await svc.event_types()).count("DeviationReported") == 1


async def test_the_same_idempotency_key_with_another_body_is_422_and_writes_nothing(svc: Any) -> None:
    body = {
        "type": "avvikelse",
        "unit_id": svc.unit("enhet_a"),
        "occurred_at": "2026-03-02T08:00:00+01:00",
        "description": "Larm",
    }
    headers = {"Idempotency-Key": "app-124"}
    await svc.call("POST", "/api/v1/deviations", "medarbetare_a", 201, json=body, headers=headers)
    r = await svc.call(
        "POST", "/api/v1/deviations", "medarbetare_a", json={**body, "description": "Annat"}, headers=headers
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "Idempotency-Key"
    async with svc.runtime.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Deviation)) == 1
    # another caller's key is another key
    other = await svc.call("POST", "/api/v1/deviations", "medarbetare_b", 201, json=body, headers=headers)
    assert other.status_code == 201


async def test_idempotency_keys_cover_every_creating_post(svc: Any) -> None:
    d = await svc.decided()
    key = {"Idempotency-Key": "action-1"}
    action = {"description": "Ny rutin", "horizon": "kort"}
    first = await svc.call(
        "POST", f"/api/v1/deviations/{d['id']}/actions", "enhetschef_a", 201, json=action, headers=key
    )
    again = await svc.call(
        "POST", f"/api/v1/deviations/{d['id']}/actions", "enhetschef_a", 201, json=action, headers=key
    )
    assert first.json()["id"] == again.json()["id"]
    complaint = {
        "kind": "berom",
        "channel": "webbformular",
        "complainant_type": "brukare",
        "unit_id": svc.unit("enhet_a"),
        "text": "Tack",
    }
    c1 = await svc.call(
        "POST", "/api/v1/complaints", "medarbetare_a", 201, json=complaint, headers={"Idempotency-Key": "c"}
    )
    c2 = await svc.call(
        "POST", "/api/v1/complaints", "medarbetare_a", 201, json=complaint, headers={"Idempotency-Key": "c"}
    )
    assert c1.json()["id"] == c2.json()["id"]
