"""reporting-svc on the shared request pipeline (issue 10): a lost update is a 412, a repeated
Idempotency-Key makes nothing new, and an object outside the caller's scope answers as an unknown id."""

from __future__ import annotations

import asyncio
from typing import Any

from platform_shared.ids import new_id

REPORTS = "/api/v1/reports"
WEBHOOKS = "/api/v1/webhooks"
RECEIVER = "http://127.0.0.1:9/hooks"  # allow-listed in the tests' settings; never called here


async def _report(svc: Any, unit: str = "enhet_a") -> dict[str, Any]:
    body = {"type": "kb", "year": 2026, "unit_id": str(svc.org.units[unit])}
    r = await svc.client.post(REPORTS, json=body, headers=svc.org.auth("kvalitetsledare"))
    assert r.status_code == 201, r.text
    report: dict[str, Any] = r.json()
    return report


async def _count(svc: Any, path: str, person: str) -> int:
    r = await svc.client.get(path, headers=svc.org.auth(person))
    assert r.status_code == 200, r.text
    return len(r.json()["items"])


async def test_of_two_concurrent_report_edits_with_the_same_if_match_one_wins_and_the_other_is_412(
    svc: Any,
) -> None:
    report = await _report(svc)
    path = f"{REPORTS}/{report['id']}"
    headers = {**svc.org.auth("kvalitetsledare"), "If-Match": '"1"'}

    async def edit(title: str) -> int:
        r = await svc.client.patch(path, json={"title": title}, headers=headers)
        return int(r.status_code)

    codes = sorted(await asyncio.gather(edit("Första"), edit("Andra")))
    assert codes == [200, 412]
    now = await svc.client.get(path, headers=svc.org.auth("kvalitetsledare"))
    assert now.headers["etag"] == '"2"' and now.json()["version"] == 2


async def test_of_two_concurrent_webhook_changes_with_the_same_if_match_one_wins_and_the_other_is_412(
    svc: Any,
) -> None:
    admin = svc.org.auth("admin")
    body = {"url": RECEIVER, "event_types": ["LexSarahEscalated"]}
    sub = (await svc.client.post(WEBHOOKS, json=body, headers=admin)).json()
    path = f"{WEBHOOKS}/{sub['id']}"

    async def change(description: str) -> int:
        r = await svc.client.patch(
            path, json={"description": description}, headers={**admin, "If-Match": '"1"'}
        )
        return int(r.status_code)

    assert sorted(await asyncio.gather(change("a"), change("b"))) == [200, 412]
    assert (await svc.client.get(path, headers=admin)).json()["version"] == 2


async def test_the_tenant_settings_honour_if_match_like_every_mutable_resource(svc: Any) -> None:
    chef = svc.org.auth("socialchef")
    r = await svc.client.get(f"{REPORTS}/settings", headers=chef)
    assert r.headers["etag"] == '"1"'
    patch = {"suppression_threshold": 7}
    r = await svc.client.patch(f"{REPORTS}/settings", json=patch, headers={**chef, "If-Match": '"1"'})
    assert r.status_code == 200 and r.headers["etag"] == '"2"'
    r = await svc.client.patch(f"{REPORTS}/settings", json=patch, headers={**chef, "If-Match": '"1"'})
    assert r.status_code == 412 and r.json()["type"].endswith("/problems/precondition-failed")
    r = await svc.client.patch(f"{REPORTS}/settings", json=patch, headers={**chef, "If-Match": "nej"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "If-Match"


async def test_a_repeated_idempotency_key_answers_with_the_first_report_and_another_body_is_422(
    svc: Any,
) -> None:
    body = {"type": "kb", "year": 2026, "unit_id": str(svc.org.units["enhet_a"])}
    headers = {**svc.org.auth("kvalitetsledare"), "Idempotency-Key": "rapport-1"}
    first = await svc.client.post(REPORTS, json=body, headers=headers)
    again = await svc.client.post(REPORTS, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert await _count(svc, REPORTS, "kvalitetsledare") == 1
    other = await svc.client.post(REPORTS, json={**body, "year": 2025}, headers=headers)
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    # Keys are per caller: someone else's same key is another request.
    theirs = await svc.client.post(
        REPORTS, json=body, headers={**svc.org.auth("socialchef"), "Idempotency-Key": "rapport-1"}
    )
    assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]


async def test_a_repeated_idempotency_key_makes_one_webhook_subscription(svc: Any) -> None:
    headers = {**svc.org.auth("admin"), "Idempotency-Key": "webhook-1"}
    body = {"url": RECEIVER, "event_types": ["LexSarahEscalated"]}
    first, again = [await svc.client.post(WEBHOOKS, json=body, headers=headers) for _ in range(2)]
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert await _count(svc, WEBHOOKS, "admin") == 1


async def _answer(svc: Any, method: str, path: str, person: str, **kwargs: Any) -> tuple[int, Any, Any]:
    r = await svc.client.request(method, path, headers=svc.org.auth(person), **kwargs)
    problem = r.json()
    return r.status_code, problem["type"], problem["detail"]


async def test_every_report_operation_on_an_out_of_scope_report_answers_as_for_an_unknown_id(
    svc: Any,
) -> None:
    report = await _report(svc, "enhet_a")
    operations = [
        ("GET", "", {}),
        ("GET", "/document", {}),
        ("PATCH", "", {"json": {"title": "x"}}),
        ("POST", "/review", {}),
        ("POST", "/reopen", {}),
        ("POST", "/adopt", {}),
        ("POST", "/report-to-namnd", {}),
    ]
    compared = 0
    for person in ("enhetschef_c", "medarbetare_a"):
        for method, suffix, kwargs in operations:
            real = await _answer(svc, method, f"{REPORTS}/{report['id']}{suffix}", person, **kwargs)
            unknown = await _answer(svc, method, f"{REPORTS}/{new_id()}{suffix}", person, **kwargs)
            assert real == unknown, (person, method, suffix)
            assert real[0] == 404 and real[2] == "Rapporten finns inte"
            compared += 1
    assert compared == 14


async def test_a_unit_webhook_outside_the_managers_units_and_a_stranger_notification_answer_as_unknown(
    svc: Any,
) -> None:
    admin = svc.org.auth("admin")
    body = {"url": RECEIVER, "event_types": ["LexSarahEscalated"]}
    sub = (await svc.client.post(WEBHOOKS, json=body, headers=admin)).json()
    real = await _answer(svc, "GET", f"{WEBHOOKS}/{sub['id']}/deliveries/{new_id()}", "admin")
    assert real == (404, "/problems/not-found", "Leveransen finns inte")
    for person in ("medarbetare_a", "socialchef"):
        mine = await _answer(svc, "POST", f"{'/api/v1/notifications'}/{new_id()}/read", person)
        assert mine == (404, "/problems/not-found", "Aviseringen finns inte")
