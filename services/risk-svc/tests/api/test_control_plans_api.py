"""The internkontrollplan through the API: adoption by the nämnd, scheduled controls, results, findings,
a missed control as a deadline event, follow-up at T1."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

RISKS = "/api/v1/risk/risks"
PLANS = "/api/v1/risk/control-plans"
CONTROLS = "/api/v1/risk/controls"


async def _prioritised(svc: Any, unit: str, person: str, title: str, p: int = 3, c: int = 4) -> Any:
    risk = await svc.json(
        "POST",
        RISKS,
        person,
        201,
        json={"unit_id": svc.unit(unit), "title": title, "probability": p, "consequence": c},
    )
    return await svc.json("POST", f"{RISKS}/{risk['id']}/prioritise", person, json={})


async def _adopted_plan(svc: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A 2026 plan with a monthly row (enhet_a) and a quarterly row (enhet_c), adopted 2025-12-15."""
    svc.clock.set(datetime(2025, 12, 10, 9, tzinfo=UTC))
    fall = await _prioritised(svc, "enhet_a", "enhetschef_a", "Fall nattetid")
    docs = await _prioritised(svc, "enhet_c", "enhetschef_c", "Bristande dokumentation", p=4, c=2)
    plan = await svc.json(
        "POST", PLANS, "kvalitetsledare", 201, json={"unit_id": svc.unit("namnd"), "year": 2026}
    )
    rows = (
        (fall, "stickprov", "manadsvis", "t1", "Stickprov: fallriskbedömning i fem journaler"),
        (docs, "aktgranskning", "kvartalsvis", "t2", "Aktgranskning av genomförandeplaner"),
    )
    for risk, method, frequency, occasion, activity in rows:
        plan = await svc.json(
            "POST",
            f"{PLANS}/{plan['id']}/rows",
            "kvalitetsledare",
            201,
            json={
                "risk_id": risk["id"],
                "control_activity": activity,
                "method": method,
                "frequency": frequency,
                "reporting_occasion": occasion,
                "responsible_id": str(svc.org.people["enhetschef_a"]),
            },
        )
    svc.clock.set(datetime(2025, 12, 16, 9, tzinfo=UTC))
    adopted = await svc.json(
        "POST",
        f"{PLANS}/{plan['id']}/adopt",
        "socialchef",
        json={"meeting_date": "2025-12-15", "paragraph": "§ 92", "reference": "SN 2025/118"},
    )
    return adopted, fall


async def _controls(
    svc: Any, plan_id: str, person: str = "kvalitetsledare", **params: Any
) -> list[dict[str, Any]]:
    page = await svc.json("GET", CONTROLS, person, params={"plan_id": plan_id, "limit": 200, **params})
    return list(page["items"])


async def test_the_namnd_adopts_the_plan_and_every_row_schedules_its_controls_by_frequency(svc: Any) -> None:
    svc.clock.set(datetime(2025, 12, 10, 9, tzinfo=UTC))
    denied = await svc.client.post(
        PLANS, json={"unit_id": svc.unit("namnd"), "year": 2026}, headers=svc.auth("enhetschef_a")
    )
    assert denied.status_code == 403
    not_namnd = await svc.client.post(
        PLANS, json={"unit_id": svc.unit("forvaltning"), "year": 2026}, headers=svc.auth("kvalitetsledare")
    )
    assert not_namnd.status_code == 422
    unprioritised = await svc.json(
        "POST",
        RISKS,
        "enhetschef_a",
        201,
        json={"unit_id": svc.unit("enhet_a"), "title": "Låg", "probability": 1, "consequence": 1},
    )
    plan = await svc.json(
        "POST", PLANS, "kvalitetsledare", 201, json={"unit_id": svc.unit("namnd"), "year": 2026}
    )
    twice = await svc.client.post(
        PLANS, json={"unit_id": svc.unit("namnd"), "year": 2026}, headers=svc.auth("socialchef")
    )
    assert twice.status_code == 409
    row = {
        "control_activity": "x",
        "method": "stickprov",
        "frequency": "manadsvis",
        "reporting_occasion": "t1",
    }
    refused = await svc.client.post(
        f"{PLANS}/{plan['id']}/rows",
        json={**row, "risk_id": unprioritised["id"]},
        headers=svc.auth("kvalitetsledare"),
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "risk_id"
    decision = {"meeting_date": "2025-12-09", "paragraph": "§ 1"}
    alone = await svc.client.post(f"{PLANS}/{plan['id']}/adopt", json=decision, headers=svc.auth("namnd"))
    assert alone.status_code == 403  # a nämnd member never adopts alone: the nämnd does, at a meeting
    empty = await svc.client.post(
        f"{PLANS}/{plan['id']}/adopt", json=decision, headers=svc.auth("socialchef")
    )
    assert empty.status_code == 409

    adopted, fall = await _adopted_plan_on(svc, plan)
    assert adopted["status"] == "adopted" and adopted["decision_reference"] == "SN 2025/118 § 92"
    assert adopted["decided_on"] == "2025-12-15" and adopted["adopted_by"] == str(
        svc.org.people["socialchef"]
    )
    assert adopted["decision"] == {
        "body": "namnd",
        "unit_id": svc.unit("namnd"),
        "decided_on": "2025-12-15",
        "person_id": str(svc.org.people["socialchef"]),
        "role": "socialchef",
        "meeting_date": "2025-12-15",
        "paragraph": 92,
        "reference": "SN 2025/118",
        "text": "Nämndens beslut 15 december 2025 § 92 (dnr SN 2025/118)",
    }
    assert [r["controls_scheduled"] for r in adopted["rows"]] == [12, 4]
    assert adopted["rows"][0]["risk_reference"] == fall["reference"]
    controls = await _controls(svc, adopted["id"])
    monthly = sorted(c["due_date"] for c in controls if c["row_id"] == adopted["rows"][0]["id"])
    quarterly = sorted(c["due_date"] for c in controls if c["row_id"] == adopted["rows"][1]["id"])
    assert monthly[:3] == ["2026-01-31", "2026-02-28", "2026-03-31"] and monthly[-1] == "2026-12-31"
    assert quarterly == ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]
    assert {c["status"] for c in controls} == {"scheduled"}
    (event,) = await svc.events("ControlPlanAdopted")
    assert (event["row_count"], event["year"], event["unit_id"]) == (2, 2026, svc.unit("namnd"))
    late_row = await svc.client.post(
        f"{PLANS}/{adopted['id']}/rows",
        json={**row, "risk_id": fall["id"]},
        headers=svc.auth("kvalitetsledare"),
    )
    assert late_row.status_code == 409


async def _adopted_plan_on(svc: Any, plan: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    fall = await _prioritised(svc, "enhet_a", "enhetschef_a", "Fall nattetid")
    docs = await _prioritised(svc, "enhet_c", "enhetschef_c", "Dokumentation", p=4, c=2)
    proposals = await svc.json("GET", f"{PLANS}/{plan['id']}/proposals", "kvalitetsledare")
    assert {p["risk_id"] for p in proposals} == {fall["id"], docs["id"]}
    for risk, frequency in ((fall, "manadsvis"), (docs, "kvartalsvis")):
        await svc.json(
            "POST",
            f"{PLANS}/{plan['id']}/rows",
            "kvalitetsledare",
            201,
            json={
                "risk_id": risk["id"],
                "control_activity": "Stickprov",
                "method": "stickprov",
                "frequency": frequency,
                "reporting_occasion": "t1",
            },
        )
    path = f"{PLANS}/{plan['id']}/adopt"
    chef = await svc.client.post(
        path, json={"meeting_date": "2025-12-09", "paragraph": "1"}, headers=svc.auth("enhetschef_a")
    )
    assert chef.status_code == 403  # the nämnd adopts: its decision is recorded by those who serve it
    early = await svc.client.post(
        path, json={"meeting_date": "2025-06-30", "paragraph": "1"}, headers=svc.auth("kvalitetsledare")
    )
    assert early.status_code == 409
    assert early.json()["detail"] == (
        "Internkontrollplanen för 2026 antas före året, tidigast 1 juli 2025 och senast 31 december 2025"
    )
    no_paragraph = await svc.client.post(
        path, json={"meeting_date": "2025-12-09", "paragraph": "§"}, headers=svc.auth("kvalitetsledare")
    )
    assert no_paragraph.status_code == 422 and no_paragraph.json()["errors"][0]["field"] == "paragraph"
    svc.clock.set(datetime(2025, 12, 16, 9, tzinfo=UTC))
    adopted = await svc.json(
        "POST",
        f"{PLANS}/{plan['id']}/adopt",
        "socialchef",
        json={"meeting_date": "2025-12-15", "paragraph": "§ 92", "reference": "SN 2025/118"},
    )
    return adopted, fall


async def test_a_performed_control_records_findings_whose_actions_join_the_risks_plan(svc: Any) -> None:
    plan, fall = await _adopted_plan(svc)
    january = min(
        (c for c in await _controls(svc, plan["id"]) if c["risk_id"] == fall["id"]),
        key=lambda c: c["due_date"],
    )
    svc.clock.set(datetime(2026, 1, 29, 9, tzinfo=UTC))
    ok_with_finding = await svc.client.post(
        f"{CONTROLS}/{january['id']}/perform",
        json={"result": "ok", "findings": [{"description": "x"}]},
        headers=svc.auth("enhetschef_a"),
    )
    assert ok_with_finding.status_code == 422
    outsider = await svc.client.post(
        f"{CONTROLS}/{january['id']}/perform", json={"result": "ok"}, headers=svc.auth("enhetschef_c")
    )
    assert outsider.status_code == 404  # outside the caller's scope: as an unknown id
    performed = await svc.json(
        "POST",
        f"{CONTROLS}/{january['id']}/perform",
        "enhetschef_a",
        json={
            "result": "avvikelser",
            "note": "5 journaler granskade",
            "findings": [
                {
                    "description": "Två journaler saknade fallriskbedömning",
                    "action": {"description": "Påminnelse på APT", "due_date": "2026-02-15"},
                }
            ],
        },
    )
    assert (performed["status"], performed["result"], performed["on_time"], performed["finding_count"]) == (
        "performed",
        "avvikelser",
        True,
        1,
    )
    again = await svc.client.post(
        f"{CONTROLS}/{january['id']}/perform", json={"result": "ok"}, headers=svc.auth("enhetschef_a")
    )
    assert again.status_code == 409
    risk = await svc.json("GET", f"{RISKS}/{fall['id']}", "enhetschef_a")
    assert [(a["description"], a["finding_id"]) for a in risk["actions"]] == [
        ("Påminnelse på APT", performed["findings"][0]["id"])
    ]
    (done,) = await svc.events("ControlPerformed")
    assert (done["result"], done["on_time"], done["risk_id"], done["due_date"]) == (
        "avvikelser",
        True,
        fall["id"],
        "2026-01-31",
    )
    (finding,) = await svc.events("ControlFindingRecorded")
    assert finding["finding_id"] == performed["findings"][0]["id"] and "description" not in finding
    # the nämnd sees the result, not the text of the findings
    seen = await svc.json("GET", f"{CONTROLS}/{january['id']}", "namnd")
    assert (
        seen["result"] == "avvikelser" and seen["findings"][0]["description"] is None and seen["note"] is None
    )
    assert (await svc.json("GET", f"{CONTROLS}/{january['id']}", "kvalitetsledare"))[
        "note"
    ] == "5 journaler granskade"


async def test_a_missed_control_emits_deadline_missed_once_when_the_clock_passes_its_due_date(
    svc: Any,
) -> None:
    plan, fall = await _adopted_plan(svc)
    controls = await _controls(svc, plan["id"])
    january = next(c for c in controls if c["risk_id"] == fall["id"] and c["due_date"] == "2026-01-31")
    svc.clock.set(datetime(2026, 1, 31, 22, 30, tzinfo=UTC))  # 23:30 on the due date in Stockholm
    await svc.worker.tick()
    assert await svc.outbox("DeadlineMissed") == []
    svc.clock.set(datetime(2026, 2, 2, 8, tzinfo=UTC))
    await svc.worker.tick()
    await svc.worker.tick()
    missed = await svc.events("DeadlineMissed")
    assert [(e["rule"], e["object_type"], e["object_id"]) for e in missed] == [
        ("control_performed", "control", january["id"])
    ]
    assert missed[0]["reference"] == january["reference"] and missed[0]["unit_id"] == svc.unit("enhet_a")
    overdue = await _controls(svc, plan["id"], status="missed")
    assert [c["id"] for c in overdue] == [january["id"]]
    late = await svc.json(
        "POST",
        f"{CONTROLS}/{january['id']}/perform",
        "enhetschef_a",
        json={"result": "ok", "performed_on": "2026-02-01"},
    )
    assert (late["status"], late["on_time"]) == ("performed", False)
    await svc.worker.tick()
    assert len(await svc.outbox("DeadlineMissed")) == 1


async def test_the_plan_is_followed_up_at_t1_with_the_controls_due_by_april(svc: Any) -> None:
    plan, _fall = await _adopted_plan(svc)
    controls = sorted(await _controls(svc, plan["id"]), key=lambda c: (c["due_date"], c["reference"]))
    svc.clock.set(datetime(2026, 3, 5, 9, tzinfo=UTC))
    for control in controls[:2]:  # January and February of the monthly row
        await svc.json(
            "POST",
            f"{CONTROLS}/{control['id']}/perform",
            "enhetschef_a",
            json={"result": "ok", "performed_on": "2026-02-27"},
        )
    early = await svc.client.post(
        f"{PLANS}/{plan['id']}/follow-up", json={"occasion": "t1"}, headers=svc.auth("kvalitetsledare")
    )
    assert early.status_code == 409
    svc.clock.set(datetime(2026, 5, 12, 9, tzinfo=UTC))
    skipped = await svc.client.post(
        f"{PLANS}/{plan['id']}/follow-up", json={"occasion": "t2"}, headers=svc.auth("kvalitetsledare")
    )
    assert skipped.status_code == 409
    followed = await svc.json(
        "POST",
        f"{PLANS}/{plan['id']}/follow-up",
        "kvalitetsledare",
        json={"occasion": "t1", "note": "Till nämnden i maj"},
    )
    assert followed["status"] == "followed_up" and followed["next_occasion"] == "t2"
    figures = followed["follow_ups"][0]["figures"]
    # due by 30 April: 4 monthly + 1 quarterly; January recorded late (27 Feb), February on time, 3 missed
    assert figures == {"due": 5, "performed": 2, "ok": 2, "avvikelser": 0, "performed_late": 1, "missed": 3}
    (event,) = await svc.events("ControlPlanFollowedUp")
    assert event["occasion"] == "t1" and event["figures"] == figures
