"""An anmälan is not marked sent without the provider facts IVO asks for (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def extra_settings() -> dict[str, Any]:
    return {"provider_org_nr": "", "provider_address": " ", "provider_contact": ""}


async def test_marking_sent_without_provider_facts_is_409_listing_what_is_missing(svc: Any) -> None:
    d = await svc.received()
    body = {"degree": "allvarligt_missforhallande", "rationale": "Brukaren skadades allvarligt"}
    await svc.call("POST", f"/api/v1/deviations/{d['id']}/ivo-decision", "socialchef", 201, json=body)
    base = f"/api/v1/deviations/{d['id']}/ivo-notification"
    html = (await svc.call("GET", base, "socialchef", 200, params={"format": "html"})).text
    assert "Uppgifter om verksamheten saknas" in html  # a warning, not a silent dash
    before = await svc.outbox()
    r = await svc.call(
        "POST",
        f"{base}/sent",
        "socialchef",
        json={"sent_at": "2026-03-04T10:00:00+01:00", "ivo_case_number": "1"},
    )
    assert r.status_code == 409, r.text
    detail = r.json()["detail"]
    assert "organisationsnummer" in detail and "adress" in detail and "kontaktperson" in detail
    assert await svc.outbox() == before
