from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from platform_shared.testing import wait_until

OCCURRED = "2026-03-02T08:15:00+01:00"


def _body(unit_id: Any, **extra: Any) -> dict[str, Any]:
    return {
        "type": "lex_sarah",
        "unit_id": str(unit_id),
        "occurred_at": OCCURRED,
        "description": "Brukaren lämnades utan tillsyn",
        **extra,
    }


async def _outbox_types(svc: Any) -> list[str]:
    async with svc.runtime.session_factory() as session:
        rows = await session.execute(
            select(svc.runtime.messaging.outbox.c.event_type).order_by(svc.runtime.messaging.outbox.c.seq)
        )
        return [r[0] for r in rows]


async def test_any_staff_member_may_report_for_any_unit(svc: Any) -> None:
    other_unit = svc.org.units["enhet_c"]
    r = await svc.client.post(
        "/api/v1/deviations", json=_body(other_unit), headers=svc.org.auth("medarbetare_a")
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "reported"
    assert body["reference"].startswith("AVV-2026-")
    assert "DeviationReported" in await _outbox_types(svc)


async def test_reporter_can_read_own_report_and_outsiders_get_404(svc: Any) -> None:
    r = await svc.client.post(
        "/api/v1/deviations", json=_body(svc.org.units["enhet_a"]), headers=svc.org.auth("medarbetare_a")
    )
    deviation_id = r.json()["id"]
    own = await svc.client.get(f"/api/v1/deviations/{deviation_id}", headers=svc.org.auth("medarbetare_a"))
    assert own.status_code == 200
    in_scope = await svc.client.get(
        f"/api/v1/deviations/{deviation_id}", headers=svc.org.auth("enhetschef_a")
    )
    assert in_scope.status_code == 200
    outside = await svc.client.get(f"/api/v1/deviations/{deviation_id}", headers=svc.org.auth("enhetschef_c"))
    assert outside.status_code == 404
    assert outside.headers["content-type"] == "application/problem+json"


async def test_repeat_from_same_source_returns_the_existing_deviation(svc: Any) -> None:
    body = _body(svc.org.units["enhet_a"], source={"system": "lifecare", "external_id": "LC-1"})
    first = await svc.client.post("/api/v1/deviations", json=body, headers=svc.org.auth("medarbetare_a"))
    second = await svc.client.post("/api/v1/deviations", json=body, headers=svc.org.auth("medarbetare_a"))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert (await _outbox_types(svc)).count("DeviationReported") == 1


async def test_bad_body_is_422_naming_the_field_and_writes_nothing(svc: Any) -> None:
    r = await svc.client.post(
        "/api/v1/deviations",
        json={"type": "lex_sarah", "unit_id": "nope"},
        headers=svc.org.auth("medarbetare_a"),
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"unit_id", "occurred_at", "description"} <= fields
    async with svc.runtime.session_factory() as session:
        from deviation_svc.adapters.orm import Deviation

        assert await session.scalar(select(func.count()).select_from(Deviation)) == 0
    assert await _outbox_types(svc) == []


async def test_missing_or_bad_token_is_401(svc: Any) -> None:
    r = await svc.client.post("/api/v1/deviations", json=_body(svc.org.units["enhet_a"]))
    assert r.status_code == 401
    r = await svc.client.get(
        "/api/v1/deviations/0190a000-0000-7000-8000-000000000000",
        headers={"Authorization": "Bearer not-a-jwt"},
    )
    assert r.status_code == 401


async def _received(svc: Any, **extra: Any) -> str:
    r = await svc.client.post(
        "/api/v1/deviations",
        json=_body(svc.org.units["enhet_a"], **extra),
        headers=svc.org.auth("medarbetare_a"),
    )
    deviation_id = r.json()["id"]
    await svc.step(deviation_id, "receive", "enhetschef_a", {"no_immediate_measures_needed": True})
    return str(deviation_id)


async def test_socialchef_decides_lex_sarah_ivo_anmalan_and_event_is_emitted(svc: Any) -> None:
    deviation_id = await _received(svc)
    decision = {"degree": "allvarligt_missforhallande", "rationale": "Allvarlig brist i tillsyn"}
    r = await svc.client.post(
        f"/api/v1/deviations/{deviation_id}/ivo-decision", json=decision, headers=svc.org.auth("socialchef")
    )
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "lex_sarah"
    assert "LexSarahEscalated" in await _outbox_types(svc)


async def test_only_socialchef_may_decide_lex_sarah_ivo_others_get_403(svc: Any) -> None:
    deviation_id = await _received(svc)
    decision = {"degree": "allvarligt_missforhallande", "rationale": "x"}
    # MAS does not see Lex Sarah cases at all (404); these two see it but may not decide (403)
    mas = await svc.client.post(
        f"/api/v1/deviations/{deviation_id}/ivo-decision", json=decision, headers=svc.org.auth("mas")
    )
    assert mas.status_code == 404
    for person in ("enhetschef_a", "kvalitetsledare"):
        r = await svc.client.post(
            f"/api/v1/deviations/{deviation_id}/ivo-decision", json=decision, headers=svc.org.auth(person)
        )
        assert r.status_code == 403, (person, r.text)
    assert "LexSarahEscalated" not in await _outbox_types(svc)


async def test_ivo_anmalan_cannot_be_decided_before_the_report_is_received(svc: Any) -> None:
    r = await svc.client.post(
        "/api/v1/deviations", json=_body(svc.org.units["enhet_a"]), headers=svc.org.auth("medarbetare_a")
    )
    decision = {"degree": "allvarligt_missforhallande", "rationale": "x"}
    r = await svc.client.post(
        f"/api/v1/deviations/{r.json()['id']}/ivo-decision", json=decision, headers=svc.org.auth("socialchef")
    )
    assert r.status_code == 409
    assert "mottagen" in r.json()["detail"]
    assert "LexSarahEscalated" not in await _outbox_types(svc)


async def test_mas_decides_lex_maria_for_hsl_report(svc: Any) -> None:
    deviation_id = await _received(svc, type="hsl")
    r = await svc.client.post(
        f"/api/v1/deviations/{deviation_id}/ivo-decision",
        json={"degree": "allvarlig_vardskada", "rationale": "Fallskada"},
        headers=svc.org.auth("socialchef"),
    )
    assert r.status_code == 403
    r = await svc.client.post(
        f"/api/v1/deviations/{deviation_id}/ivo-decision",
        json={"degree": "allvarlig_vardskada", "rationale": "Fallskada"},
        headers=svc.org.auth("mas"),
    )
    assert r.status_code == 201, r.text
    assert "LexMariaEscalated" in await _outbox_types(svc)


async def test_non_serious_degree_gives_no_ivo_duty_and_is_422(svc: Any) -> None:
    deviation_id = await _received(svc)
    r = await svc.client.post(
        f"/api/v1/deviations/{deviation_id}/ivo-decision",
        json={"degree": "missforhallande", "rationale": "x"},
        headers=svc.org.auth("socialchef"),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "degree"


async def test_outbox_rows_are_published_by_the_relay(svc: Any) -> None:
    await svc.client.post(
        "/api/v1/deviations", json=_body(svc.org.units["enhet_a"]), headers=svc.org.auth("medarbetare_a")
    )
    outbox = svc.runtime.messaging.outbox

    async def published() -> bool:
        async with svc.runtime.session_factory() as session:
            return (
                await session.scalar(
                    select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
                )
            ) == 0

    await wait_until(published)


async def test_openapi_lists_every_route_with_a_summary_and_its_problem_responses(svc: Any) -> None:
    spec = (await svc.client.get("/openapi.json")).json()
    ours = {p: ops for p, ops in spec["paths"].items() if p.startswith("/api/v1/")}
    assert {"/api/v1/deviations", "/api/v1/complaints", "/api/v1/data-breaches"} <= set(ours)
    assert "/api/v1/deviations/{deviation_id}/ivo-notification" in ours
    for path, ops in ours.items():
        for method, op in ops.items():
            assert op.get("summary"), (method, path)
            assert {"401", "403", "404", "409", "412", "422"} <= set(op["responses"]), (method, path)


async def test_a_repeat_racing_the_first_of_the_same_source_answers_200_with_it(
    svc: Any, monkeypatch: Any
) -> None:
    from deviation_svc.service_layer.deviations import commands

    body = _body(svc.org.units["enhet_a"], source={"system": "lifecare", "external_id": "LC-race"})
    first = await svc.client.post("/api/v1/deviations", json=body, headers=svc.org.auth("medarbetare_a"))
    real = commands.find_by_source
    calls = 0

    async def not_yet_committed(*args: Any) -> Any:  # the repeat looked before the first committed
        nonlocal calls
        calls += 1
        return None if calls == 1 else await real(*args)

    monkeypatch.setattr(commands, "find_by_source", not_yet_committed)
    second = await svc.client.post("/api/v1/deviations", json=body, headers=svc.org.auth("medarbetare_a"))
    assert (first.status_code, second.status_code) == (201, 200), second.text
    assert first.json()["id"] == second.json()["id"]
    assert (await _outbox_types(svc)).count("DeviationReported") == 1
