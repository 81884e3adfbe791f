"""The chain around a serious case is closed (issue 12): no voiding after IVO knows, no hand-back by the
unit's own chef, dates in order, the effect of an action judged by someone other than its owner."""

from __future__ import annotations

from typing import Any

DECIDED_AT = "2026-03-04T10:00:00+01:00"  # the tests' clock: the IVO decision is taken now


async def _escalated(svc: Any, **report: Any) -> dict[str, Any]:
    d = await svc.received(**report)
    body = {"degree": "allvarligt_missforhallande", "rationale": "Brukaren skadades allvarligt"}
    await svc.call("POST", f"/api/v1/deviations/{d['id']}/ivo-decision", "socialchef", 201, json=body)
    return dict(d)


async def _void(svc: Any, deviation_id: str, person: str) -> Any:
    return await svc.call(
        "POST", f"/api/v1/deviations/{deviation_id}/void", person, json={"reason": "Felregistrering"}
    )


async def test_void_after_ivo_decision_is_refused(svc: Any) -> None:
    d = await _escalated(svc)
    before = await svc.outbox()
    for person in ("socialchef", "sas", "kvalitetsledare"):
        r = await _void(svc, d["id"], person)
        assert r.status_code == 409, r.text
        assert "IVO" in r.json()["detail"] and "makuleras" in r.json()["detail"]
    assert await svc.outbox() == before
    got = (await svc.call("GET", f"/api/v1/deviations/{d['id']}", "socialchef", 200)).json()
    assert got["status"] == "received"


async def test_void_of_an_hsl_case_with_a_lex_maria_decision_is_refused(svc: Any) -> None:
    d = await svc.received(type="hsl")
    body = {"degree": "allvarlig_vardskada", "rationale": "Fallskada med fraktur"}
    await svc.call("POST", f"/api/v1/deviations/{d['id']}/ivo-decision", "mas", 201, json=body)
    r = await _void(svc, d["id"], "mas")
    assert r.status_code == 409 and "IVO" in r.json()["detail"]


async def test_the_units_own_chef_cannot_void_a_lex_sarah_report(svc: Any) -> None:
    d = await svc.report()
    assert (await _void(svc, d["id"], "enhetschef_a")).status_code == 403
    assert (await _void(svc, d["id"], "chef_och_kvalitetsledare")).status_code == 403
    voided = await svc.step(d["id"], "void", "kvalitetsledare", {"reason": "Dubbelregistrering"})
    assert voided["status"] == "voided"


async def test_voiding_a_lex_sarah_report_needs_a_reason(svc: Any) -> None:
    d = await svc.report()
    r = await svc.call("POST", f"/api/v1/deviations/{d['id']}/void", "sas", json={"reason": " "})
    assert r.status_code == 422


async def test_an_hsl_report_is_voided_by_the_mas_or_the_socialchef_not_the_chef(svc: Any) -> None:
    d = await svc.report(type="hsl")
    assert (await _void(svc, d["id"], "enhetschef_a")).status_code == 403
    assert (await _void(svc, d["id"], "mas")).status_code == 200
    other = await svc.report(type="hsl")
    assert (await _void(svc, other["id"], "socialchef")).status_code == 200


async def test_own_chef_cannot_downgrade_a_lex_sarah_report(svc: Any) -> None:
    d = await svc.received()
    body = {"type": "avvikelse", "motivation": "Inget missförhållande"}
    for chef in ("enhetschef_a", "chef_och_kvalitetsledare"):
        r = await svc.call("POST", f"/api/v1/deviations/{d['id']}/reclassify", chef, json=body)
        assert r.status_code == 403, (chef, r.text)
    assert "DeviationReclassified" not in await svc.event_types(d["id"])


async def test_the_lex_sarah_investigator_downgrades_with_a_motivation_and_the_reporter_is_named(
    svc: Any,
) -> None:
    d = await svc.received()
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/reclassify",
        "kvalitetsledare",
        json={"type": "avvikelse", "motivation": " "},
    )
    assert r.status_code == 422
    back = await svc.step(
        d["id"], "reclassify", "kvalitetsledare", {"type": "avvikelse", "motivation": "Inget missförhållande"}
    )
    assert back["type"] == "avvikelse"
    event = next(e for e in await svc.outbox() if e["type"] == "DeviationReclassified")
    assert event["data"]["reporter_id"] == svc.person("medarbetare_a")  # reporting tells her
    assert (event["data"]["from_type"], event["data"]["to_type"]) == ("lex_sarah", "avvikelse")


async def test_sent_at_before_decision_is_refused(svc: Any) -> None:
    d = await _escalated(svc)
    base = f"/api/v1/deviations/{d['id']}/ivo-notification"
    r = await svc.call(
        "POST",
        f"{base}/sent",
        "socialchef",
        json={"sent_at": "2026-03-01T10:00:00+01:00", "ivo_case_number": "1"},
    )
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert "2026-03-01 10:00" in detail and "2026-03-04 10:00" in detail and "beslutet" in detail
    assert r.json()["errors"][0]["field"] == "sent_at"
    r = await svc.call(
        "POST", f"{base}/namnd-informed", "socialchef", json={"informed_at": "2026-03-03T10:00:00+01:00"}
    )
    assert r.status_code == 422 and "nämnden" in r.json()["detail"]


async def test_namnd_informed_deadline_counts_from_sent_at(svc: Any) -> None:
    d = await _escalated(svc)
    svc.clock.advance(days=3)
    base = f"/api/v1/deviations/{d['id']}/ivo-notification"
    await svc.call(
        "POST", f"{base}/sent", "socialchef", 200, json={"sent_at": DECIDED_AT, "ivo_case_number": "1"}
    )
    got = (await svc.call("GET", f"/api/v1/deviations/{d['id']}", "socialchef", 200)).json()
    namnd = next(x for x in got["deadlines"] if x["rule"] == "namnd_informed")
    # ten working days from Wednesday 4 March (not from Saturday 7 March, when it was recorded)
    assert namnd["due_at"].startswith("2026-03-18"), namnd


async def test_edited_dates_stay_in_order(svc: Any) -> None:
    d = await svc.report(type="avvikelse")
    r = await svc.call(
        "PATCH",
        f"/api/v1/deviations/{d['id']}",
        "enhetschef_a",
        json={"discovered_at": "2026-03-05T10:00:00+01:00"},
        headers={"If-Match": f'"{d["version"]}"'},
    )
    assert r.status_code == 422, r.text


async def test_owner_cannot_evaluate_own_action(svc: Any) -> None:
    d = await svc.decided(degree="missforhallande")
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/actions",
        "enhetschef_a",
        201,
        json={"description": "Ny rutin för nattillsyn", "horizon": "kort"},
    )
    base = f"/api/v1/deviations/{d['id']}/actions/{r.json()['id']}"
    plan = {"responsible_id": svc.person("medarbetare_a"), "due_date": "2026-03-20"}
    await svc.call("POST", f"{base}/plan", "enhetschef_a", 200, json=plan)
    await svc.call("POST", f"{base}/complete", "medarbetare_a", 200, json={})
    effect = {"effect": "Fungerar", "effective": True}
    r = await svc.call("POST", f"{base}/follow-up", "medarbetare_a", json=effect)
    assert r.status_code == 403 and "effekt" in r.json()["detail"]
    await svc.call("POST", f"{base}/follow-up", "enhetschef_a", 200, json=effect)  # investigator and chef


async def test_an_action_is_not_done_before_it_was_planned(svc: Any) -> None:
    d = await svc.decided(degree="missforhallande")
    r = await svc.call(
        "POST",
        f"/api/v1/deviations/{d['id']}/actions",
        "enhetschef_a",
        201,
        json={"description": "Ny rutin", "horizon": "kort"},
    )
    base = f"/api/v1/deviations/{d['id']}/actions/{r.json()['id']}"
    plan = {"responsible_id": svc.person("medarbetare_a"), "due_date": "2026-03-20"}
    await svc.call("POST", f"{base}/plan", "enhetschef_a", 200, json=plan)
    r = await svc.call(
        "POST", f"{base}/complete", "medarbetare_a", json={"executed_at": "2026-03-01T10:00:00+01:00"}
    )
    assert r.status_code == 422 and "planeringen" in r.json()["detail"]


async def test_socialchef_records_that_the_namnd_was_informed_of_a_lex_maria_anmalan(svc: Any) -> None:
    d = await svc.received(type="hsl")
    body = {"degree": "allvarlig_vardskada", "rationale": "Fallskada med fraktur"}
    await svc.call("POST", f"/api/v1/deviations/{d['id']}/ivo-decision", "mas", 201, json=body)
    base = f"/api/v1/deviations/{d['id']}/ivo-notification"
    r = await svc.call(
        "POST", f"{base}/sent", "socialchef", json={"sent_at": DECIDED_AT, "ivo_case_number": "1"}
    )
    assert r.status_code == 403  # the MAS files a Lex Maria anmälan
    await svc.call("POST", f"{base}/sent", "mas", 200, json={"sent_at": DECIDED_AT, "ivo_case_number": "1"})
    informed = await svc.call(
        "POST", f"{base}/namnd-informed", "socialchef", 200, json={"informed_at": DECIDED_AT}
    )
    assert informed.json()["namnd_informed_at"]
    r = await svc.call("POST", f"{base}/namnd-informed", "enhetschef_a", json={"informed_at": DECIDED_AT})
    assert r.status_code == 403
