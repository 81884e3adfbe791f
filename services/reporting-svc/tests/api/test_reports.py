from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from docx import Document

from platform_shared.contracts.deviation import DeviationReported
from platform_shared.ids import new_id
from reporting_svc.domain.report_templates import sections_of
from reporting_svc.domain.reports import ReportType

REPORTS = "/api/v1/reports"
T1 = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)


def reported(unit_id: Any, deviation_type: str = "avvikelse", category: str = "fall") -> DeviationReported:
    return DeviationReported(
        deviation_id=new_id(),
        reference="AVV-2026-000001",
        deviation_type=deviation_type,
        unit_id=unit_id,
        category=category,
        occurred_at=T1,
        reported_at=T1,
    )


async def _call(svc: Any, method: str, path: str, person: str, status: int = 200, **kwargs: Any) -> Any:
    headers = {**svc.org.auth(person), **kwargs.pop("headers", {})}
    r = await svc.client.request(method, path, headers=headers, **kwargs)
    assert r.status_code == status, r.text
    return r


def written(report_type: str) -> dict[str, str]:
    """Every section's text: a report is adopted with none empty."""
    return {s.key: f"Text om {s.heading.lower()}." for s in sections_of(ReportType(report_type))}


def namnd_decision(meeting_date: str, paragraph: str = "§ 12") -> dict[str, str]:
    return {"meeting_date": meeting_date, "paragraph": paragraph}


def _figure(report: dict[str, Any], key: str) -> dict[str, Any]:
    figure: dict[str, Any] = next(f for f in report["figures"] if f["key"] == key)
    return figure


async def test_report_lifecycle_draft_reviewed_adopted_reported_to_namnd_by_the_right_roles(svc: Any) -> None:
    svc.clock.set(datetime(2027, 1, 20, 9, tzinfo=UTC))  # the year 2026 has ended: its KB may be adopted
    u = svc.org.units
    body = {"type": "kb", "year": 2026, "unit_id": str(u["forvaltning"])}
    await _call(svc, "POST", REPORTS, "medarbetare_a", 403, json=body)
    await _call(svc, "POST", REPORTS, "kvalitetsledare", 422, json={**body, "unit_id": str(new_id())})
    await _call(svc, "POST", REPORTS, "kvalitetsledare", 422, json={**body, "tertial": 2})
    r = await _call(svc, "POST", REPORTS, "kvalitetsledare", 201, json=body)
    report = r.json()
    path = f"{REPORTS}/{report['id']}"
    assert r.headers["etag"] == '"1"'
    assert report["status"] == "draft" and report["status_label"] == "Utkast"
    assert report["title"] == "Kvalitetsberättelse 2026, forvaltning"
    assert [s["heading"] for s in report["sections"]][:3] == [
        "Sammanfattning",
        "Så har kvalitetsarbetet bedrivits",
        "Avvikelser och rapporter enligt lex Sarah",
    ]
    assert report["figures_suppressed"] is True  # a report for the nämnd is a public document

    text = {"sammanfattning": "Året präglades av ett systematiskt förbättringsarbete på alla enheter."}
    await _call(svc, "PATCH", path, "kvalitetsledare", 422, json={"sections": {"nope": "x"}})
    edited = await _call(
        svc, "PATCH", path, "kvalitetsledare", json={"sections": text}, headers={"If-Match": '"1"'}
    )
    assert edited.headers["etag"] == '"2"'
    assert (
        next(s for s in edited.json()["sections"] if s["key"] == "sammanfattning")["text"]
        == text["sammanfattning"]
    )
    await _call(svc, "PATCH", path, "kvalitetsledare", 412, json={"title": "x"}, headers={"If-Match": '"1"'})
    await _call(svc, "PATCH", path, "kvalitetsledare", json={"sections": written("kb")})

    decision = namnd_decision("2027-01-19")
    await _call(svc, "POST", f"{path}/review", "kvalitetsledare", 403)
    await _call(svc, "POST", f"{path}/adopt", "socialchef", 409, json=decision)
    reviewed = await _call(svc, "POST", f"{path}/review", "socialchef", headers={"If-Match": '"3"'})
    assert reviewed.json()["status"] == "reviewed"
    await _call(svc, "PATCH", path, "kvalitetsledare", 409, json={"title": "Ny titel"})
    await _call(svc, "POST", f"{path}/adopt", "namnd", 403, json=decision)
    adopted = (await _call(svc, "POST", f"{path}/adopt", "kvalitetsledare", json=decision)).json()
    assert adopted["status"] == "adopted" and adopted["figures_frozen_at"] is not None
    await _call(svc, "POST", f"{path}/report-to-namnd", "namnd", 403)
    done = (await _call(svc, "POST", f"{path}/report-to-namnd", "socialchef")).json()
    assert done["status"] == "reported_to_namnd" and done["status_label"] == "Anmäld i nämnd"

    archived = sorted(p.suffix for p in (svc.tmp_path / "reports").iterdir())
    assert archived == [".docx", ".pdf"]

    await _call(svc, "GET", path, "enhetschef_c", 404)
    listed = (await _call(svc, "GET", REPORTS, "kvalitetsledare", params={"year": 2026})).json()
    assert [i["id"] for i in listed["items"]] == [report["id"]]
    assert (await _call(svc, "GET", REPORTS, "enhetschef_c")).json()["items"] == []


async def test_adopted_figures_are_frozen_and_later_events_do_not_change_them(svc: Any) -> None:
    u = svc.org.units
    await svc.feed(*[reported(u["enhet_a"]) for _ in range(6)])
    body = {"type": "t1", "year": 2026, "unit_id": str(u["forvaltning"])}
    adopted_id = (await _call(svc, "POST", REPORTS, "kvalitetsledare", 201, json=body)).json()["id"]
    draft_id = (await _call(svc, "POST", REPORTS, "kvalitetsledare", 201, json=body)).json()["id"]
    await _call(svc, "PATCH", f"{REPORTS}/{adopted_id}", "kvalitetsledare", json={"sections": written("t1")})
    await _call(svc, "POST", f"{REPORTS}/{adopted_id}/review", "socialchef")
    svc.clock.set(datetime(2026, 5, 20, 9, tzinfo=UTC))
    decision = namnd_decision("2026-05-19")
    adopted = (await _call(svc, "POST", f"{REPORTS}/{adopted_id}/adopt", "socialchef", json=decision)).json()
    assert _figure(adopted, "avvikelser_typ")["counts"]["grand_total"] == 6

    await svc.feed(*[reported(u["enhet_b"], "hsl") for _ in range(5)])
    later = (await _call(svc, "GET", f"{REPORTS}/{adopted_id}", "kvalitetsledare")).json()
    assert _figure(later, "avvikelser_typ")["counts"]["grand_total"] == 6
    assert [r["key"] for r in _figure(later, "avvikelser_typ")["counts"]["rows"]] == ["avvikelse"]
    live = (await _call(svc, "GET", f"{REPORTS}/{draft_id}", "kvalitetsledare")).json()
    assert _figure(live, "avvikelser_typ")["counts"]["grand_total"] == 11
    rows = {r["key"]: r["values"] for r in _figure(live, "avvikelser_typ")["counts"]["rows"]}
    assert rows == {"avvikelse": [6], "hsl": [5]}

    document = Document(
        io.BytesIO((await _call(svc, "GET", f"{REPORTS}/{adopted_id}/document", "namnd")).content)
    )
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    assert [["Typ", "T1 2026"], ["Avvikelse (SoL/LSS)", "6"], ["Totalt", "6"]] in tables


async def test_report_documents_open_as_docx_and_pdf_with_swedish_text(svc: Any) -> None:
    u = svc.org.units
    await svc.feed(*[reported(u["enhet_a"], category="lakemedel") for _ in range(5)], reported(u["enhet_b"]))
    created = await _call(
        svc,
        "POST",
        REPORTS,
        "kvalitetsledare",
        201,
        json={"type": "kvalitetsrad", "year": 2026, "tertial": 1, "unit_id": str(u["omsorg"])},
    )
    report_id = created.json()["id"]
    text = "Läkemedelsavvikelserna ökade på Solgården; åtgärder är på väg.\n\nUppföljning sker i maj."
    await _call(
        svc, "PATCH", f"{REPORTS}/{report_id}", "kvalitetsledare", json={"sections": {"avvikelser_hsl": text}}
    )

    # kvalitetsråd material is internal: full figures for the förvaltning, suppressed for the nämnd
    own = (await _call(svc, "GET", f"{REPORTS}/{report_id}", "kvalitetsledare")).json()
    assert own["figures_suppressed"] is False
    assert {r["key"]: r["values"] for r in _figure(own, "sol_lss_kategori")["counts"]["rows"]} == {
        "lakemedel": [5],
        "fall": [1],
    }
    namnd = (await _call(svc, "GET", f"{REPORTS}/{report_id}", "namnd")).json()
    assert namnd["figures_suppressed"] is True
    assert {r["key"]: r["values"] for r in _figure(namnd, "sol_lss_kategori")["counts"]["rows"]}["fall"] == [
        None
    ]

    r = await _call(
        svc, "GET", f"{REPORTS}/{report_id}/document", "kvalitetsledare", params={"format": "docx"}
    )
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert 'filename="Underlag-till-kvalitetsrad-T1-2026-omsorg.docx"' in r.headers["content-disposition"]
    document = Document(io.BytesIO(r.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Underlag till kvalitetsråd T1 2026, omsorg" in paragraphs
    assert "Klagomål, synpunkter och beröm" in paragraphs
    assert "Läkemedelsavvikelserna ökade på Solgården; åtgärder är på väg." in paragraphs
    assert any(p.startswith("Text saknas ännu.") for p in paragraphs)

    pdf = (
        await _call(
            svc, "GET", f"{REPORTS}/{report_id}/document", "kvalitetsledare", params={"format": "pdf"}
        )
    ).content
    assert pdf.startswith(b"%PDF")
    assert b"DejaVu" in pdf  # the embedded Unicode font
    # the font's character map holds å, ä and ö (U+00E5, U+00E4, U+00F6): they render and can be copied
    for code in (b"00E5", b"00E4", b"00F6"):
        assert code in pdf.upper()


async def test_anmalan_counts_are_not_suppressed_for_the_namnd_in_a_forvaltning_or_area_report(
    svc: Any,
) -> None:
    """Two lex Sarah rapporter: the nämnd's T1 for the förvaltning and the verksamhetsområde shows
    them; the T1 for the enhet keeps the small-cell rule."""
    u = svc.org.units
    await svc.feed(
        *[reported(u["enhet_a"], "lex_sarah") for _ in range(2)], *[reported(u["enhet_a"]) for _ in range(6)]
    )
    shown: dict[str, Any] = {}
    for unit in ("forvaltning", "omsorg", "enhet_a"):
        body = {"type": "t1", "year": 2026, "unit_id": str(u[unit])}
        report = (await _call(svc, "POST", REPORTS, "kvalitetsledare", 201, json=body)).json()
        rows = _figure(report, "avvikelser_typ")["counts"]["rows"]
        shown[unit] = {r["key"]: r["values"] for r in rows}
    assert shown["forvaltning"] == {"avvikelse": [6], "lex_sarah": [2]}
    assert shown["omsorg"] == {"avvikelse": [6], "lex_sarah": [2]}
    assert shown["enhet_a"]["lex_sarah"] == [None]


async def test_report_document_as_xlsx_has_native_charts_over_its_own_cells(svc: Any) -> None:
    from openpyxl import load_workbook

    u = svc.org.units
    await svc.feed(*[reported(u["enhet_a"]) for _ in range(6)])
    body = {"type": "kvalitetsrad", "year": 2026, "unit_id": str(u["forvaltning"])}
    report_id = (await _call(svc, "POST", REPORTS, "kvalitetsledare", 201, json=body)).json()["id"]
    r = await _call(
        svc, "GET", f"{REPORTS}/{report_id}/document", "kvalitetsledare", params={"format": "xlsx"}
    )
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    workbook = load_workbook(io.BytesIO(r.content))
    assert workbook.sheetnames[0] == "Rapport"
    charted = [sheet for sheet in workbook.worksheets if sheet._charts]
    assert charted
    for sheet in charted:
        for chart in sheet._charts:
            assert all(s.val.numRef.f.startswith(f"'{sheet.title}'!") for s in chart.series)
