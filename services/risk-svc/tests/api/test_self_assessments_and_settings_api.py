"""Egenkontroll and the tenant's settings through the API."""

from __future__ import annotations

from typing import Any

SELF = "/api/v1/risk/self-assessments"
SETTINGS = "/api/v1/risk/settings"


async def test_an_egenkontroll_with_kolada_figures_is_completed_and_reported(svc: Any) -> None:
    planned = await svc.json(
        "POST",
        SELF,
        "enhetschef_a",
        201,
        json={
            "unit_id": svc.unit("enhet_a"),
            "area": "Brukarnöjdhet särskilt boende",
            "method": "kolada",
            "period_from": "2025-01-01",
            "period_to": "2025-12-31",
        },
    )
    assert planned["status"] == "draft"
    no_figures = await svc.client.post(
        f"{SELF}/{planned['id']}/complete",
        json={"result": "brister", "analysis": "Lägre än riket"},
        headers=svc.auth("enhetschef_a"),
    )
    assert no_figures.status_code == 422 and no_figures.json()["errors"][0]["field"] == "figures"
    done = await svc.json(
        "POST",
        f"{SELF}/{planned['id']}/complete",
        "enhetschef_a",
        json={
            "result": "brister",
            "analysis": "Lägre nöjdhet med maten än riket",
            "figures": [
                {"indicator": "U23471", "value": 71.0, "reference_value": 80.0},
                {"indicator": "U23472", "value": 90.0, "reference_value": 85.0},
            ],
            "actions": [{"description": "Matråd med de boende", "due_date": "2026-06-01"}],
        },
    )
    assert done["status"] == "completed" and [f["below_reference"] for f in done["figures"]] == [True, False]
    assert done["actions"][0]["description"] == "Matråd med de boende"
    (event,) = await svc.events("SelfAssessmentCompleted")
    assert event["figures"] == {"U23471": 71.0, "U23472": 90.0} and event["result"] == "brister"
    assert event["method"] == "kolada"
    again = await svc.client.patch(
        f"{SELF}/{planned['id']}", json={"area": "x"}, headers=svc.auth("enhetschef_a")
    )
    assert again.status_code == 409
    for person, expected in (("namnd", 404), ("enhetschef_c", 404), ("kvalitetsledare", 200)):
        assert (
            await svc.client.get(f"{SELF}/{planned['id']}", headers=svc.auth(person))
        ).status_code == expected


async def test_tenant_band_thresholds_apply_to_new_assessments_and_only_org_wide_managers_change_them(
    svc: Any,
) -> None:
    defaults = await svc.client.get(SETTINGS, headers=svc.auth("enhetschef_a"))
    assert defaults.status_code == 200 and defaults.headers["etag"] == '"0"'
    assert defaults.json()["bands"] == {"medium_from": 4, "high_from": 8, "very_high_from": 12}
    denied = await svc.client.patch(
        SETTINGS, json={"bands": {"very_high_from": 9}}, headers=svc.auth("enhetschef_a")
    )
    assert denied.status_code == 403
    invalid = await svc.client.patch(
        SETTINGS, json={"bands": {"high_from": 13}}, headers=svc.auth("kvalitetsledare")
    )
    assert invalid.status_code == 422
    changed = await svc.client.patch(
        SETTINGS, json={"bands": {"very_high_from": 9}}, headers=svc.at_version("kvalitetsledare", 0)
    )
    assert changed.status_code == 200 and changed.json()["version"] == 1
    assert changed.json()["bands"]["very_high_from"] == 9 and changed.json()["bands"]["high_from"] == 8
    stale = await svc.client.patch(
        SETTINGS, json={"bands": {"high_from": 7}}, headers=svc.at_version("socialchef", 0)
    )
    assert stale.status_code == 412
    risk = await svc.json(
        "POST",
        "/api/v1/risk/risks",
        "enhetschef_a",
        201,
        json={"unit_id": svc.unit("enhet_a"), "title": "Hot och våld", "probability": 3, "consequence": 3},
    )
    assert risk["band"] == "very_high"
