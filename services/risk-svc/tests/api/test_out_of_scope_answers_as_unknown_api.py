"""An object outside the caller's scope answers every operation exactly as an id that does not exist: the
same status, problem type and detail (visibility is checked before anything else)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

RISKS = "/api/v1/risk/risks"
PLANS = "/api/v1/risk/control-plans"
CONTROLS = "/api/v1/risk/controls"
OUTSIDER = "enhetschef_c"  # enhet_c, under lss: the objects below are enhet_a's, under omsorg


async def _same_as_unknown(
    svc: Any, person: str, method: str, path: str, real: str, body: Any
) -> dict[str, Any]:
    """`person`'s answer for the real id and for a random one; asserts they are identical."""
    kwargs = {} if body is None else {"json": body}
    answers = []
    for object_id in (real, str(uuid.uuid4())):
        r = await svc.call(method, path.format(id=object_id), person, **kwargs)
        answers.append((r.status_code, r.json().get("type"), r.json().get("detail")))
    assert answers[0] == answers[1], (person, method, path, answers)
    return {"status": answers[0][0], "type": answers[0][1], "detail": answers[0][2]}


async def _enhet_a(svc: Any) -> dict[str, Any]:
    """A risk with an action, an analysis, an egenkontroll, and an adopted plan with a control of enhet_a."""
    svc.clock.set(datetime(2025, 12, 10, 9, tzinfo=UTC))
    unit = svc.unit("enhet_a")
    risk = await svc.json(
        "POST",
        RISKS,
        "enhetschef_a",
        201,
        json={
            "unit_id": unit,
            "title": "Fall",
            "probability": 3,
            "consequence": 4,
            "actions": [{"description": "x"}],
        },
    )
    await svc.json("POST", f"{RISKS}/{risk['id']}/prioritise", "enhetschef_a", json={})
    analysis = await svc.json(
        "POST",
        "/api/v1/risk/analyses",
        "enhetschef_a",
        201,
        json={"unit_id": unit, "trigger": "arlig", "analysis_date": "2025-12-10"},
    )
    egenkontroll = await svc.json(
        "POST",
        "/api/v1/risk/self-assessments",
        "enhetschef_a",
        201,
        json={"unit_id": unit, "area": "x", "method": "enkat"},
    )
    plan = await svc.json(
        "POST", PLANS, "kvalitetsledare", 201, json={"unit_id": svc.unit("namnd"), "year": 2026}
    )
    row = {
        "risk_id": risk["id"],
        "control_activity": "x",
        "method": "stickprov",
        "frequency": "arsvis",
        "reporting_occasion": "t1",
    }
    plan = await svc.json("POST", f"{PLANS}/{plan['id']}/rows", "kvalitetsledare", 201, json=row)
    svc.clock.set(datetime(2025, 12, 16, 9, tzinfo=UTC))
    decision = {"meeting_date": "2025-12-15", "paragraph": "§ 1"}
    await svc.json("POST", f"{PLANS}/{plan['id']}/adopt", "socialchef", json=decision)
    (control,) = (await svc.json("GET", CONTROLS, "kvalitetsledare"))["items"]
    svc.clock.set(datetime(2026, 3, 2, 9, tzinfo=UTC))
    return {
        "risk": risk,
        "analysis": analysis,
        "egenkontroll": egenkontroll,
        "plan": plan,
        "control": control,
    }


async def test_every_operation_on_an_out_of_scope_risk_analysis_egenkontroll_or_control_answers_404(
    svc: Any,
) -> None:
    made = await _enhet_a(svc)
    action_path = RISKS + "/{id}/actions/" + made["risk"]["actions"][0]["id"] + "/complete"
    operations: list[tuple[str, str, str, Any]] = [
        ("risk", "GET", RISKS + "/{id}", None),
        ("risk", "GET", RISKS + "/{id}/history", None),
        ("risk", "PATCH", RISKS + "/{id}", {"title": "Ändrad"}),
        ("risk", "POST", RISKS + "/{id}/assess", {"probability": 1, "consequence": 1}),
        ("risk", "POST", RISKS + "/{id}/prioritise", {}),
        ("risk", "POST", RISKS + "/{id}/handle-in-unit", {"motivation": "x"}),
        ("risk", "POST", RISKS + "/{id}/escalate", {"reason": "x"}),
        ("risk", "POST", RISKS + "/{id}/follow-up", {"note": "x"}),
        ("risk", "POST", RISKS + "/{id}/close", {}),
        ("risk", "POST", RISKS + "/{id}/actions", {"description": "x"}),
        ("risk", "POST", action_path, {}),
        ("analysis", "GET", "/api/v1/risk/analyses/{id}", None),
        ("analysis", "PATCH", "/api/v1/risk/analyses/{id}", {"action_plan": "x"}),
        ("analysis", "POST", "/api/v1/risk/analyses/{id}/complete", None),
        ("analysis", "GET", "/api/v1/risk/analyses/{id}/suggestions", None),
        ("egenkontroll", "GET", "/api/v1/risk/self-assessments/{id}", None),
        ("egenkontroll", "PATCH", "/api/v1/risk/self-assessments/{id}", {"area": "x"}),
        (
            "egenkontroll",
            "POST",
            "/api/v1/risk/self-assessments/{id}/complete",
            {"result": "ok", "analysis": "x"},
        ),
        ("control", "GET", CONTROLS + "/{id}", None),
        ("control", "POST", CONTROLS + "/{id}/perform", {"result": "ok"}),
        ("control", "POST", CONTROLS + "/{id}/findings", {"description": "x"}),
    ]
    for kind, method, path, body in operations:
        answer = await _same_as_unknown(svc, OUTSIDER, method, path, made[kind]["id"], body)
        assert (answer["status"], answer["type"]) == (404, "/problems/not-found"), (method, path, answer)
    # the outsider's list hides the control, as its GET does
    assert (await svc.json("GET", CONTROLS, OUTSIDER))["items"] == []
    # visible but not theirs to do: the nämnd holds the plan and reads the control, and may not perform it
    control = made["control"]["id"]
    assert (await svc.json("GET", f"{CONTROLS}/{control}", "namnd"))["id"] == control
    refused = await svc.call("POST", f"{CONTROLS}/{control}/perform", "namnd", 403, json={"result": "ok"})
    assert refused.json()["type"] == "/problems/forbidden"


async def test_every_operation_on_a_plan_the_caller_may_not_see_answers_404(svc: Any) -> None:
    made = await _enhet_a(svc)
    row_path = PLANS + "/{id}/rows/" + made["plan"]["rows"][0]["id"]
    operations: list[tuple[str, str, Any]] = [
        ("GET", PLANS + "/{id}", None),
        ("GET", PLANS + "/{id}/proposals", None),
        (
            "POST",
            PLANS + "/{id}/rows",
            {"control_activity": "x", "method": "enkat", "frequency": "arsvis", "reporting_occasion": "t1"},
        ),
        ("PATCH", row_path, {"control_activity": "y"}),
        ("DELETE", row_path, None),
        ("POST", PLANS + "/{id}/adopt", {"meeting_date": "2025-12-20", "paragraph": "1"}),
        ("POST", PLANS + "/{id}/follow-up", {"occasion": "t1"}),
        ("GET", CONTROLS + "?plan_id={id}", None),
    ]
    for method, path, body in operations:
        answer = await _same_as_unknown(svc, "admin", method, path, made["plan"]["id"], body)
        assert answer == {
            "status": 404,
            "type": "/problems/not-found",
            "detail": "Internkontrollplanen finns inte",
        }
