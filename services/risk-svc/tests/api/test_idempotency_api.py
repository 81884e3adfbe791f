"""Idempotency-Key on every creating POST: the same key and body answer as the first time (one object);
another body with the key is 422 and writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from risk_svc.adapters.orm import ControlPlanRow, Risk, RiskAction, RiskAnalysis, SelfAssessment

RISKS = "/api/v1/risk/risks"
PLANS = "/api/v1/risk/control-plans"


async def _count(svc: Any, model: Any) -> int:
    async with svc.runtime.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _twice(svc: Any, path: str, person: str, body: dict[str, Any], key: str, expect: int = 201) -> Any:
    """The same request twice with one key: both answer `expect` with the same object."""
    headers = {"Idempotency-Key": key}
    first = await svc.json("POST", path, person, expect, json=body, headers=headers)
    again = await svc.json("POST", path, person, expect, json=body, headers=headers)
    assert again["id"] == first["id"]
    return again


async def test_the_same_idempotency_key_identifies_one_risk_and_another_body_is_422(svc: Any) -> None:
    body = {"unit_id": svc.unit("enhet_a"), "title": "Fallrisk", "probability": 3, "consequence": 3}
    risk = await _twice(svc, RISKS, "enhetschef_a", body, "app-1")
    assert risk["reference"].endswith("-000001") and await _count(svc, Risk) == 1
    assert await svc.event_types() == ["RiskIdentified", "RiskAssessed"]
    other = await svc.call(
        "POST",
        RISKS,
        "enhetschef_a",
        422,
        json={**body, "title": "Annan"},
        headers={"Idempotency-Key": "app-1"},
    )
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await _count(svc, Risk) == 1
    # keys are the caller's own: another person's same key makes its own risk
    await svc.json("POST", RISKS, "socialchef", 201, json=body, headers={"Idempotency-Key": "app-1"})
    assert await _count(svc, Risk) == 2


async def test_every_creating_post_of_risk_svc_honours_the_idempotency_key(svc: Any) -> None:
    svc.clock.set(datetime(2025, 12, 10, 9, tzinfo=UTC))
    unit = svc.unit("enhet_a")
    risk = await svc.json(
        "POST",
        RISKS,
        "enhetschef_a",
        201,
        json={"unit_id": unit, "title": "Fall", "probability": 3, "consequence": 4},
    )
    action = {"description": "Sensorlarm"}
    await _twice(svc, f"{RISKS}/{risk['id']}/actions", "enhetschef_a", action, "action-1")
    assert await _count(svc, RiskAction) == 1
    await svc.json("POST", f"{RISKS}/{risk['id']}/prioritise", "enhetschef_a", json={})
    analysis = {
        "unit_id": unit,
        "trigger": "forandring",
        "analysis_date": "2025-12-10",
        "change_description": "x",
    }
    await _twice(svc, "/api/v1/risk/analyses", "enhetschef_a", analysis, "analysis-1")
    assert await _count(svc, RiskAnalysis) == 1
    egenkontroll = {"unit_id": unit, "area": "Nöjdhet", "method": "enkat"}
    await _twice(svc, "/api/v1/risk/self-assessments", "enhetschef_a", egenkontroll, "ek-1")
    assert await _count(svc, SelfAssessment) == 1
    plan_body = {"unit_id": svc.unit("namnd"), "year": 2026}
    plan = await _twice(svc, "/api/v1/risk/control-plans", "kvalitetsledare", plan_body, "plan-1")
    row = {
        "risk_id": risk["id"],
        "control_activity": "Stickprov",
        "method": "stickprov",
        "frequency": "arsvis",
        "reporting_occasion": "t1",
    }
    await _twice(svc, f"{PLANS}/{plan['id']}/rows", "kvalitetsledare", row, "row-1")
    assert await _count(svc, ControlPlanRow) == 1
    svc.clock.set(datetime(2025, 12, 16, 9, tzinfo=UTC))
    decision = {"meeting_date": "2025-12-15", "paragraph": "§ 1"}
    await svc.json("POST", f"{PLANS}/{plan['id']}/adopt", "socialchef", json=decision)
    (control,) = (await svc.json("GET", "/api/v1/risk/controls", "kvalitetsledare"))["items"]
    svc.clock.set(datetime(2026, 3, 2, 9, tzinfo=UTC))
    await svc.json(
        "POST", f"/api/v1/risk/controls/{control['id']}/perform", "enhetschef_a", json={"result": "ok"}
    )
    finding = {"description": "Ett fynd till"}
    found = await _twice(
        svc, f"/api/v1/risk/controls/{control['id']}/findings", "enhetschef_a", finding, "f-1", 200
    )
    assert found["finding_count"] == 1 and found["result"] == "avvikelser"
