"""The deviation lifecycle through the API: states, guards (409), who may (403), nothing written on error."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from deviation_svc.adapters.orm import Deviation


async def _count_rows(svc: Any) -> tuple[int, int]:
    """(outbox rows, audit rows): what any write leaves behind."""
    async with svc.runtime.session_factory() as session:
        outbox = await session.scalar(select(func.count()).select_from(svc.runtime.messaging.outbox))
        audit = await session.scalar(select(func.count()).select_from(svc.runtime.auditor._table))
        return int(outbox or 0), int(audit or 0)


async def test_a_lex_sarah_report_walks_every_phase_to_closed(svc: Any) -> None:
    d = await svc.decided(degree="missforhallande")
    assert d["status"] == "decided" and d["degree"] == "missforhallande" and d["ivo_required"] is False
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/actions",
        "enhetschef_a",
        201,
        json={"description": "Ny rutin för nattillsyn", "horizon": "kort"},
    )
    action = r.json()
    assert (await svc.call("GET", f"/api/v1/deviations/{d['id']}", "enhetschef_a")).json()[
        "status"
    ] == "actions"
    base = f"/api/v1/deviations/{d['id']}/actions/{action['id']}"
    # The effect is followed up by the investigator or the responsible chef, not the action's owner.
    plan = {"responsible_id": svc.person("medarbetare_a"), "due_date": "2026-03-20"}
    await svc.call("POST", f"{base}/plan", "enhetschef_a", 200, json=plan)
    await svc.call("POST", f"{base}/complete", "medarbetare_a", 200, json={})
    after_done = await svc.call("GET", f"/api/v1/deviations/{d['id']}", "enhetschef_a")
    assert after_done.json()["status"] == "follow_up"
    await svc.call(
        "POST", f"{base}/follow-up", "enhetschef_a", 200, json={"effect": "Fungerar", "effective": True}
    )
    closed = await svc.step(d["id"], "close", "enhetschef_a")
    assert closed["status"] == "closed" and closed["closed_by"] == svc.person("enhetschef_a")
    types = await svc.event_types(d["id"])
    for expected in (
        "DeviationReported",
        "DeviationReceived",
        "InvestigationStarted",
        "InvestigationCompleted",
        "DeviationDecided",
        "ActionProposed",
        "ActionPlanned",
        "ActionCompleted",
        "ActionFollowedUp",
        "DeviationClosed",
    ):
        assert expected in types, expected
    closed_event = next(e for e in await svc.outbox() if e["type"] == "DeviationClosed")
    assert closed_event["data"]["reporter_id"] == svc.person("medarbetare_a")  # so the reporter is told
    assert (
        closed_event["data"]["status"] == "closed" and closed_event["data"]["deviation_type"] == "lex_sarah"
    )


async def test_a_step_not_allowed_in_the_current_state_is_409_saying_why_and_writes_nothing(svc: Any) -> None:
    d = await svc.report()
    before = await _count_rows(svc)
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/decision",
        "socialchef",
        json={"motivation": "x", "degree": "missforhallande"},
    )
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"
    assert "rapporterad" in r.json()["detail"]
    assert await _count_rows(svc) == before
    got = await svc.call("GET", f"/api/v1/deviations/{d['id']}", "enhetschef_a")
    assert got.json()["status"] == "reported" and got.json()["version"] == d["version"]


async def test_a_step_the_caller_may_not_take_is_403_and_writes_nothing(svc: Any) -> None:
    d = await svc.report()
    before = await _count_rows(svc)
    # the reporter sees her report but may not receive it
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/receive",
        "medarbetare_a",
        json={"no_immediate_measures_needed": True},
    )
    assert r.status_code == 403
    assert await _count_rows(svc) == before


async def test_a_case_outside_the_callers_scope_is_404_for_every_step(svc: Any) -> None:
    d = await svc.report()
    for verb in ("receive", "void", "close", "reclassify"):
        r = await svc.call("POST", f"/api/v1/deviations/{d['id']}/{verb}", "enhetschef_c", json={})
        assert r.status_code in (404, 422), (verb, r.text)
        if r.status_code == 422:  # the body is checked first; with a valid body it is 404 again
            continue
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/receive",
        "enhetschef_c",
        json={"no_immediate_measures_needed": True},
    )
    assert r.status_code == 404


async def test_receiving_requires_immediate_measures_or_none_needed(svc: Any) -> None:
    d = await svc.report()
    r = await svc.call("POST", f"/api/v1/deviations/{d['id']}/receive", "enhetschef_a", json={})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "immediate_measures"
    ok = await svc.step(d["id"], "receive", "enhetschef_a", {"no_immediate_measures_needed": True})
    assert ok["status"] == "received" and ok["received_by"] == svc.person("enhetschef_a")


async def test_the_investigator_must_be_able_to_investigate_the_case(svc: Any) -> None:
    d = await svc.received()
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/start-investigation",
        "enhetschef_a",
        json={"investigator_id": svc.person("medarbetare_b")},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "investigator_id"
    # the SAS investigates Lex Sarah; a kvalitetsledare may once assigned
    for investigator in ("sas", "kvalitetsledare"):
        ok = await svc.investigating(investigator=investigator)
        assert ok["status"] == "investigating" and ok["investigator_id"] == svc.person(investigator)


async def test_an_assigned_investigator_sees_and_investigates_the_case(svc: Any) -> None:
    d = await svc.investigating(investigator="kvalitetsledare")
    await svc.write_investigation(d["id"], "kvalitetsledare")
    done = await svc.step(
        d["id"], "complete-investigation", "kvalitetsledare", {"conclusion": "Brist i rutin"}
    )
    assert done["investigation_completed_at"] is not None
    investigation = (
        await svc.call("GET", f"/api/v1/deviations/{d['id']}/investigation", "kvalitetsledare")
    ).json()
    assert len(investigation["entries"]) == 7
    entry = investigation["entries"][0]
    assert {"entry_date", "source", "kind", "author_name", "author_title"} <= set(entry)
    assert entry["author_id"] == svc.person("kvalitetsledare")


async def test_the_investigation_cannot_complete_without_the_content_sosfs_2011_5_requires(svc: Any) -> None:
    d = await svc.investigating()
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/complete-investigation",
        "enhetschef_a",
        json={"conclusion": "x"},
    )
    assert r.status_code == 409 and "konsekvenser" in r.json()["detail"]


async def test_a_decision_needs_a_completed_investigation(svc: Any) -> None:
    d = await svc.investigating()
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/decision",
        "socialchef",
        json={"motivation": "x", "degree": "missforhallande"},
    )
    assert r.status_code == 409 and "inte avslutad" in r.json()["detail"]


async def test_lex_sarah_degree_is_decided_by_the_socialchef_not_the_enhetschef(svc: Any) -> None:
    d = await svc.investigated()
    body = {"motivation": "x", "degree": "missforhallande"}
    r = await svc.call("POST", f"/api/v1/deviations/{d['id']}/decision", "enhetschef_a", json=body)
    assert r.status_code == 403
    decided = await svc.step(d["id"], "decision", "socialchef", body)
    assert decided["decision"]["decided_by"] == svc.person("socialchef")


async def test_a_delegate_decides_lex_sarah_within_the_delegated_unit(svc: Any) -> None:
    d = await svc.investigated()
    decided = await svc.step(
        d["id"], "decision", "verksamhetschef", {"motivation": "x", "degree": "allvarligt_missforhallande"}
    )
    assert decided["ivo_required"] is True and decided["ivo_notification"]["decided_by"] == svc.person(
        "verksamhetschef"
    )
    # LSS: outside the delegation
    other = await svc.investigated("enhetschef_c", "enhetschef_c", unit_id=svc.unit("enhet_c"))
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{other['id']}/decision",
        "verksamhetschef",
        json={"motivation": "x", "degree": "missforhallande"},
    )
    assert r.status_code == 404  # not even visible to the verksamhetschef of omsorg


async def test_the_degree_must_belong_to_the_law_and_ivo_required_is_derived(svc: Any) -> None:
    d = await svc.investigated()
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/decision",
        "socialchef",
        json={"motivation": "x", "degree": "allvarlig_vardskada"},
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "degree"
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/decision",
        "socialchef",
        json={"motivation": "x", "degree": "missforhallande", "ivo_required": True},
    )
    assert r.status_code == 422  # ivo_required is never typed in


async def test_a_motivated_no_action_takes_the_decided_case_to_follow_up_and_it_closes(svc: Any) -> None:
    d = await svc.investigated()
    decided = await svc.step(
        d["id"],
        "decision",
        "socialchef",
        {"motivation": "x", "degree": "inget_missforhallande", "no_actions_motivation": "Inga brister"},
    )
    assert decided["status"] == "follow_up"
    assert (await svc.step(d["id"], "close", "enhetschef_a"))["status"] == "closed"


async def test_lex_sarah_may_not_skip_phases_but_an_ordinary_avvikelse_may_close_at_receipt(svc: Any) -> None:
    sarah = await svc.received()
    r = await svc.call(
        "POST", f"/api/v1/deviations/{sarah['id']}/close", "enhetschef_a", json={"motivation": "Klart"}
    )
    assert r.status_code == 409 and "får inte hoppa över faser" in r.json()["detail"]
    ordinary = await svc.received(type="avvikelse")
    r = await svc.call("POST", f"/api/v1/deviations/{ordinary['id']}/close", "enhetschef_a", json={})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "motivation"
    closed = await svc.step(ordinary["id"], "close", "enhetschef_a", {"motivation": "Åtgärdat direkt"})
    assert closed["status"] == "closed" and closed["close_motivation"] == "Åtgärdat direkt"


async def test_a_case_does_not_close_while_an_action_is_open(svc: Any) -> None:
    d = await svc.decided()
    await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/actions",
        "enhetschef_a",
        201,
        json={"description": "Utbildning", "horizon": "lang"},
    )
    r = await svc.call("POST", f"/api/v1/deviations/{d['id']}/close", "enhetschef_a", json={})
    assert r.status_code == 409 and "åtgärd" in r.json()["detail"]


async def test_voiding_keeps_the_record_with_its_reason_and_only_before_investigation(svc: Any) -> None:
    d = await svc.report(type="avvikelse")  # the unit's chef voids an ordinary avvikelse (issue 12)
    voided = await svc.step(d["id"], "void", "enhetschef_a", {"reason": "Dubbelregistrering"})
    assert voided["status"] == "voided" and voided["void_reason"] == "Dubbelregistrering"
    assert all(x["status"] != "pending" for x in voided["deadlines"])
    later = await svc.investigating(type="avvikelse")
    r = await svc.call("POST", f"/api/v1/deviations/{later['id']}/void", "enhetschef_a", json={"reason": "x"})
    assert r.status_code == 409
    r = await svc.call("POST", f"/api/v1/deviations/{d['id']}/void", "medarbetare_a", json={"reason": "x"})
    assert r.status_code == 403  # the reporter sees it but may not void


async def test_reopening_a_closed_case_returns_it_to_investigating(svc: Any) -> None:
    d = await svc.investigated(type="avvikelse")
    await svc.step(
        d["id"], "decision", "enhetschef_a", {"motivation": "x", "no_actions_motivation": "Ingen åtgärd"}
    )
    await svc.step(d["id"], "close", "enhetschef_a")
    reopened = await svc.step(d["id"], "reopen", "enhetschef_a")
    assert reopened["status"] == "investigating" and reopened["investigation_completed_at"] is None
    assert "DeviationReopened" in await svc.event_types(d["id"])
    again = await svc.step(d["id"], "complete-investigation", "enhetschef_a", {"conclusion": "Ny bedömning"})
    assert again["status"] == "investigating"


async def test_reclassification_keeps_history_and_hand_back_needs_a_motivation(svc: Any) -> None:
    d = await svc.received(type="avvikelse")
    to_sarah = await svc.step(
        d["id"],
        "reclassify",
        "enhetschef_a",
        {"type": "lex_sarah", "motivation": "Misstänkt missförhållande"},
    )
    assert to_sarah["type"] == "lex_sarah" and to_sarah["id"] == d["id"]
    back = await svc.step(
        d["id"], "reclassify", "sas", {"type": "avvikelse", "motivation": "Inget missförhållande"}
    )
    assert back["type"] == "avvikelse"
    events = [e for e in await svc.outbox() if e["type"] == "DeviationReclassified"]
    assert [(e["data"]["from_type"], e["data"]["to_type"]) for e in events] == [
        ("avvikelse", "lex_sarah"),
        ("lex_sarah", "avvikelse"),
    ]
    history = (await svc.call("GET", f"/api/v1/deviations/{d['id']}/history", "enhetschef_a")).json()["items"]
    assert [h["type"] for h in history].count("DeviationReclassified") == 2
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/reclassify",
        "enhetschef_a",
        json={"type": "hsl", "motivation": " "},
    )
    assert r.status_code == 422


async def test_patch_edits_fields_never_the_state(svc: Any) -> None:
    d = await svc.received()
    r = await svc.call("PATCH", f"/api/v1/deviations/{d['id']}", "enhetschef_a", json={"status": "closed"})
    assert r.status_code == 422
    r = await svc.call("PATCH", f"/api/v1/deviations/{d['id']}", "enhetschef_a", json={"type": "hsl"})
    assert r.status_code == 422
    ok = await svc.call(
        "PATCH",
        f"/api/v1/deviations/{d['id']}",
        "enhetschef_a",
        200,
        json={"severity": 3, "probability": 2, "police_reported": False},
    )
    assert ok.json()["risk_value"] == 6 and ok.json()["status"] == "received"
    r = await svc.call("PATCH", f"/api/v1/deviations/{d['id']}", "medarbetare_a", json={"severity": 1})
    assert r.status_code == 403
    r = await svc.call("PATCH", f"/api/v1/deviations/{d['id']}", "enhetschef_a", json={"description": None})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "description"


async def test_etag_and_if_match_refuse_a_stale_write_with_412(svc: Any) -> None:
    d = await svc.report()
    got = await svc.call("GET", f"/api/v1/deviations/{d['id']}", "enhetschef_a")
    etag = got.headers["etag"]
    assert etag == f'"{got.json()["version"]}"'
    await svc.call(
        "PATCH",
        f"/api/v1/deviations/{d['id']}",
        "enhetschef_a",
        200,
        json={"severity": 2},
        headers={"If-Match": etag},
    )
    stale = await svc.call(
        "PATCH",
        f"/api/v1/deviations/{d['id']}",
        "enhetschef_a",
        json={"severity": 4},
        headers={"If-Match": etag},
    )
    assert stale.status_code == 412 and stale.headers["content-type"] == "application/problem+json"
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/receive",
        "enhetschef_a",
        json={"no_immediate_measures_needed": True},
        headers={"If-Match": etag},
    )
    assert r.status_code == 412
    async with svc.runtime.session_factory() as session:
        stored = await session.get(Deviation, uuid.UUID(d["id"]))
        assert stored is not None and stored.severity == 2 and stored.status == "reported"


async def test_the_reporter_sees_the_status_of_her_report_but_not_the_investigation(svc: Any) -> None:
    d = await svc.investigating(subjects=[{"name": "Test Testsson", "personnummer": "19121212-1212"}])
    own = (await svc.call("GET", f"/api/v1/deviations/{d['id']}", "medarbetare_a", 200)).json()
    assert own["view"] == "reporter" and own["status"] == "investigating"
    assert own["investigator_id"] is None and own["subjects"] is None and own["deadlines"] is None
    r = await svc.call("GET", f"/api/v1/deviations/{d['id']}/investigation", "medarbetare_a")
    assert r.status_code == 404
    r = await svc.call("GET", f"/api/v1/deviations/{d['id']}/history", "medarbetare_a")
    assert r.status_code == 404
    chef = (await svc.call("GET", f"/api/v1/deviations/{d['id']}", "enhetschef_a")).json()
    assert chef["view"] == "full" and chef["subjects"][0]["personnummer"] == "19121212-1212"
