"""Adoption through the API (issue 12): the nämnd's decision recorded by those who serve it, a role's
fastställande, refused before the period ends or with an empty section, a new version supersedes."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from docx import Document

from reporting_svc.domain.report_templates import sections_of
from reporting_svc.domain.reports import ReportType

REPORTS = "/api/v1/reports"


async def _call(svc: Any, method: str, path: str, person: str, status: int = 200, **kwargs: Any) -> Any:
    r = await svc.client.request(method, path, headers=svc.org.auth(person), **kwargs)
    assert r.status_code == status, r.text
    return r


def written(report_type: str) -> dict[str, str]:
    return {s.key: f"Text om {s.heading.lower()}." for s in sections_of(ReportType(report_type))}


def namnd_decision(meeting_date: str, paragraph: str = "§ 12") -> dict[str, str]:
    return {"meeting_date": meeting_date, "paragraph": paragraph}


async def _reviewed(svc: Any, body: dict[str, Any], *, texts: bool = True) -> str:
    report_id = (await _call(svc, "POST", REPORTS, "kvalitetsledare", 201, json=body)).json()["id"]
    if texts:
        sections = {"sections": written(body["type"])}
        await _call(svc, "PATCH", f"{REPORTS}/{report_id}", "kvalitetsledare", json=sections)
    await _call(svc, "POST", f"{REPORTS}/{report_id}/review", "socialchef")
    return str(report_id)


async def test_the_namnds_t1_is_recorded_with_meeting_and_paragraph_after_the_tertial(svc: Any) -> None:
    svc.clock.set(datetime(2026, 12, 4, 9, tzinfo=UTC))
    u = svc.org.units
    path = f"{REPORTS}/{await _reviewed(svc, {'type': 't1', 'year': 2027, 'unit_id': str(u['forvaltning'])})}"

    early = await _call(
        svc, "POST", f"{path}/adopt", "kvalitetsledare", 409, json=namnd_decision("2026-12-03")
    )
    assert early.json()["detail"] == (
        "Tertialrapport 1 avser perioden till och med 30 april 2027 och kan fastställas tidigast 1 maj 2027"
    )
    await _call(svc, "POST", f"{path}/adopt", "namnd", 403, json=namnd_decision("2026-12-03"))  # never alone
    svc.clock.set(datetime(2027, 5, 21, 9, tzinfo=UTC))
    missing = await _call(svc, "POST", f"{path}/adopt", "kvalitetsledare", 422, json={"paragraph": "§ 40"})
    assert missing.json()["errors"][0]["field"] == "meeting_date"
    future = await _call(
        svc, "POST", f"{path}/adopt", "kvalitetsledare", 422, json=namnd_decision("2027-05-22")
    )
    assert future.json()["errors"][0]["field"] == "decided_on"
    by_role = {"decided_on": "2027-05-20"}
    assert (await _call(svc, "POST", f"{path}/adopt", "kvalitetsledare", 422, json=by_role)).json()["errors"]

    decision = {**namnd_decision("2027-05-20", "§ 40"), "reference": "SN 2027/31"}
    adopted = (await _call(svc, "POST", f"{path}/adopt", "kvalitetsledare", json=decision)).json()
    assert adopted["status"] == "adopted"
    assert adopted["decision"] == {
        "body": "namnd",
        "unit_id": str(u["namnd"]),
        "decided_on": "2027-05-20",
        "person_id": str(svc.org.people["kvalitetsledare"]),
        "role": "kvalitetsledare",
        "meeting_date": "2027-05-20",
        "paragraph": 40,
        "reference": "SN 2027/31",
        "text": "Nämndens beslut 20 maj 2027 § 40 (dnr SN 2027/31)",
    }


async def test_empty_section_refused_with_the_sections_listed(svc: Any) -> None:
    svc.clock.set(datetime(2027, 2, 1, 9, tzinfo=UTC))
    u = svc.org.units
    report_id = await _reviewed(
        svc, {"type": "kb", "year": 2026, "unit_id": str(u["forvaltning"])}, texts=False
    )
    refused = await _call(
        svc, "POST", f"{REPORTS}/{report_id}/adopt", "socialchef", 409, json=namnd_decision("2027-01-28")
    )
    detail = refused.json()["detail"]
    assert detail.startswith("Rapporten kan inte fastställas med tomma avsnitt: Sammanfattning, ")
    assert refused.json()["type"] == "/problems/invalid-transition"


async def test_second_adoption_supersedes_the_first_which_is_kept_and_marked_replaced(svc: Any) -> None:
    svc.clock.set(datetime(2027, 2, 1, 9, tzinfo=UTC))
    u = svc.org.units
    body = {"type": "kb", "year": 2026, "unit_id": str(u["forvaltning"])}
    first = await _reviewed(svc, body)
    await _call(
        svc, "POST", f"{REPORTS}/{first}/adopt", "socialchef", json=namnd_decision("2027-01-28", "§ 7")
    )
    second = await _reviewed(svc, body)
    adopted = await _call(
        svc, "POST", f"{REPORTS}/{second}/adopt", "socialchef", json=namnd_decision("2027-01-30", "§ 9")
    )
    assert adopted.json()["superseded_by"] is None

    old = (await _call(svc, "GET", f"{REPORTS}/{first}", "kvalitetsledare")).json()
    assert old["status"] == "adopted" and old["superseded_by"] == second
    assert old["superseded_at"] is not None and old["decision"]["paragraph"] == 7
    await _call(svc, "POST", f"{REPORTS}/{first}/report-to-namnd", "socialchef", 409)
    await _call(svc, "POST", f"{REPORTS}/{second}/report-to-namnd", "socialchef")
    listed = (await _call(svc, "GET", REPORTS, "kvalitetsledare", params={"year": 2026})).json()["items"]
    assert {r["id"]: r["superseded_by"] for r in listed} == {first: second, second: None}

    document = Document(io.BytesIO((await _call(svc, "GET", f"{REPORTS}/{first}/document", "namnd")).content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    assert "Nämndens beslut 28 januari 2027 § 7" in text
    assert "av en senare fastställd version 1 februari 2027" in text


async def test_a_units_kb_is_faststalld_by_its_chef_and_the_psb_by_the_mas(svc: Any) -> None:
    svc.clock.set(datetime(2027, 2, 1, 9, tzinfo=UTC))
    u = svc.org.units
    kb = await _reviewed(svc, {"type": "kb", "year": 2026, "unit_id": str(u["enhet_a"])})
    wrong = await _call(svc, "POST", f"{REPORTS}/{kb}/adopt", "kvalitetsledare", 403, json={})
    assert wrong.json()["detail"] == "Rapporten fastställs av enhetschef för enheten"
    await _call(svc, "POST", f"{REPORTS}/{kb}/adopt", "enhetschef_c", 404, json={})  # not in her scope
    namnd_style = namnd_decision("2027-01-30")
    await _call(svc, "POST", f"{REPORTS}/{kb}/adopt", "enhetschef_a", 422, json=namnd_style)
    adopted = (await _call(svc, "POST", f"{REPORTS}/{kb}/adopt", "enhetschef_a", json={})).json()
    assert adopted["decision"]["body"] == "role" and adopted["decision"]["role"] == "enhetschef"
    assert adopted["decision"]["text"] == "Fastställd av enhetschef 1 februari 2027"

    psb = await _reviewed(svc, {"type": "psb", "year": 2026, "unit_id": str(u["forvaltning"])})
    await _call(svc, "POST", f"{REPORTS}/{psb}/adopt", "socialchef", 403, json={"decided_on": "2027-01-31"})
    adopted = (
        await _call(svc, "POST", f"{REPORTS}/{psb}/adopt", "mas", json={"decided_on": "2027-01-31"})
    ).json()
    assert adopted["decision"]["text"] == "Fastställd av medicinskt ansvarig sjuksköterska 31 januari 2027"
