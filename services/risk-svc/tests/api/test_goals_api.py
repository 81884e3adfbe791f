"""Goals, indicators, their values and activities, and the styrkort through the API
(docs/goals-and-forums.md §1). The clock stands at 2026-03-10: February is the latest ended month."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

GOALS = "/api/v1/risk/goals"
INDICATORS = "/api/v1/risk/indicators"
SHARE = {
    "definition": "Besök av kontaktmannagruppen delat med alla besök under månaden",
    "unit_of_measure": "procent",
    "direction": "higher_is_better",
    "target": 85,
    "threshold": 75,
    "frequency": "manadsvis",
    "aggregation": "rate",
    "rate_scale": 100,
}


async def _goal(svc: Any, person: str, unit: str, title: str, parent: dict[str, Any] | None = None) -> Any:
    body = {"unit_id": svc.unit(unit), "title": title, "perspective": "malgrupp", "from_year": 2026}
    if parent is not None:
        body["parent_id"] = parent["id"]
    return await svc.json("POST", GOALS, person, 201, json=body)


async def _tree(svc: Any) -> dict[str, Any]:
    """nämndmål → förvaltningens mål → verksamhetens mål (omsorg) → enhetens mål (enhet_a, enhet_b)."""
    namnd = await _goal(svc, "kvalitetsledare", "namnd", "Trygg omsorg")
    forvaltning = await _goal(svc, "kvalitetsledare", "forvaltning", "Kontinuitet i omsorgen", namnd)
    omsorg = await _goal(svc, "kvalitetsledare", "omsorg", "Färre personer per brukare", forvaltning)
    a = await _goal(svc, "enhetschef_a", "enhet_a", "Fasta grupper i hemtjänst A", omsorg)
    b = await _goal(svc, "kvalitetsledare", "enhet_b", "Fasta grupper i hemtjänst B", omsorg)
    return {"namnd": namnd, "forvaltning": forvaltning, "omsorg": omsorg, "enhet_a": a, "enhet_b": b}


async def _indicator(svc: Any, person: str, goal: dict[str, Any], **extra: Any) -> Any:
    body = {"goal_id": goal["id"], "name": "Andel besök av ordinarie personal", **SHARE, **extra}
    return await svc.json("POST", INDICATORS, person, 201, json=body)


async def test_goals_form_a_tree_by_the_units_levels(svc: Any) -> None:
    tree = await _tree(svc)
    assert [tree[k]["level"] for k in ("namnd", "forvaltning", "omsorg", "enhet_a")] == [
        "namndmal",
        "forvaltningsmal",
        "verksamhetsmal",
        "enhetsmal",
    ]
    orphan = await svc.call(
        "POST", GOALS, "enhetschef_a", 422, json={"unit_id": svc.unit("enhet_a"), "title": "X"}
    )
    assert orphan.json()["errors"][0]["field"] == "parent_id"
    sideways = await svc.call(
        "POST",
        GOALS,
        "enhetschef_a",
        422,
        json={"unit_id": svc.unit("enhet_a"), "title": "X", "parent_id": tree["enhet_b"]["id"]},
    )
    assert sideways.json()["errors"][0]["field"] == "parent_id"
    elsewhere = {"unit_id": svc.unit("enhet_c"), "title": "X", "parent_id": tree["forvaltning"]["id"]}
    await svc.call("POST", GOALS, "enhetschef_a", 403, json=elsewhere)
    parent = await svc.json("GET", f"{GOALS}/{tree['omsorg']['id']}", "enhetschef_a", 404)
    assert parent["detail"] == "Målet finns inte"
    busy = await svc.call("POST", f"{GOALS}/{tree['omsorg']['id']}/end", "kvalitetsledare", 409)
    assert "nedbrutna" in busy.json()["detail"]
    (event, *_) = await svc.events("GoalSet")
    assert event["level"] == "namndmal" and event["title"] == "Trygg omsorg"


async def test_a_value_below_the_gransvarde_requires_an_activity_due_next_month(svc: Any) -> None:
    tree = await _tree(svc)
    indicator = await _indicator(svc, "enhetschef_a", tree["enhet_a"])
    path = f"{INDICATORS}/{indicator['id']}/measurements"
    low = {"period": "2026-02", "numerator": 140, "denominator": 200, "comment": "Många vikarier"}
    refused = await svc.call("POST", path, "enhetschef_a", 422, json=low)
    assert refused.json()["errors"][0]["field"] == "activities"
    assert "under gränsvärdet" in refused.json()["errors"][0]["message"]
    owner = svc.person("medarbetare_a")
    too_late = {"description": "Introducera vikarier", "owner_id": owner, "due_date": "2026-05-01"}
    late = await svc.call("POST", path, "enhetschef_a", 422, json={**low, "activities": [too_late]})
    assert late.json()["errors"][0]["field"] == "activity.due_date"
    assert "senast 2026-04-30" in late.json()["errors"][0]["message"]
    activity = {**too_late, "due_date": "2026-04-30"}
    recorded = await svc.json("POST", path, "enhetschef_a", 201, json={**low, "activities": [activity]})
    assert (float(recorded["value"]), recorded["status"]) == (70, "under_threshold")
    assert [a["owner_id"] for a in recorded["activities"]] == [owner]
    (measured,) = await svc.events("IndicatorMeasured")
    assert (measured["period"], measured["status"]) == ("2026-02", "under_threshold")
    (planned,) = await svc.events("IndicatorActivityPlanned")
    assert planned["due_date"] == "2026-04-30"
    # The activity still runs: a correction that stays below needs no new one (and replaces: 200).
    corrected = await svc.json("POST", path, "enhetschef_a", 200, json={**low, "numerator": 142})
    assert corrected["id"] == recorded["id"] and float(corrected["value"]) == 71
    svc.clock.set(datetime(2026, 5, 2, 8, tzinfo=UTC))
    await svc.worker.tick()
    await svc.worker.tick()
    missed = await svc.events("DeadlineMissed")
    assert [(e["rule"], e["object_type"], e["object_id"]) for e in missed] == [
        ("actions_due", "indicator_activity", recorded["activities"][0]["id"])
    ]
    # Past its due date it covers nothing: a new low value needs a new activity.
    await svc.call("POST", path, "enhetschef_a", 422, json={**low, "period": "2026-04"})
    done = await svc.json(
        "POST", f"/api/v1/risk/activities/{planned['activity_id']}/complete", "medarbetare_a"
    )
    assert done["status"] == "completed"


async def test_a_rolled_up_styrkort_agrees_with_its_parts(svc: Any) -> None:
    tree = await _tree(svc)
    parent = await _indicator(svc, "kvalitetsledare", tree["omsorg"])
    a = await _indicator(svc, "enhetschef_a", tree["enhet_a"], parent_indicator_id=parent["id"])
    b = await _indicator(svc, "kvalitetsledare", tree["enhet_b"], parent_indicator_id=parent["id"])
    values = {a["id"]: (80, 100), b["id"]: (45, 50)}  # 80 % (between), 90 % (over target)
    for indicator_id, (numerator, denominator) in values.items():
        for month in ("2025-02", "2026-02"):
            await svc.json(
                "POST",
                f"{INDICATORS}/{indicator_id}/measurements",
                "kvalitetsledare",
                201,
                json={"period": month, "numerator": numerator, "denominator": denominator},
            )
    card = await svc.json("GET", f"/api/v1/risk/scorecards/{svc.unit('omsorg')}", "kvalitetsledare")
    (line,) = card["lines"]
    assert line["period"] == "2026-02"
    # Σ numerators / Σ denominators, never the mean of 80 and 90.
    assert {k: float(v) for k, v in line["value"].items()} == {
        "value": 83.33,
        "numerator": 125,
        "denominator": 150,
    }
    assert (line["combined"]["parts"], line["combined"]["missing"]) == (2, 0)
    assert line["status"] == "between"
    assert len(line["trend"]) == 13 and line["trend"][0]["period"] == "2025-02"
    assert (
        line["trend"][0]["value"] == line["trend"][-1]["value"] == "83.33" and line["change"] == "unchanged"
    )
    assert sorted((c["unit_name"], c["status"]) for c in line["children"]) == [
        ("enhet_a", "between"),
        ("enhet_b", "over_target"),
    ]
    children = {c["unit_name"]: c["summary"] for c in card["children"]}
    assert children == {"enhet_a": "between", "enhet_b": "over_target"}
    assert card["summary"] == "between"
    pdf = await svc.call(
        "GET",
        f"/api/v1/risk/scorecards/{svc.unit('omsorg')}",
        "kvalitetsledare",
        200,
        headers={"Accept": "application/pdf"},
    )
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    for unit in ("enhet_a", "enhet_b"):
        part = await svc.json("GET", f"/api/v1/risk/scorecards/{svc.unit(unit)}", "kvalitetsledare")
        assert float(part["lines"][0]["value"]["value"]) in {80, 90} and part["children"] == []
    await svc.call("GET", f"/api/v1/risk/scorecards/{svc.unit('lss')}", "enhetschef_a", 404)
