"""org-svc on the shared request pipeline (issue 10): an object outside the caller's scope answers as an
unknown id; a wrong state and a duplicate are the shared problem types; a creating POST with an
Idempotency-Key is done once."""

from __future__ import annotations

import uuid
from typing import Any

from ..conftest import SINCE, Harness


def _problem(answer: Any) -> tuple[int, str, str]:
    body = answer.json()
    return answer.status_code, body["type"], body["detail"]


async def test_a_person_outside_the_callers_scope_answers_every_operation_as_an_unknown_id(
    svc: Harness,
) -> None:
    real, missing = svc.people["mas"], uuid.uuid4()
    for method, path, body in (
        ("GET", "/people/{}", None),
        ("PATCH", "/people/{}", {"name": "x"}),
        ("POST", "/people/{}/deactivate", None),
        ("POST", "/people/{}/reactivate", None),
    ):
        seen = [
            _problem(await svc.call(method, path.format(i), "socialchef", json=body)) for i in (real, missing)
        ]
        assert seen[0] == seen[1] and seen[0][0] == 404, (method, path, seen)


async def test_a_client_outside_the_callers_scope_answers_as_an_unknown_id(svc: Harness) -> None:
    body = {"name": "Lifecare", "unit_ids": [str(svc.units["omsorg"])], "operations": ["case.create"]}
    real = (await svc.call("POST", "/clients", json=body, expect=201)).json()["id"]
    for method, path in (
        ("GET", "/clients/{}"),
        ("POST", "/clients/{}/revoke"),
        ("POST", "/clients/{}/dev-token"),
    ):
        seen = [_problem(await svc.call(method, path.format(i), "socialchef")) for i in (real, uuid.uuid4())]
        assert seen[0] == seen[1] and seen[0][0] == 404, (method, path, seen)


async def test_a_wrong_state_is_an_invalid_transition_and_a_duplicate_already_exists(svc: Harness) -> None:
    unit = svc.units["enhet_b"]
    await svc.call("POST", f"/units/{unit}/close", json={}, expect=200)
    closed = await svc.call("PATCH", f"/units/{unit}", json={"name": "x"}, expect=409)
    assert closed.json()["type"] == "/problems/invalid-transition"
    body = {"name": "Dubblett", "code": "ENHET_A", "level": "enhet", "parent_id": str(svc.units["omsorg"])}
    duplicate = await svc.call("POST", "/units", json=body, expect=409)
    assert duplicate.json()["type"] == "/problems/already-exists"


async def test_a_creating_post_with_an_idempotency_key_is_done_once(svc: Harness) -> None:
    bodies: dict[str, dict[str, Any]] = {
        "/units": {"name": "Ny", "code": "NY", "level": "enhet", "parent_id": str(svc.units["omsorg"])},
        "/people": {"name": "Ny", "email": "ny@example.se", "subject": "sub-ny"},
        "/role-assignments": {
            "person_id": str(svc.people["medarbetare_a"]),
            "role": "medarbetare",
            "unit_id": str(svc.units["enhet_b"]),
        },
        "/delegations": {
            "decision_type": "ivo_anmalan_lex_sarah",
            "from_role": "socialchef",
            "unit_id": str(svc.units["forvaltning"]),
            "to_person_id": str(svc.people["kvalitetsledare"]),
            "valid_from": SINCE.isoformat(),
        },
        "/clients": {"name": "Treserva", "unit_ids": [str(svc.units["lss"])], "operations": ["case.create"]},
    }
    for path, body in bodies.items():
        key = {"Idempotency-Key": f"key-{path}"}
        first = await svc.call("POST", path, json=body, headers=key, expect=201)
        again = await svc.call("POST", path, json=body, headers=key, expect=201)
        assert again.json()["id"] == first.json()["id"], path
        other = await svc.call("POST", path, json={**body, "name": "Annan"}, headers=key, expect=422)
        assert other.json()["errors"][0]["field"] == "Idempotency-Key", path
