"""The IVO anmälan as IVO asks for it (SOSFS 2011:5 7 kap. for Lex Sarah; HSLF-FS 2017:41 3 kap. for
Lex Maria): what it says, in which words, in which order. Plain Python: the service layer gathers the
facts, this module decides the text, and HTML and PDF render the same blocks."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from deviation_svc.domain.model import RuleViolation
from platform_shared.timeutil import STOCKHOLM

TITLE = {"lex_sarah": "Anmälan enligt lex Sarah", "lex_maria": "Anmälan enligt lex Maria"}
LEGAL_BASIS = {
    "lex_sarah": "27 kap. SoL / 24 f § LSS och 7 kap. SOSFS 2011:5",
    "lex_maria": "3 kap. 5 § patientsäkerhetslagen (2010:659) och HSLF-FS 2017:41",
}
PROVIDER_HEADING = {"lex_sarah": "Den som bedriver verksamheten", "lex_maria": "Vårdgivare"}
PERSON_HEADING = {"lex_sarah": "Den enskilde", "lex_maria": "Patienten"}
PERSON_WORD = {"lex_sarah": "den enskilde", "lex_maria": "patienten"}
DEGREE = {
    "pataglig_risk_allvarligt": "Påtaglig risk för ett allvarligt missförhållande",
    "allvarligt_missforhallande": "Allvarligt missförhållande",
    "risk_allvarlig_vardskada": "Risk för allvarlig vårdskada",
    "allvarlig_vardskada": "Allvarlig vårdskada",
}
INVESTIGATION = {
    "bifogad": "Utredningen bifogas anmälan.",
    "skickad": "Utredningen har skickats till IVO.",
    "klar_skickas_separat": "Utredningen är klar och skickas separat.",
    "foljer_senare": "Utredningen pågår och skickas när den är klar.",
}
CAUSE_AREA = {
    "kommunikation_information": "Kommunikation och information",
    "omgivning_organisation": "Omgivning och organisation",
    "rutiner_riktlinjer": "Rutiner och riktlinjer",
    "teknik_utrustning": "Teknik och utrustning",
    "manniska_kompetens": "Människa och kompetens",
}
CHANNEL = {"e_tjanst": "IVO:s e-tjänst", "post": "Post"}
ROLE = {
    "socialchef": "socialchef",
    "forvaltningschef": "förvaltningschef",
    "verksamhetschef": "verksamhetschef",
    "avdelningschef": "avdelningschef",
    "enhetschef": "enhetschef",
    "mas": "medicinskt ansvarig sjuksköterska (MAS)",
    "sas": "socialt ansvarig samordnare (SAS)",
    "kvalitetsledare": "kvalitetsledare",
    "myndighetschef": "myndighetschef",
}
# The role a decision-maker decides an anmälan in, most specific first.
DECIDING_ROLES = {
    "lex_sarah": ("socialchef", "forvaltningschef", "verksamhetschef", "avdelningschef", "sas"),
    "lex_maria": ("mas", "verksamhetschef", "socialchef", "forvaltningschef"),
}
# The provider facts IVO asks for, and what each is called.
PROVIDER_FACTS = {"org_nr": "organisationsnummer", "address": "adress", "contact": "kontaktperson"}
NOTHING = "–"


def missing_provider_facts(provider: Mapping[str, str | None]) -> list[str]:
    return [label for key, label in PROVIDER_FACTS.items() if not (provider.get(key) or "").strip()]


def check_provider_facts(provider: Mapping[str, str | None]) -> None:
    """An anmälan is not marked sent without the provider's organisationsnummer, address and contact
    (IVO's e-service asks for them): 409 naming what is missing."""
    missing = missing_provider_facts(provider)
    if missing:
        raise RuleViolation(
            "Anmälan kan inte registreras som skickad: uppgifter om verksamheten saknas ("
            + ", ".join(missing)
            + "). En administratör anger dem i tjänstens inställningar.",
            state=True,
        )


def deciding_role(kind: str, roles: Sequence[str]) -> str | None:
    """The role the decision-maker decided in, as a person reads it (a delegate: her own role)."""
    for role in DECIDING_ROLES[kind]:
        if role in roles:
            return ROLE[role]
    return next((ROLE[r] for r in roles if r in ROLE), None)


_PNR = re.compile(r"^(\d{4})(\d{2})(\d{2})-?(\d{3})(\d)$")


def sex_and_age(personnummer: str | None, on: date) -> tuple[str | None, int | None]:
    """Kön from the personnummer's ninth digit (odd: man), age on the day of the event; a samordnings-
    nummer (day + 60) counts too. Nothing when there is no usable number."""
    match = _PNR.match(personnummer or "")
    if not match:
        return None, None
    year, month, day, serial = int(match[1]), int(match[2]), int(match[3]), match[4]
    day = day - 60 if day > 60 else day
    try:
        born = date(year, month, day)
    except ValueError:
        return None, None
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    sex = "man" if int(serial[-1]) % 2 else "kvinna"
    return sex, age if age >= 0 else None


@dataclass(frozen=True)
class Block:
    """One part of the document: a heading with rows (label, value), paragraphs and/or a list."""

    heading: str
    rows: tuple[tuple[str, str], ...] = ()
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    level: int = 2


@dataclass(frozen=True)
class IvoText:
    title: str
    intro: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    warnings: tuple[str, ...] = ()


def text(value: Any) -> str:
    """A value as a person reads it: dates Swedish, yes/no, a dash for nothing."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, datetime):
        return value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _paragraphs(value: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split("\n") if p.strip()) or (NOTHING,)


def _person_rows(p: Mapping[str, Any], on: date) -> tuple[tuple[str, str], ...]:
    sex, age = sex_and_age(p.get("personnummer"), on)
    rows = [
        ("Namn", text(p.get("name"))),
        ("Personnummer", text(p.get("personnummer"))),
        ("Kön", text(sex)),
        ("Ålder vid händelsen", f"{age} år" if age is not None else NOTHING),
        ("Insats", text(p.get("insats"))),
    ]
    if p.get("protected_identity"):
        rows.append(("Skyddade personuppgifter", "Ja"))
    return tuple(rows)


def compose(doc: Mapping[str, Any]) -> IvoText:
    """The anmälan's text from its facts (the IVO document of the API)."""
    kind = doc["kind"]
    person, person_word = PERSON_HEADING[kind], PERSON_WORD[kind]
    provider, unit, inv = doc["provider"], doc["unit"], doc["investigation"]
    occurred: datetime = doc["occurred_at"]
    on = occurred.astimezone(STOCKHOLM).date()
    decision_maker = doc.get("decision_maker") or {}
    blocks: list[Block] = [
        Block(
            PROVIDER_HEADING[kind],
            rows=(
                ("Namn", text(provider["name"])),
                ("Organisationsnummer", text(provider["org_nr"])),
                ("Adress", text(provider["address"])),
                ("Kontaktperson", text(provider["contact"])),
            ),
        )
    ]
    where = [("Enhet", text(unit["name"])), ("Organisation", text(" / ".join(unit.get("path") or [])))]
    where.append(("Lagrum för verksamheten", text(", ".join(unit["laws"]))))
    if kind == "lex_maria":
        where.append(("Verksamhetschef (HSL)", text(doc.get("verksamhetschef"))))
    blocks.append(Block("Var händelsen inträffade", rows=tuple(where)))
    blocks.append(
        Block(
            "Händelsen",
            rows=(
                ("Inträffade", text(occurred)),
                ("Upptäcktes", text(doc["discovered_at"])),
                ("Hur den upptäcktes", text(doc["discovered_how"])),
                ("Rapporterades", text(doc["reported_at"])),
            ),
            paragraphs=_paragraphs(doc["description"]),
        )
    )
    people = doc["individuals"]
    if people:
        for number, p in enumerate(people, start=1):
            heading = person if len(people) == 1 else f"{person} {number}"
            blocks.append(Block(heading, rows=_person_rows(p, on)))
    else:
        blocks.append(
            Block(person, paragraphs=(f"Uppgifter om {person_word} är inte registrerade i ärendet.",))
        )
    consequences = tuple(c for c in doc["consequences"] if c.strip())
    blocks.append(Block(f"Konsekvenser för {person_word}", paragraphs=consequences or (NOTHING,)))
    blocks.append(
        Block(
            "Varför händelsen bedöms som allvarlig",
            paragraphs=(DEGREE.get(doc["degree"], doc["degree"]), *_paragraphs(doc["why_serious"])),
        )
    )
    causes = tuple(
        f"{CAUSE_AREA.get(c.get('cause_area') or '', 'Orsak')}: {c['text']}" for c in doc.get("causes", [])
    )
    blocks.append(
        Block(
            "Orsaker enligt utredningen",
            items=causes,
            paragraphs=() if causes else ("Orsakerna är ännu inte utredda.",),
        )
    )
    investigation_measures = tuple(m for m in doc.get("investigation_measures", []) if m.strip())
    planned = tuple(
        f"{m['description']} (senast {text(m['due_date'])})" if m.get("due_date") else m["description"]
        for m in doc["planned_measures"]
    )
    blocks.append(Block("Åtgärder", level=2))
    blocks.append(Block("Omedelbara åtgärder", paragraphs=_paragraphs(doc["immediate_measures"]), level=3))
    blocks.append(
        Block(
            "Åtgärder enligt utredningen",
            items=investigation_measures + planned,
            paragraphs=() if investigation_measures or planned else (NOTHING,),
            level=3,
        )
    )
    blocks.append(
        Block(
            "Utredning",
            paragraphs=(INVESTIGATION[inv["state"]],)
            + ((f"Ställningstagande: {inv['conclusion']}",) if inv.get("conclusion") else ()),
        )
    )
    informed = [
        (f"{person} informerad", text(doc["individual_informed"])),
        ("Företrädare eller närstående informerad", text(doc["representative_informed"])),
        ("Polisanmälan gjord", text(doc["police_reported"])),
    ]
    if kind == "lex_maria":
        informed[0] = ("Patienten informerad", text(doc["patient_informed_at"]))
        informed.insert(
            1, ("Patienten har getts möjlighet att lämna synpunkter", text(doc["patient_view_given"]))
        )
    blocks.append(Block("Information", rows=tuple(informed)))
    decided_by = text(decision_maker.get("name"))
    if decision_maker.get("role"):
        decided_by = f"{decided_by}, {decision_maker['role']}"
    blocks.append(
        Block(
            "Beslut och handläggning",
            rows=(
                ("Beslutsfattare", decided_by),
                ("Beslutad", text(doc["decided_at"])),
                ("Skickad till IVO", text(doc["sent_at"])),
                ("Sätt", text(CHANNEL.get(doc.get("channel") or "", doc.get("channel")))),
                ("IVO:s diarienummer", text(doc["ivo_case_number"])),
                ("Nämnden informerad", text(doc["namnd_informed_at"])),
            ),
        )
    )
    missing = missing_provider_facts(provider)
    warnings = (
        (
            "Uppgifter om verksamheten saknas: "
            + ", ".join(missing)
            + ". Anmälan kan inte registreras som skickad.",
        )
        if missing
        else ()
    )
    intro = (
        f"Till Inspektionen för vård och omsorg (IVO), enligt {LEGAL_BASIS[kind]}. Ärende {doc['reference']}."
    )
    return IvoText(TITLE[kind], intro, tuple(blocks), warnings)
