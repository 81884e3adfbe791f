"""The IVO anmälan: decided at receipt or by the final decision, its document, the steps after it."""

from __future__ import annotations

from typing import Any

SENT = "2026-03-04T10:00:00+01:00"  # the moment of the decision: sent after it (issue 12)


async def _escalated(svc: Any, **report: Any) -> dict[str, Any]:
    d = await svc.received(**report)
    body = {"degree": "allvarligt_missforhallande", "rationale": "Brukaren skadades allvarligt"}
    await svc.call("POST", f"/api/v1/deviations/{d['id']}/ivo-decision", "socialchef", 201, json=body)
    return dict(d)


async def test_a_serious_final_degree_by_the_socialchef_creates_the_ivo_anmalan(svc: Any) -> None:
    d = await svc.decided(degree="pataglig_risk_allvarligt")
    assert d["ivo_required"] is True and d["ivo_notification"]["kind"] == "lex_sarah"
    escalated = [e for e in await svc.outbox() if e["type"] == "LexSarahEscalated"]
    assert len(escalated) == 1 and escalated[0]["data"]["degree"] == "pataglig_risk_allvarligt"
    assert escalated[0]["data"]["ivo_notification_id"] == d["ivo_notification"]["id"]
    rules = {x["rule"] for x in d["deadlines"]}
    assert {"ivo_lex_sarah", "ivo_investigation"} <= rules


async def test_an_early_ivo_decision_is_kept_when_the_final_degree_is_decided(svc: Any) -> None:
    d = await _escalated(svc)
    await svc.step(d["id"], "start-investigation", "enhetschef_a", {"investigator_id": svc.person("sas")})
    await svc.write_investigation(d["id"], "sas")
    await svc.step(
        d["id"],
        "complete-investigation",
        "sas",
        {"conclusion": "Allvarligt", "proposed_degree": "allvarligt_missforhallande"},
    )
    decided = await svc.step(
        d["id"], "decision", "socialchef", {"motivation": "x", "degree": "allvarligt_missforhallande"}
    )
    assert decided["degree"] == "allvarligt_missforhallande"
    assert (await svc.event_types(d["id"])).count("LexSarahEscalated") == 1


async def test_a_second_ivo_decision_is_409(svc: Any) -> None:
    d = await _escalated(svc)
    body = {"degree": "allvarligt_missforhallande", "rationale": "x"}
    r = await svc.call("POST", f"/api/v1/deviations/{d['id']}/ivo-decision", "socialchef", json=body)
    assert r.status_code == 409


async def test_a_serious_hsl_degree_is_decided_by_the_mas_not_the_socialchef(svc: Any) -> None:
    d = await svc.investigated(type="hsl")
    body = {"motivation": "Fallskada med fraktur", "degree": "allvarlig_vardskada"}
    r = await svc.call("POST", f"/api/v1/deviations/{d['id']}/decision", "socialchef", json=body)
    assert r.status_code == 403
    decided = await svc.step(d["id"], "decision", "mas", body)
    assert decided["ivo_notification"]["kind"] == "lex_maria"
    assert "LexMariaEscalated" in await svc.event_types(d["id"])


async def test_the_anmalan_document_holds_what_ivo_asks_for_as_json(svc: Any) -> None:
    d = await _escalated(
        svc,
        subjects=[{"name": "Test Testsson", "personnummer": "19121212-1212"}],
        discovered_at="2026-03-02T09:00:00+01:00",
    )
    doc = (await svc.call("GET", f"/api/v1/deviations/{d['id']}/ivo-notification", "socialchef", 200)).json()
    assert doc["kind"] == "lex_sarah" and doc["status"] == "beslutad"
    assert doc["provider"]["name"] == "Socialnämnden"
    assert doc["unit"]["name"] == "enhet_a" and doc["unit"]["laws"] == ["SoL", "HSL"]
    assert doc["individuals"][0]["personnummer"] == "19121212-1212"
    assert doc["why_serious"] == "Brukaren skadades allvarligt"
    assert doc["investigation"]["state"] == "foljer_senare"
    assert doc["immediate_measures"] == "Extra tillsyn insatt"
    assert {"occurred_at", "discovered_at", "reported_at", "description", "police_reported"} <= set(doc)


async def test_the_anmalan_document_is_a_readable_swedish_html_page(svc: Any) -> None:
    d = await _escalated(svc, subjects=[{"name": "Test Testsson", "personnummer": "19121212-1212"}])
    for kwargs in ({"params": {"format": "html"}}, {"headers": {"Accept": "text/html"}}):
        r = await svc.call(
            "GET", f"/api/v1/deviations/{d['id']}/ivo-notification", "socialchef", 200, **kwargs
        )
        assert r.headers["content-type"].startswith("text/html")
        assert "Anmälan enligt lex Sarah" in r.text and "Den enskilde" in r.text
        assert "19121212-1212" in r.text and "Allvarligt missförhållande" in r.text


async def test_only_those_who_handle_the_case_read_the_anmalan(svc: Any) -> None:
    d = await _escalated(svc)
    r = await svc.call("GET", f"/api/v1/deviations/{d['id']}/ivo-notification", "medarbetare_a")
    assert r.status_code == 404  # the reporter sees her report's status only
    none_yet = await svc.report()
    r = await svc.call("GET", f"/api/v1/deviations/{none_yet['id']}/ivo-notification", "socialchef")
    assert r.status_code == 404


async def test_sent_investigation_and_namnd_are_steps_of_their_own_with_events(svc: Any) -> None:
    d = await _escalated(svc)
    base = f"/api/v1/deviations/{d['id']}/ivo-notification"
    sent = await svc.call(
        "POST",
        f"{base}/sent",
        "socialchef",
        200,
        json={"sent_at": SENT, "ivo_case_number": "IVO 3.5.1-1234/2026"},
    )
    assert sent.json()["ivo_case_number"] == "IVO 3.5.1-1234/2026" and sent.json()["channel"] == "e_tjanst"
    r = await svc.call("POST", f"{base}/investigation-sent", "socialchef", json={"sent_at": SENT})
    assert r.status_code == 409  # the investigation is not completed yet
    await svc.call("POST", f"{base}/namnd-informed", "socialchef", 200, json={"informed_at": SENT})
    types = await svc.event_types(d["id"])
    assert "IvoNotificationSent" in types and "NamndInformed" in types
    deadlines = {
        x["rule"]: x
        for x in (await svc.call("GET", f"/api/v1/deviations/{d['id']}", "socialchef")).json()["deadlines"]
    }
    assert deadlines["ivo_lex_sarah"]["status"] == "met" and deadlines["namnd_informed"]["status"] == "met"
    assert deadlines["ivo_investigation"]["status"] == "pending"


async def test_ivo_steps_belong_to_the_socialchef_and_email_is_not_a_channel(svc: Any) -> None:
    d = await _escalated(svc)
    base = f"/api/v1/deviations/{d['id']}/ivo-notification"
    r = await svc.call("POST", f"{base}/sent", "enhetschef_a", json={"sent_at": SENT, "ivo_case_number": "1"})
    assert r.status_code == 403
    r = await svc.call(
        "POST",
        f"{base}/sent",
        "socialchef",
        json={"sent_at": SENT, "ivo_case_number": "1", "channel": "e_post"},
    )
    assert r.status_code == 422


async def test_a_case_with_an_ivo_anmalan_closes_only_after_anmalan_and_investigation_are_sent(
    svc: Any,
) -> None:
    d = await _escalated(svc)
    await svc.step(
        d["id"], "start-investigation", "enhetschef_a", {"investigator_id": svc.person("enhetschef_a")}
    )
    await svc.write_investigation(d["id"])
    await svc.step(d["id"], "complete-investigation", "enhetschef_a", {"conclusion": "Allvarligt"})
    decided = await svc.step(
        d["id"],
        "decision",
        "socialchef",
        {"motivation": "x", "degree": "allvarligt_missforhallande", "no_actions_motivation": "Åtgärdat"},
    )
    assert decided["status"] == "follow_up"
    r = await svc.call("POST", f"/api/v1/deviations/{d['id']}/close", "enhetschef_a", json={})
    assert r.status_code == 409 and "anmälan" in r.json()["detail"]
    base = f"/api/v1/deviations/{d['id']}/ivo-notification"
    await svc.call("POST", f"{base}/sent", "socialchef", 200, json={"sent_at": SENT, "ivo_case_number": "1"})
    r = await svc.call("POST", f"/api/v1/deviations/{d['id']}/close", "enhetschef_a", json={})
    assert r.status_code == 409 and "Utredningen" in r.json()["detail"]
    await svc.call("POST", f"{base}/investigation-sent", "socialchef", 200, json={"sent_at": SENT})
    assert "IvoInvestigationSent" in await svc.event_types(d["id"])
    assert (await svc.step(d["id"], "close", "enhetschef_a"))["status"] == "closed"


async def test_an_anmalan_sent_with_the_completed_investigation_attached_meets_both(svc: Any) -> None:
    d = await svc.decided(degree="allvarligt_missforhallande")
    base = f"/api/v1/deviations/{d['id']}/ivo-notification"
    body = {"sent_at": SENT, "ivo_case_number": "1", "investigation_attached": True}
    await svc.call("POST", f"{base}/sent", "socialchef", 200, json=body)
    doc = (await svc.call("GET", base, "socialchef")).json()
    assert doc["investigation"]["state"] == "bifogad" and doc["status"] == "skickad"
    types = await svc.event_types(d["id"])
    assert "IvoNotificationSent" in types and "IvoInvestigationSent" in types


async def test_the_anmalan_names_the_decision_maker_where_it_happened_the_person_and_the_causes(
    svc: Any,
) -> None:
    d = await _escalated(
        svc, subjects=[{"name": "Test Testsson", "personnummer": "19400307-1232", "insats": "Hemtjänst"}]
    )
    await svc.step(d["id"], "start-investigation", "enhetschef_a", {"investigator_id": svc.person("sas")})
    await svc.write_investigation(d["id"], "sas")
    doc = (await svc.call("GET", f"/api/v1/deviations/{d['id']}/ivo-notification", "socialchef", 200)).json()
    assert doc["decision_maker"] == {"name": "socialchef", "role": "socialchef"}
    assert doc["unit"]["path"] == ["forvaltning", "omsorg", "enhet_a"]
    assert doc["individuals"][0]["insats"] == "Hemtjänst"
    assert doc["causes"] and doc["causes"][0]["cause_area"] and doc["investigation_measures"]
    html = (
        await svc.call(
            "GET",
            f"/api/v1/deviations/{d['id']}/ivo-notification",
            "socialchef",
            200,
            params={"format": "html"},
        )
    ).text
    assert "socialchef, socialchef" in html and "forvaltning / omsorg / enhet_a" in html
    assert "Kön" in html and "man" in html and "85 år" in html and "Hemtjänst" in html
    assert "Orsaker enligt utredningen" in html and "Den enskilde" in html and "Patienten" not in html


async def test_lex_maria_wording_names_the_patient_and_the_verksamhetschef(svc: Any) -> None:
    d = await svc.received(type="hsl")
    body = {"degree": "allvarlig_vardskada", "rationale": "Fallskada med fraktur"}
    await svc.call("POST", f"/api/v1/deviations/{d['id']}/ivo-decision", "mas", 201, json=body)
    r = await svc.call(
        "GET", f"/api/v1/deviations/{d['id']}/ivo-notification", "mas", 200, params={"format": "html"}
    )
    assert "Anmälan enligt lex Maria" in r.text and "<h2>Patienten</h2>" in r.text
    assert "Den enskilde" not in r.text and "Verksamhetschef (HSL)" in r.text and "verksamhetschef" in r.text
    assert "medicinskt ansvarig sjuksköterska" in r.text
    assert "Uppgifter om patienten är inte registrerade" in r.text  # no empty table


async def test_the_anmalan_is_a_pdf_archived_when_it_is_marked_sent(svc: Any) -> None:
    d = await _escalated(svc)
    base = f"/api/v1/deviations/{d['id']}/ivo-notification"
    live = await svc.call("GET", base, "socialchef", 200, params={"format": "pdf"})
    assert live.headers["content-type"] == "application/pdf" and live.content.startswith(b"%PDF")
    sent = await svc.call(
        "POST", f"{base}/sent", "socialchef", 200, json={"sent_at": SENT, "ivo_case_number": "1"}
    )
    attachment_id = sent.json()["document_attachment_id"]
    assert attachment_id
    r = await svc.call("GET", f"/api/v1/deviations/{d['id']}/attachments/{attachment_id}", "socialchef", 200)
    assert r.content.startswith(b"%PDF")
