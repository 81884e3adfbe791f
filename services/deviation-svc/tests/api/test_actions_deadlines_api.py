"""Åtgärder and the legal deadlines: stored with the object, shown in the API, the scheduler's events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import insert

from deviation_svc.adapters.orm import deadline_tables
from deviation_svc.app import deadline_scheduler
from platform_shared.testing import wait_until


async def _action(svc: Any, deviation_id: str, **body: Any) -> dict[str, Any]:
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{deviation_id}/actions",
        "enhetschef_a",
        201,
        json={"description": "Ny rutin", "horizon": "kort", **body},
    )
    return dict(r.json())


async def test_an_action_is_proposed_planned_done_and_followed_up_with_its_effect(svc: Any) -> None:
    d = await svc.decided()
    a = await _action(
        svc,
        d["id"],
        responsible_id=svc.person("medarbetare_b"),
        due_date="2026-03-31",
        goal="Ingen utebliven tillsyn",
    )
    assert a["status"] == "proposed" and a["horizon"] == "kort"
    assert [x["rule"] for x in a["deadlines"]] == ["actions_due"]
    base = f"/api/v1/deviations/{d['id']}/actions/{a['id']}"
    planned = await svc.call("POST", f"{base}/plan", "enhetschef_a", 200, json={})
    assert planned.json()["status"] == "planned" and planned.headers["etag"] == '"2"'
    # the person responsible for the action completes it (assigned), but not someone else's
    done = await svc.call("POST", f"{base}/complete", "medarbetare_b", 200, json={})
    assert done.json()["status"] == "done" and done.json()["deadlines"][0]["status"] == "met"
    r = await svc.call("POST", f"{base}/follow-up", "enhetschef_a", json={"effect": " ", "effective": True})
    assert r.status_code == 422
    followed = await svc.call(
        "POST", f"{base}/follow-up", "enhetschef_a", 200, json={"effect": "Följs", "effective": True}
    )
    assert followed.json()["effective"] is True
    event = next(e for e in await svc.outbox() if e["type"] == "ActionFollowedUp")
    assert event["data"]["effective"] is True and event["data"]["action_id"] == a["id"]


async def test_an_action_is_not_completed_before_it_is_planned(svc: Any) -> None:
    d = await svc.decided()
    a = await _action(svc, d["id"])
    r = await svc.call(
        "POST", f"/api/v1/deviations/{d['id']}/actions/{a['id']}/complete", "enhetschef_a", json={}
    )
    assert r.status_code == 409
    r = await svc.call(
        "POST", f"/api/v1/deviations/{d['id']}/actions/{a['id']}/plan", "enhetschef_a", json={}
    )
    assert r.status_code == 422  # responsible and due date first


async def test_a_medarbetare_completes_only_her_own_action(svc: Any) -> None:
    d = await svc.decided()
    mine = await _action(svc, d["id"], responsible_id=svc.person("medarbetare_b"), due_date="2026-03-31")
    other = await _action(svc, d["id"], responsible_id=svc.person("enhetschef_a"), due_date="2026-03-31")
    for a in (mine, other):
        await svc.call(
            "POST", f"/api/v1/deviations/{d['id']}/actions/{a['id']}/plan", "enhetschef_a", 200, json={}
        )
    # she may not read the case (CASE_READ: own); only her own action is hers to act on
    r = await svc.call(
        "POST", f"/api/v1/deviations/{d['id']}/actions/{other['id']}/complete", "medarbetare_b", json={}
    )
    assert r.status_code == 404
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/actions",
        "medarbetare_b",
        json={"description": "x", "horizon": "kort"},
    )
    assert r.status_code == 404
    assert (await svc.call("GET", f"/api/v1/deviations/{d['id']}", "medarbetare_b")).status_code == 404
    done = await svc.call(
        "POST", f"/api/v1/deviations/{d['id']}/actions/{mine['id']}/complete", "medarbetare_b", 200, json={}
    )
    assert done.json()["status"] == "done"


async def test_a_rejected_action_needs_a_reason_and_its_deadline_ends(svc: Any) -> None:
    d = await svc.decided()
    a = await _action(svc, d["id"])
    base = f"/api/v1/deviations/{d['id']}/actions/{a['id']}"
    assert (await svc.call("POST", f"{base}/reject", "enhetschef_a", json={"reason": ""})).status_code == 422
    rejected = await svc.call(
        "POST", f"{base}/reject", "enhetschef_a", 200, json={"reason": "Ersätts av annan åtgärd"}
    )
    assert rejected.json()["status"] == "rejected" and rejected.json()["deadlines"] == []
    case = (await svc.call("GET", f"/api/v1/deviations/{d['id']}", "enhetschef_a")).json()
    assert case["status"] == "follow_up"


async def test_patch_edits_an_open_actions_fields_and_moves_its_deadline(svc: Any) -> None:
    d = await svc.decided()
    a = await _action(svc, d["id"], due_date="2026-03-31")
    base = f"/api/v1/deviations/{d['id']}/actions/{a['id']}"
    r = await svc.call("PATCH", base, "enhetschef_a", json={"status": "done"})
    assert r.status_code == 422
    moved = await svc.call(
        "PATCH", base, "enhetschef_a", 200, json={"due_date": "2026-04-30", "horizon": "lang"}
    )
    assert moved.json()["horizon"] == "lang" and moved.json()["status"] == "proposed"
    assert moved.json()["deadlines"][0]["due_at"].startswith("2026-04-30T22:00")  # end of the day, Stockholm
    stale = await svc.call("PATCH", base, "enhetschef_a", json={"goal": "x"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412


async def test_deadlines_are_shown_with_their_rule_due_time_and_status(svc: Any) -> None:
    d = await svc.report(discovered_at="2026-03-02T09:00:00+01:00")
    deadlines = {
        x["rule"]: x
        for x in (await svc.call("GET", f"/api/v1/deviations/{d['id']}", "enhetschef_a")).json()["deadlines"]
    }
    assert set(deadlines) == {"report_genast", "receive"}
    # reported 4 March, discovered 2 March: Lex Sarah's "genast" (one day) was missed
    assert (
        deadlines["report_genast"]["status"] == "missed" and deadlines["report_genast"]["met_at"] is not None
    )
    # receive within one working day: Thursday 5 March, same time
    assert deadlines["receive"]["status"] == "pending" and deadlines["receive"]["due_at"].startswith(
        "2026-03-05T09:00"
    )


async def test_a_tenant_override_changes_a_practice_deadline(svc: Any) -> None:
    async with svc.runtime.session_factory() as session, session.begin():
        await session.execute(
            insert(deadline_tables.override).values(
                rule="investigation_complete", amount=10, unit="calendar_days"
            )
        )
    d = await svc.investigating()
    rules = {x["rule"]: x for x in d["deadlines"]}
    assert rules["investigation_start"]["status"] == "met"
    assert rules["investigation_complete"]["due_at"].startswith("2026-03-14")


async def test_the_scheduler_warns_then_reports_a_missed_deadline_once_each(svc: Any) -> None:
    d = await svc.report(type="avvikelse")
    scheduler = deadline_scheduler(svc.runtime)
    svc.clock.advance(hours=20)  # four hours before the receive deadline
    assert await scheduler.tick() == 1
    assert await scheduler.tick() == 0
    svc.clock.advance(hours=6)
    assert await scheduler.tick() == 1
    assert await scheduler.tick() == 0
    events = [e for e in await svc.outbox() if e["type"] in ("DeadlineApproaching", "DeadlineMissed")]
    assert [(e["type"], e["data"]["rule"]) for e in events] == [
        ("DeadlineApproaching", "receive"),
        ("DeadlineMissed", "receive"),
    ]
    assert events[1]["data"]["object_id"] == d["id"] and events[1]["data"]["responsible_role"] == "enhetschef"
    listed = await svc.call("GET", "/api/v1/deviations", "enhetschef_a", params={"overdue": "true"})
    assert [x["id"] for x in listed.json()["items"]] == [d["id"]]
    got = (await svc.call("GET", f"/api/v1/deviations/{d['id']}", "enhetschef_a")).json()
    assert got["deadlines"][0]["status"] == "missed"


async def test_an_action_past_its_due_date_makes_the_case_overdue(svc: Any) -> None:
    d = await svc.decided()
    await _action(svc, d["id"], due_date="2026-03-05")
    overdue = {"overdue": "true"}
    assert (await svc.call("GET", "/api/v1/deviations", "enhetschef_a", params=overdue)).json()["items"] == []
    svc.clock.advance(days=3)
    listed = (await svc.call("GET", "/api/v1/deviations", "enhetschef_a", params=overdue)).json()["items"]
    assert [x["id"] for x in listed] == [d["id"]]


async def test_a_changed_tenant_override_applies_to_the_next_report_once_its_notice_arrives(svc: Any) -> None:
    """The overrides are kept per process on PostgreSQL while it announces every change (NOTIFY from
    the table's trigger); SQLite reads them on every use."""
    overrides = svc.runtime.components.deadlines.overrides
    first = await svc.report("enhetschef_a", type="avvikelse")
    assert _due(first, "receive").startswith("2026-03-05T09:00")  # one working day
    if svc.runtime.engine.dialect.name == "postgresql":
        await wait_until(_true(lambda: overrides.listening))
        await svc.report("enhetschef_a", type="avvikelse")  # read once more while listening: now kept
        assert overrides.lookup("receive") == (True, None)
    async with svc.runtime.session_factory() as session, session.begin():
        await session.execute(
            insert(deadline_tables.override).values(rule="receive", amount=3, unit="calendar_days")
        )
    await wait_until(_true(lambda: not overrides.lookup("receive")[0]))  # the notice made it forget
    second = await svc.report("enhetschef_a", type="avvikelse")
    assert _due(second, "receive").startswith("2026-03-07T09:00")


def _due(deviation: dict[str, Any], rule: str) -> str:
    return str(next(d["due_at"] for d in deviation["deadlines"] if d["rule"] == rule))


def _true(check: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    async def predicate() -> bool:
        return check()

    return predicate
