"""Attachments on a deviation; Idempotency-Key on creating POSTs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from deviation_svc.adapters.orm import Attachment, Deviation, idempotency


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


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


async def _upload(
    svc: Any, deviation_id: str, person: str, name: str, data: bytes, kind: str, **kw: Any
) -> Any:
    files = {"file": (name, data, kind)}
    return await svc.call("POST", f"/api/v1/deviations/{deviation_id}/attachments", person, files=files, **kw)


async def test_attachments_are_written_by_the_reporter_and_the_cases_handlers_not_by_its_readers(
    svc: Any,
) -> None:
    d = await svc.report()  # a lex_sarah report by medarbetare_a in enhet_a
    assert (await _upload(svc, d["id"], "medarbetare_a", "a.png", PNG, "image/png")).status_code == 201
    assert (await _upload(svc, d["id"], "enhetschef_a", "b.png", PNG, "image/png")).status_code == 201
    assert (await _upload(svc, d["id"], "sas", "c.png", PNG, "image/png")).status_code == 201
    # the kvalitetsledare reads every case in her scope (need-to-know) but does not write to it
    refused = await _upload(svc, d["id"], "kvalitetsledare", "d.png", PNG, "image/png")
    assert refused.status_code == 403 and refused.json()["type"] == "/problems/forbidden"
    assert "bifoga filer" in refused.json()["detail"]
    # another medarbetare cannot see the report at all
    assert (await _upload(svc, d["id"], "medarbetare_b", "e.png", PNG, "image/png")).status_code == 404


async def test_an_attachment_is_checked_by_its_bytes_and_executables_are_refused(svc: Any) -> None:
    d = await svc.report()
    for name, data, kind in (
        ("bild.png", b"MZ\x90\x00" + b"\x00" * 60, "image/png"),  # a Windows program dressed as a PNG
        ("bild.png", b"%PDF-1.7\n" + b"x" * 20, "image/png"),  # a PDF said to be a PNG
        ("text.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 20, "text/plain"),  # a Linux program as text
        ("text.txt", b"#!/bin/sh\nrm -rf /\n", "text/plain"),  # a script
        ("text.txt", PNG, "text/plain"),  # an image said to be text
    ):
        r = await _upload(svc, d["id"], "enhetschef_a", name, data, kind)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "file", (name, kind, r.text)
    ok = await _upload(
        svc, d["id"], "enhetschef_a", "anteckning.txt", "Åtgärd vidtagen".encode(), "text/plain"
    )
    assert ok.status_code == 201
    pdf = await _upload(svc, d["id"], "enhetschef_a", "r.pdf", b"%PDF-1.7\n" + b"x" * 20, "application/pdf")
    assert pdf.status_code == 201


async def test_file_names_lose_paths_control_and_bidi_characters(svc: Any) -> None:
    d = await svc.report()
    r = await _upload(svc, d["id"], "enhetschef_a", "../../rapport\u202egnp\u200b.exe", PNG, "image/png")
    a = r.json()
    assert r.status_code == 201 and a["filename"] == "rapportgnp.exe"
    got = await svc.call("GET", f"/api/v1/deviations/{d['id']}/attachments/{a['id']}", "enhetschef_a", 200)
    assert "%E2%80%AE" not in got.headers["content-disposition"]


async def test_a_repeated_idempotency_key_on_an_upload_answers_as_the_first_time(svc: Any) -> None:
    d = await svc.report()
    key = {"Idempotency-Key": "upload-1"}
    first = await _upload(svc, d["id"], "enhetschef_a", "a.png", PNG, "image/png", headers=key)
    again = await _upload(svc, d["id"], "enhetschef_a", "a.png", PNG, "image/png", headers=key)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    other = await _upload(svc, d["id"], "enhetschef_a", "a.png", PNG + b"\x01", "image/png", headers=key)
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    async with svc.runtime.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Attachment)) == 1
        stored = (await session.execute(select(idempotency.c.key_hash))).scalars().all()
    assert stored and "upload-1" not in stored  # the key is kept only as its hash
