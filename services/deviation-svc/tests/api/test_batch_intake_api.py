"""A case system's batch (POST /api/v1/deviations/batch): up to 200 reports with their sources in one
transaction, all or nothing; a resent batch answers with what it created the first time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from deviation_svc.adapters.orm import Deviation, audit_log

BATCH = "/api/v1/deviations/batch"


def _report(svc: Any, n: int, unit: str = "enhet_a", **extra: Any) -> dict[str, Any]:
    return {
        "type": "avvikelse",
        "unit_id": str(svc.org.units[unit]),
        "occurred_at": "2026-03-02T08:15:00+01:00",
        "description": f"Läkemedel gavs inte i tid ({n})",
        "source": {"system": "lifecare", "external_id": f"LC-{n}"},
        **extra,
    }


async def _counts(svc: Any) -> tuple[int, int, int]:
    outbox = svc.runtime.messaging.outbox
    async with svc.runtime.session_factory() as session:
        deviations = await session.scalar(select(func.count()).select_from(Deviation))
        reported = await session.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.event_type == "DeviationReported")
        )
        audited = await session.scalar(
            select(func.count()).select_from(audit_log).where(audit_log.c.action == "create")
        )
    return int(deviations or 0), int(reported or 0), int(audited or 0)


async def _post(svc: Any, reports: list[dict[str, Any]], person: str = "medarbetare_a") -> Any:
    return await svc.client.post(BATCH, json={"reports": reports}, headers=svc.org.auth(person))


async def test_a_batch_creates_each_report_with_its_event_audit_and_a_rising_reference(svc: Any) -> None:
    r = await _post(svc, [_report(svc, n) for n in range(5)])
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["created"], body["already_reported"]) == (5, 0)
    assert [i["index"] for i in body["items"]] == list(range(5))
    assert {i["outcome"] for i in body["items"]} == {"created"}
    references = [i["reference"] for i in body["items"]]
    assert references == sorted(references) and len(set(references)) == 5
    assert await _counts(svc) == (5, 5, 5)
    path = f"/api/v1/deviations/{body['items'][2]['id']}"
    one = (await svc.client.get(path, headers=svc.org.auth("enhetschef_a"))).json()
    assert one["description"] == "Läkemedel gavs inte i tid (2)"
    assert one["reference"] == references[2] and one["deadlines"]


async def test_a_resent_batch_answers_already_reported_with_the_same_deviations(svc: Any) -> None:
    first = (await _post(svc, [_report(svc, n) for n in range(3)])).json()
    again = await _post(svc, [_report(svc, n) for n in range(4)])
    assert again.status_code == 200
    body = again.json()
    assert [i["outcome"] for i in body["items"]] == ["already_reported"] * 3 + ["created"]
    assert [i["id"] for i in body["items"][:3]] == [i["id"] for i in first["items"]]
    assert await _counts(svc) == (4, 4, 4)


async def test_a_single_report_from_the_same_source_finds_the_batchs_deviation(svc: Any) -> None:
    batch = (await _post(svc, [_report(svc, 1)])).json()
    single = await svc.client.post(
        "/api/v1/deviations", json=_report(svc, 1), headers=svc.org.auth("medarbetare_a")
    )
    assert single.status_code == 200 and single.json()["id"] == batch["items"][0]["id"]


async def test_a_source_repeated_in_the_batch_is_one_deviation(svc: Any) -> None:
    body = (await _post(svc, [_report(svc, 1), _report(svc, 2), _report(svc, 1)])).json()
    assert [i["outcome"] for i in body["items"]] == ["created", "created", "already_reported"]
    assert body["items"][0]["id"] == body["items"][2]["id"]
    assert await _counts(svc) == (2, 2, 2)


async def test_a_report_without_its_source_refuses_the_batch_naming_it(svc: Any) -> None:
    reports = [_report(svc, 1), {k: v for k, v in _report(svc, 2).items() if k != "source"}]
    r = await _post(svc, reports)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert any("reports" in e["field"] and "1" in e["field"] for e in r.json()["errors"])
    assert await _counts(svc) == (0, 0, 0)


async def test_an_unknown_unit_refuses_the_whole_batch_naming_the_report(svc: Any) -> None:
    reports = [_report(svc, 1), _report(svc, 2, unit_id="0190a000-0000-7000-8000-000000000000")]
    r = await _post(svc, reports)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "reports[1].unit_id"
    assert r.json()["detail"].startswith("Rapport 1 i satsen")
    assert await _counts(svc) == (0, 0, 0)


async def test_a_report_breaking_a_rule_refuses_the_batch(svc: Any) -> None:
    reports = [_report(svc, 1), _report(svc, 2), _report(svc, 3, occurred_at="2030-01-01T08:00:00+01:00")]
    r = await _post(svc, reports)
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith("Rapport 2 i satsen")
    assert await _counts(svc) == (0, 0, 0)


async def test_an_empty_or_oversized_batch_is_422(svc: Any) -> None:
    assert (await _post(svc, [])).status_code == 422
    assert (await _post(svc, [_report(svc, n) for n in range(201)])).status_code == 422
    assert await _counts(svc) == (0, 0, 0)
