"""An object outside the caller's scope answers every operation exactly as an id that does not exist:
the same status, problem type and detail (visibility is checked before anything else)."""

from __future__ import annotations

import uuid
from typing import Any

OUTSIDER = "enhetschef_c"  # enhet_c, under lss: the cases below are in enhet_a, under omsorg
WHEN = "2026-03-03T10:00:00+01:00"


async def _same_as_unknown(svc: Any, method: str, path: str, real: str, body: Any = None) -> dict[str, Any]:
    """The outsider's answer for the real id and for a random one; asserts they are identical."""
    kwargs = {} if body is None else {"json": body}
    answers = []
    for object_id in (real, str(uuid.uuid4())):
        r = await svc.call(method, path.format(id=object_id), OUTSIDER, **kwargs)
        answers.append((r.status_code, r.json().get("type"), r.json().get("detail")))
    assert answers[0] == answers[1], (method, path, answers)
    return {"status": answers[0][0], "type": answers[0][1], "detail": answers[0][2]}


async def test_the_ivo_commands_on_an_out_of_scope_avvikelse_answer_404_like_an_unknown_id(svc: Any) -> None:
    d = await svc.received(type="avvikelse")
    commands = (
        ("/api/v1/deviations/{id}/ivo-decision", {"degree": "allvarligt_missforhallande", "rationale": "x"}),
        ("/api/v1/deviations/{id}/ivo-notification/sent", {"sent_at": WHEN, "ivo_case_number": "IVO-1"}),
        ("/api/v1/deviations/{id}/ivo-notification/investigation-sent", {"sent_at": WHEN}),
        ("/api/v1/deviations/{id}/ivo-notification/namnd-informed", {"informed_at": WHEN}),
    )
    for path, body in commands:
        answer = await _same_as_unknown(svc, "POST", path, d["id"], body)
        assert answer == {"status": 404, "type": "/problems/not-found", "detail": "Avvikelsen finns inte"}
    # in scope, the same command is refused for what it is: an avvikelse has no IVO duty
    r = await svc.call(
        "POST", f"/api/v1/deviations/{d['id']}/ivo-decision", "socialchef", json=commands[0][1]
    )
    assert r.status_code == 409 and r.json()["type"] == "/problems/invalid-transition"


async def test_every_operation_on_an_out_of_scope_case_answers_as_for_an_unknown_id(svc: Any) -> None:
    d = await svc.decided(degree="missforhallande")
    action = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/actions",
        "enhetschef_a",
        201,
        json={"description": "Ny rutin", "horizon": "kort"},
    )
    action_path = "/api/v1/deviations/{id}/actions/" + action.json()["id"]
    operations: list[tuple[str, str, Any]] = [
        ("GET", "/api/v1/deviations/{id}", None),
        ("PATCH", "/api/v1/deviations/{id}", {"description": "Ändrad"}),
        ("POST", "/api/v1/deviations/{id}/subjects", {"name": "Anna"}),
        ("POST", "/api/v1/deviations/{id}/receive", {"no_immediate_measures_needed": True}),
        (
            "POST",
            "/api/v1/deviations/{id}/start-investigation",
            {"investigator_id": svc.person("enhetschef_c")},
        ),
        ("GET", "/api/v1/deviations/{id}/investigation", None),
        ("POST", "/api/v1/deviations/{id}/complete-investigation", {"conclusion": "Klart"}),
        ("POST", "/api/v1/deviations/{id}/decision", {"motivation": "x", "degree": "missforhallande"}),
        ("POST", "/api/v1/deviations/{id}/close", {}),
        ("POST", "/api/v1/deviations/{id}/void", {"reason": "Fel"}),
        ("POST", "/api/v1/deviations/{id}/reopen", None),
        ("POST", "/api/v1/deviations/{id}/reclassify", {"type": "avvikelse", "motivation": "x"}),
        ("GET", "/api/v1/deviations/{id}/history", None),
        ("GET", "/api/v1/deviations/{id}/actions", None),
        ("POST", "/api/v1/deviations/{id}/actions", {"description": "Åtgärd", "horizon": "kort"}),
        ("POST", action_path + "/reject", {"reason": "Nej"}),
        ("PATCH", action_path, {"description": "Ändrad"}),
        ("GET", "/api/v1/deviations/{id}/attachments", None),
        ("GET", "/api/v1/deviations/{id}/ivo-notification", None),
    ]
    for method, path, body in operations:
        answer = await _same_as_unknown(svc, method, path, d["id"], body)
        assert answer["status"] == 404, (method, path, answer)
