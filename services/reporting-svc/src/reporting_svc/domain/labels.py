"""The one Swedish vocabulary of what people read: labels for the codes the events carry (docs/domain.md
2.2, 3, 4, 6). A code missing here is never printed raw: its underscores become spaces (a tenant's own
category "hemsjukvard_natt" reads "Hemsjukvard natt"), and deadline rules take their Swedish title."""

from __future__ import annotations

from platform_shared.deadlines.rules import LAW_DEFAULTS

DIMENSION_TITLES: dict[str, str] = {
    "total": "Totalt",
    "unit": "Enhet",
    "type": "Typ",
    "category": "Kategori",
    "severity": "Konsekvens",
    "degree": "Bedömning",
    "status": "Status",
    "tier": "Nivå",
    "kind": "Slag",
    "channel": "Kanal",
    "complainant_type": "Inlämnat av",
    "risk": "Risk för de registrerade",
    "imy_required": "Anmälningspliktig till IMY",
    "band": "Risknivå",
    "source": "Källa",
    "risk_value": "Riskvärde",
    "result": "Resultat",
    "area": "Område",
    "method": "Metod",
    "trigger": "Anledning",
    "rule": "Tidsfrist",
    "object_type": "Ärendeslag",
    "state": "Läge",
    "control_status": "Kontrollmoment",
    "outcome": "Utfall",
    "item": "Information",
}

_VALUES: dict[str, str] = {
    # deviation types
    "avvikelse": "Avvikelse (SoL/LSS)",
    "lex_sarah": "Lex Sarah",
    "hsl": "Avvikelse HSL",
    "lex_maria": "Lex Maria",
    # deviation statuses
    "reported": "Registrerad",
    "received": "Mottagen",
    "investigating": "Under utredning",
    "decided": "Beslutad",
    "actions": "Åtgärder",
    "follow_up": "Uppföljning",
    "closed": "Avslutad",
    "voided": "Makulerad",
    "reopened": "Återöppnad",
    # Lex Sarah degrees and HSL outcomes
    "inget_missforhallande": "Inget missförhållande",
    "pataglig_risk_missforhallande": "Påtaglig risk för missförhållande",
    "missforhallande": "Missförhållande",
    "pataglig_risk_allvarligt": "Påtaglig risk för allvarligt missförhållande",
    "allvarligt_missforhallande": "Allvarligt missförhållande",
    "ingen_vardskada": "Ingen vårdskada",
    "risk_vardskada": "Risk för vårdskada",
    "vardskada": "Vårdskada",
    "risk_allvarlig_vardskada": "Risk för allvarlig vårdskada",
    "allvarlig_vardskada": "Allvarlig vårdskada",
    # tiers
    "a": "Nivå A: allvarligt missförhållande / allvarlig vårdskada (eller påtaglig risk)",
    "b": "Nivå B: missförhållande / vårdskada (eller risk)",
    "c": "Nivå C: övriga avvikelser",
    "ej_bedomd": "Ännu inte bedömd",
    # complaints
    "klagomal": "Klagomål",
    "synpunkt": "Synpunkt",
    "berom": "Beröm",
    "forbattringsforslag": "Förbättringsförslag",
    "acknowledged": "Kvitterad",
    "responded": "Besvarad",
    "escalated": "Eskalerad",
    "brukare": "Brukare",
    "narstaende": "Närstående",
    "personal": "Personal",
    "organisation": "Organisation",
    "anonym": "Anonym",
    # the information duty (org-svc) and the ledningssystem's deadlines
    "lex_sarah_rapporteringsskyldighet": "Rapporteringsskyldighet enligt lex Sarah",
    "lex_maria_hsl": "Lex Maria och avvikelser i hälso- och sjukvård",
    "ny_eller_reviderad_rutin": "Ny eller reviderad rutin",
    "information_due": "Information till medarbetare",
    "document": "Styrdokument",
    # förbättringsförslag
    "submitted": "Inlämnat, ej bedömt",
    "forwarded": "Skickat vidare",
    "accepted": "Antaget",
    "rejected": "Avslaget",
    # data breaches
    "assessed": "Bedömd",
    "reported_to_imy": "Anmäld till IMY",
    "subjects_informed": "Registrerade informerade",
    "remedied": "Åtgärdad",
    "ingen_trolig": "Ingen trolig risk",
    "hog_risk": "Hög risk",
    # risks
    "identified": "Identifierad",
    "prioritised": "Prioriterad",
    "handled_in_operations": "Hanteras i verksamheten",
    "handled_in_unit": "Hanteras i verksamheten",
    "followed_up": "Uppföljd",
    "low": "Låg",
    "medium": "Medel",
    "high": "Hög",
    "very_high": "Mycket hög",
    "avvikelser": "Avvikelser",
    "granskning": "Granskningar",
    "internkontroll": "Internkontroll",
    "jamforelser": "Jämförelser",
    "avtalsuppfoljning": "Avtalsuppföljning",
    "mas_tillsyn": "MAS-tillsyn",
    "arlig": "Årlig",
    "forandring": "Inför förändring",
    # controls and egenkontroll
    "ok": "Utan anmärkning",
    "brister": "Brister",
    "oppna_jamforelser": "Öppna jämförelser",
    "kolada": "Kolada",
    "kkik": "Kommunens kvalitet i korthet",
    "aktgranskning": "Aktgranskning",
    "brukarundersokning": "Brukarundersökning",
    "enkat": "Enkät",
    "stickprov": "Stickprov",
    "loggkontroll": "Loggkontroll",
    "statistik": "Statistik",
    "qusta": "QUSTA",
    # IVO
    "sent": "Skickad till IVO",
    # deadlines
    "open": "Fortfarande försenad",
    "resolved": "Åtgärdad efter fristen",
    "deviation": "Avvikelse",
    "complaint": "Klagomål",
    "data_breach": "Personuppgiftsincident",
    "control": "Kontroll",
    "risk_analysis": "Riskanalys",
    "report_genast": "Rapportera genast",
    "receive": "Ta emot rapporten",
    "investigation_start": "Påbörja utredning",
    "investigation_complete": "Slutför utredning",
    "ivo_lex_sarah": "Anmälan till IVO (Lex Sarah)",
    "ivo_lex_maria": "Anmälan till IVO (Lex Maria)",
    "ivo_investigation": "Utredning till IVO",
    "namnd_informed": "Informera nämnden",
    "actions_due": "Genomföra åtgärder",
    "complaint_acknowledge": "Kvittera klagomål",
    "complaint_response": "Besvara klagomål",
    "imy_notification": "Anmälan till IMY (72 timmar)",
    # categories (docs/domain.md 6)
    "arbetssatt_rutiner": "Arbetssätt/rutiner",
    "bemotande": "Bemötande",
    "miljo_utrustning_teknik": "Miljö/utrustning/teknik",
    "rattssakerhet": "Rättssäkerhet",
    "utforande": "Utförande",
    "ekonomiska_overgrepp": "Ekonomiska övergrepp",
    "fysiska_overgrepp": "Fysiska övergrepp/hot och våld",
    "fysiska_overgrepp_hot_vald": "Fysiska övergrepp/hot och våld",
    "psykiska_overgrepp": "Psykiska övergrepp",
    "sexuella_overgrepp": "Sexuella övergrepp",
    "fall": "Fall",
    "lakemedel": "Läkemedel",
    "ej_utford_ordination": "Ej utförd ordination",
    "medicinteknik_hjalpmedel": "Medicinteknik/hjälpmedel",
    "trycksar": "Trycksår",
    "nutrition": "Nutrition",
    "vardrelaterad_infektion": "Vårdrelaterad infektion",
    "hygien": "Hygien",
    "palliativ_vard": "Palliativ vård",
    "rehab": "Rehabilitering",
    "rehabilitering": "Rehabilitering",
    "munhalsa": "Munhälsa",
    "suicid": "Suicid",
    "information_kommunikation": "Information/kommunikation",
    "personuppgiftsincident": "Personuppgiftsincident",
    "samverkan_regionen": "Samverkan med regionen",
    "ovrigt": "Övrigt",
    "ja": "Ja",
    "nej": "Nej",
}

_SEVERITY = {"1": "1 Mindre", "2": "2 Måttlig", "3": "3 Betydande", "4": "4 Katastrofal"}

# Where the same code means something else in another dimension.
_IN_DIMENSION: dict[tuple[str, str], str] = {
    ("result", "avvikelser"): "Med avvikelser",
    ("control_status", "ok"): "Genomförda utan anmärkning",
    ("control_status", "avvikelser"): "Genomförda med avvikelser",
    ("control_status", "missed"): "Inte genomförda i tid",
    ("source", "klagomal"): "Klagomål",
    ("state", "in_time"): "Informerade i tid",
    ("state", "late"): "Informerade efter fristen",
    ("state", "not_yet"): "Ännu inte informerade",
    ("reason", "role_start"): "Ny roll",
    ("reason", "repeat"): "Årlig påminnelse",
    ("reason", "publication"): "Publicerad rutin",
    ("outcome", "action"): "Blir en åtgärd",
    ("outcome", "rutin_revision"): "Revidering av en rutin",
}


def value_label(dimension: str, value: str) -> str:
    """A code as people read it; an unknown code is shown as it is, a missing one as "Ej angiven"."""
    if value == "":
        return "Ej angiven"
    if dimension == "severity":
        return _SEVERITY.get(value, value)
    if (dimension, value) in _IN_DIMENSION:
        return _IN_DIMENSION[(dimension, value)]
    if value in _VALUES:
        return _VALUES[value]
    if value in LAW_DEFAULTS:
        return LAW_DEFAULTS[value].title
    return readable(value)


def readable(code: str) -> str:
    """A code nobody has labelled yet, at least without underscores: "nytt_slag" → "Nytt slag"."""
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def dimension_title(dimension: str) -> str:
    return DIMENSION_TITLES.get(dimension, readable(dimension))


# Rows in the order people expect (a lifecycle, a scale); other values follow by label, "" last.
ORDER: dict[str, tuple[str, ...]] = {
    "tier": ("a", "b", "c", "ej_bedomd"),
    "severity": ("1", "2", "3", "4"),
    "type": ("avvikelse", "lex_sarah", "hsl"),
    "status": (
        "reported",
        "received",
        "investigating",
        "decided",
        "actions",
        "follow_up",
        "acknowledged",
        "responded",
        "escalated",
        "identified",
        "assessed",
        "prioritised",
        "handled_in_operations",
        "reported_to_imy",
        "subjects_informed",
        "remedied",
        "followed_up",
        "sent",
        "submitted",
        "forwarded",
        "accepted",
        "rejected",
        "closed",
    ),
    "outcome": ("action", "rutin_revision"),
    "degree": (
        "inget_missforhallande",
        "pataglig_risk_missforhallande",
        "missforhallande",
        "pataglig_risk_allvarligt",
        "allvarligt_missforhallande",
        "ingen_vardskada",
        "risk_vardskada",
        "vardskada",
        "risk_allvarlig_vardskada",
        "allvarlig_vardskada",
    ),
    "kind": ("klagomal", "synpunkt", "berom", "forbattringsforslag", "lex_sarah", "lex_maria"),
    "band": ("low", "medium", "high", "very_high"),
    "imy_required": ("ja", "nej"),
    "state": ("open", "resolved", "in_time", "late", "not_yet"),
}


def ordered_values(dimension: str, values: set[str]) -> list[str]:
    known = [v for v in ORDER.get(dimension, ()) if v in values]
    rest = sorted((v for v in values if v not in known and v != ""), key=lambda v: value_label(dimension, v))
    return known + rest + ([""] if "" in values else [])
