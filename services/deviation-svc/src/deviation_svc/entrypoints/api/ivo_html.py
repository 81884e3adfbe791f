"""The IVO anmälan as a readable Swedish HTML document (to print, or to copy into IVO's e-service)."""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from typing import Any

from platform_shared.timeutil import STOCKHOLM

KIND_TITLE = {"lex_sarah": "Anmälan enligt lex Sarah", "lex_maria": "Anmälan enligt lex Maria"}
INVESTIGATION = {
    "bifogad": "Utredningen bifogas anmälan.",
    "skickad": "Utredningen har skickats till IVO.",
    "klar_skickas_separat": "Utredningen är klar och skickas separat.",
    "foljer_senare": "Utredningen pågår och skickas när den är klar.",
}
DEGREE = {
    "pataglig_risk_allvarligt": "Påtaglig risk för ett allvarligt missförhållande",
    "allvarligt_missforhallande": "Allvarligt missförhållande",
    "risk_allvarlig_vardskada": "Risk för allvarlig vårdskada",
    "allvarlig_vardskada": "Allvarlig vårdskada",
}


def _text(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, datetime):
        return value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return escape(str(value))


def _rows(pairs: list[tuple[str, Any]]) -> str:
    return "".join(f"<tr><th>{escape(k)}</th><td>{_text(v)}</td></tr>" for k, v in pairs)


def _paragraphs(text: str | None) -> str:
    if not text:
        return "<p>–</p>"
    return "".join(f"<p>{escape(p)}</p>" for p in text.split("\n") if p.strip())


def render(doc: dict[str, Any]) -> str:
    provider, unit, inv = doc["provider"], doc["unit"], doc["investigation"]
    people = "".join(
        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>".format(
            _text(p["name"]), _text(p["personnummer"]), "Ja" if p["protected_identity"] else "Nej"
        )
        for p in doc["individuals"]
    )
    measures = "".join(
        f"<li>{_text(m['description'])} (senast {_text(m['due_date'])})</li>" for m in doc["planned_measures"]
    )
    consequences = "".join(_paragraphs(c) for c in doc["consequences"]) or "<p>–</p>"
    lex_maria = doc["kind"] == "lex_maria"
    patient = (
        _rows(
            [
                ("Patienten informerad", doc["patient_informed_at"]),
                ("Patienten har getts möjlighet att lämna sina synpunkter", doc["patient_view_given"]),
            ]
        )
        if lex_maria
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<title>{escape(KIND_TITLE[doc["kind"]])} – {escape(doc["reference"])}</title>
<style>body{{font-family:sans-serif;max-width:50em;margin:2em auto}}th{{text-align:left;padding-right:1em;
vertical-align:top}}table{{border-collapse:collapse;margin-bottom:1em}}td,th{{padding:.2em .4em}}</style>
</head><body>
<h1>{escape(KIND_TITLE[doc["kind"]])}</h1>
<p>Till Inspektionen för vård och omsorg (IVO). Ärende {escape(doc["reference"])}.</p>
<h2>Vårdgivare / huvudman</h2>
<table>{
        _rows(
            [
                ("Namn", provider["name"]),
                ("Organisationsnummer", provider["org_nr"]),
                ("Adress", provider["address"]),
                ("Kontaktperson", provider["contact"]),
            ]
        )
    }</table>
<h2>Verksamhet</h2>
<table>{
        _rows(
            [
                ("Enhet", unit["name"]),
                ("Lagrum", ", ".join(unit["laws"])),
                ("Typ av ärende", doc["case_type"]),
            ]
        )
    }</table>
<h2>Händelsen</h2>
<table>{
        _rows(
            [
                ("Inträffade", doc["occurred_at"]),
                ("Upptäcktes", doc["discovered_at"]),
                ("Hur den upptäcktes", doc["discovered_how"]),
                ("Rapporterades", doc["reported_at"]),
            ]
        )
    }</table>
<h3>Beskrivning</h3>{_paragraphs(doc["description"])}
<h2>Den enskilde</h2>
<table><tr><th>Namn</th><th>Personnummer</th><th>Skyddad identitet</th></tr>{people}</table>
<h2>Konsekvenser för den enskilde</h2>{consequences}
<h2>Åtgärder</h2>
<h3>Omedelbara åtgärder</h3>{_paragraphs(doc["immediate_measures"])}
<h3>Planerade åtgärder</h3><ul>{measures or "<li>–</li>"}</ul>
<h2>Varför händelsen bedöms som allvarlig</h2>
<p><strong>{escape(DEGREE.get(doc["degree"], doc["degree"]))}</strong></p>{_paragraphs(doc["why_serious"])}
<h2>Utredning</h2><p>{escape(INVESTIGATION[inv["state"]])}</p>
<h2>Information</h2>
<table>{
        _rows(
            [
                ("Den enskilde informerad", doc["individual_informed"]),
                ("Företrädare informerad", doc["representative_informed"]),
                ("Polisanmälan gjord", doc["police_reported"]),
            ]
        )
    }{patient}</table>
<h2>Beslut och handläggning</h2>
<table>{
        _rows(
            [
                ("Beslutad", doc["decided_at"]),
                ("Skickad till IVO", doc["sent_at"]),
                ("IVO:s diarienummer", doc["ivo_case_number"]),
                ("Nämnden informerad", doc["namnd_informed_at"]),
            ]
        )
    }</table>
</body></html>
"""
