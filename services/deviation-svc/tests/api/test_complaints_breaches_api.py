"""Klagomål och synpunkter, and personuppgiftsincidenter, through the API."""

from __future__ import annotations

from typing import Any

from deviation_svc.app import deadline_scheduler


async def _complaint(svc: Any, person: str = "medarbetare_a", **body: Any) -> dict[str, Any]:
    payload = {
        "kind": "klagomal",
        "channel": "telefon",
        "complainant_type": "narstaende",
        "unit_id": svc.unit("enhet_a"),
        "text": "Min mamma fick inte sin medicin i tid",
        **body,
    }
    r = await svc.call("POST", "/api/v1/complaints", person, 201, json=payload)
    return dict(r.json())


async def test_a_complaint_is_acknowledged_investigated_answered_and_closed(svc: Any) -> None:
    c = await _complaint(svc)
    assert c["status"] == "mottagen" and c["reference"].startswith("KLA-2026-")
    assert c["response_due_at"].startswith("2026-04-01")  # received 4 March + 28 days
    assert {x["rule"] for x in c["deadlines"]} == {"complaint_acknowledge", "complaint_response"}
    base = f"/api/v1/complaints/{c['id']}"
    assert (await svc.call("POST", f"{base}/acknowledge", "enhetschef_a", 200)).json()[
        "status"
    ] == "kvitterad"
    assert (await svc.call("POST", f"{base}/start-investigation", "enhetschef_a", 200)).json()[
        "status"
    ] == "under_utredning"
    r = await svc.call("POST", f"{base}/close", "enhetschef_a")
    assert r.status_code == 409  # not answered yet
    answered = await svc.call(
        "POST", f"{base}/respond", "enhetschef_a", 200, json={"response": "Vi har ändrat rutinen"}
    )
    assert answered.json()["status"] == "besvarad"
    assert all(x["status"] == "met" for x in answered.json()["deadlines"])
    assert (await svc.call("POST", f"{base}/close", "enhetschef_a", 200)).json()["status"] == "avslutad"
    types = await svc.event_types(c["id"])
    for expected in (
        "ComplaintReceived",
        "ComplaintAcknowledged",
        "ComplaintInvestigationStarted",
        "ComplaintResponded",
        "ComplaintClosed",
    ):
        assert expected in types
    received = next(e for e in await svc.outbox() if e["type"] == "ComplaintReceived")
    assert received["data"]["complainant_type"] == "narstaende" and received["data"]["channel"] == "telefon"


async def test_an_anonymous_complaint_gets_no_acknowledgement_or_reply_and_no_deadlines(svc: Any) -> None:
    c = await _complaint(svc, complainant_type="anonym", kind="synpunkt")
    assert c["deadlines"] == [] and c["response_due_at"] is None
    base = f"/api/v1/complaints/{c['id']}"
    assert (await svc.call("POST", f"{base}/acknowledge", "enhetschef_a")).status_code == 409
    await svc.call("POST", f"{base}/start-investigation", "enhetschef_a", 200)
    assert (
        await svc.call("POST", f"{base}/respond", "enhetschef_a", json={"response": "x"})
    ).status_code == 409
    assert (await svc.call("POST", f"{base}/close", "enhetschef_a", 200)).json()["status"] == "avslutad"


async def test_the_response_deadline_is_tenant_configurable(svc: Any) -> None:
    from sqlalchemy import insert

    from deviation_svc.adapters.orm import deadline_tables

    async with svc.runtime.session_factory() as session, session.begin():
        await session.execute(
            insert(deadline_tables.override).values(
                rule="complaint_response", amount=14, unit="calendar_days"
            )
        )
    c = await _complaint(svc, received_at="2026-03-02T10:00:00+01:00")
    assert c["response_due_at"].startswith("2026-03-16")


async def test_escalating_a_complaint_reports_a_linked_deviation_and_the_complaint_stays_open(
    svc: Any,
) -> None:
    c = await _complaint(svc, subject={"name": "Test Testsson", "personnummer": "19121212-1212"})
    base = f"/api/v1/complaints/{c['id']}"
    await svc.call("POST", f"{base}/acknowledge", "enhetschef_a", 200)
    r = await svc.call(
        "POST", f"{base}/escalate", "enhetschef_a", json={"type": "avvikelse", "description": "x"}
    )
    assert r.status_code == 422
    escalated = await svc.call(
        "POST",
        f"{base}/escalate",
        "enhetschef_a",
        200,
        json={"type": "hsl", "description": "Läkemedel gavs inte", "category": "lakemedel"},
    )
    body = escalated.json()
    assert (
        body["complaint"]["status"] == "eskalerad"
        and body["complaint"]["escalated_deviation_id"] == body["deviation_id"]
    )
    d = (await svc.call("GET", f"/api/v1/deviations/{body['deviation_id']}", "enhetschef_a", 200)).json()
    assert d["type"] == "hsl" and d["complaint_id"] == c["id"] and d["status"] == "reported"
    assert d["subjects"][0]["name"] == "Test Testsson"
    reported = next(e for e in await svc.outbox() if e["type"] == "DeviationReported")
    assert reported["data"]["complaint_id"] == c["id"]
    # still open for its reply
    answered = await svc.call(
        "POST", f"{base}/respond", "enhetschef_a", 200, json={"response": "Anmält enligt lex Maria"}
    )
    assert answered.json()["status"] == "besvarad"


async def test_complaints_are_visible_within_scope_only(svc: Any) -> None:
    c = await _complaint(svc)
    assert (await svc.call("GET", f"/api/v1/complaints/{c['id']}", "enhetschef_c")).status_code == 404
    assert (await svc.call("GET", f"/api/v1/complaints/{c['id']}", "mas")).status_code == 404
    listed = (
        await svc.call("GET", "/api/v1/complaints", "enhetschef_a", params={"status": "mottagen"})
    ).json()
    assert [x["id"] for x in listed["items"]] == [c["id"]] and "text" not in listed["items"][0]
    assert (await svc.call("GET", "/api/v1/complaints", "enhetschef_c")).json()["items"] == []
    r = await svc.call("POST", f"/api/v1/complaints/{c['id']}/acknowledge", "medarbetare_a")
    assert r.status_code == 403


# --- data breaches ------------------------------------------------------------------------------


async def _breach(svc: Any, **body: Any) -> dict[str, Any]:
    payload = {
        "unit_id": svc.unit("enhet_a"),
        "discovered_at": "2026-03-04T08:00:00+01:00",
        "occurred_at": "2026-03-03T16:00:00+01:00",
        "description": "Journalutdrag skickades till fel mottagare",
        "data_categories": ["halsa", "sekretess"],
        "subject_groups": ["brukare"],
        "approx_subjects": 1,
        "approx_records": 3,
        **body,
    }
    r = await svc.call("POST", "/api/v1/data-breaches", "medarbetare_a", 201, json=payload)
    return dict(r.json())


async def test_a_breach_runs_a_72_hour_imy_clock_from_discovery_weekends_included(svc: Any) -> None:
    svc.clock.advance(days=2, hours=7)
    b = await _breach(svc, discovered_at="2026-03-06T15:00:00+01:00")  # a Friday afternoon
    assert b["imy_due_at"].startswith("2026-03-09T14:00")  # Monday, 72 hours later
    assert b["status"] == "rapporterad" and b["reference"].startswith("PUI-2026-")
    assert [x["rule"] for x in b["deadlines"]] == ["imy_notification"]


async def test_a_high_risk_breach_is_reported_to_imy_and_the_subjects_informed(svc: Any) -> None:
    b = await _breach(svc)
    base = f"/api/v1/data-breaches/{b['id']}"
    r = await svc.call("POST", f"{base}/report-to-imy", "enhetschef_a", json={"imy_ref": "IMY-1"})
    assert r.status_code == 409  # assess the risk first
    assessed = await svc.call(
        "POST",
        f"{base}/assess",
        "enhetschef_a",
        200,
        json={"risk": "hog_risk", "motivation": "Hälsouppgifter"},
    )
    body = assessed.json()
    assert body["imy_required"] is True and body["subjects_must_be_informed"] is True
    assert {x["rule"] for x in body["deadlines"]} == {"imy_notification", "data_subjects_informed"}
    r = await svc.call("POST", f"{base}/remedy", "enhetschef_a")
    assert r.status_code == 409
    await svc.call("POST", f"{base}/report-to-imy", "enhetschef_a", 200, json={"imy_ref": "IMY-2026-1"})
    informed = await svc.call("POST", f"{base}/inform-subjects", "enhetschef_a", 200, json={})
    assert informed.json()["status"] == "registrerade_informerade"
    assert all(x["status"] == "met" for x in informed.json()["deadlines"])
    await svc.call("POST", f"{base}/remedy", "enhetschef_a", 200)
    closed = await svc.call("POST", f"{base}/close", "enhetschef_a", 200)
    assert closed.json()["status"] == "avslutad"
    types = await svc.event_types(b["id"])
    assert types[:2] == ["DataBreachReported", "AuditRecorded"]
    for expected in (
        "DataBreachAssessed",
        "DataBreachReportedToImy",
        "DataSubjectsInformed",
        "DataBreachRemedied",
        "DataBreachClosed",
    ):
        assert expected in types


async def test_a_breach_without_risk_is_documented_and_closed_without_notifying_imy(svc: Any) -> None:
    b = await _breach(svc)
    base = f"/api/v1/data-breaches/{b['id']}"
    assessed = await svc.call(
        "POST",
        f"{base}/assess",
        "enhetschef_a",
        200,
        json={"risk": "ingen_trolig", "motivation": "Krypterat"},
    )
    assert assessed.json()["imy_required"] is False and assessed.json()["deadlines"] == []
    await svc.call("POST", f"{base}/remedy", "enhetschef_a", 200)
    await svc.call("POST", f"{base}/close", "enhetschef_a", 200)
    svc.clock.advance(days=5)
    assert await deadline_scheduler(svc.runtime).tick() == 0  # nothing missed: no notification was due
    got = await svc.call("GET", f"{base}", "enhetschef_a", 200)
    assert got.json()["status"] == "avslutad" and got.json()["description"].startswith("Journalutdrag")


async def test_a_missed_imy_notification_is_reported_once_by_the_scheduler(svc: Any) -> None:
    b = await _breach(svc)
    svc.clock.advance(hours=72)
    scheduler = deadline_scheduler(svc.runtime)
    await scheduler.tick()
    await scheduler.tick()
    missed = [e for e in await svc.outbox() if e["type"] == "DeadlineMissed"]
    assert len(missed) == 1 and missed[0]["data"]["rule"] == "imy_notification"
    assert missed[0]["data"]["object_type"] == "data_breach" and missed[0]["data"]["object_id"] == b["id"]
    listed = await svc.call("GET", "/api/v1/data-breaches", "enhetschef_a", params={"overdue": "true"})
    assert [x["id"] for x in listed.json()["items"]] == [b["id"]]


async def test_breach_fields_are_edited_with_patch_never_the_state(svc: Any) -> None:
    b = await _breach(svc)
    r = await svc.call(
        "PATCH", f"/api/v1/data-breaches/{b['id']}", "enhetschef_a", json={"status": "avslutad"}
    )
    assert r.status_code == 422
    ok = await svc.call(
        "PATCH",
        f"/api/v1/data-breaches/{b['id']}",
        "enhetschef_a",
        200,
        json={"dpo_consulted": True, "cause": "Fel adress"},
    )
    assert ok.json()["dpo_consulted"] is True and ok.json()["status"] == "rapporterad"
