"""Personuppgiftsincidenter (GDPR art. 33–34; docs/domain.md 3 DataBreach and 4.2):

    rapporterad → bedomd → [anmald_imy] → [registrerade_informerade] → atgardad → avslutad

Every breach is documented, notified or not (art. 33.5). The IMY clock runs 72 hours from discovery,
weekends included.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from deviation_svc.domain.model import RuleViolation
from platform_shared.permissions import Action


class BreachRisk(StrEnum):
    INGEN_TROLIG = "ingen_trolig"  # unlikely to result in a risk to rights and freedoms
    RISK = "risk"
    HOG_RISK = "hog_risk"


class BreachStatus(StrEnum):
    RAPPORTERAD = "rapporterad"
    BEDOMD = "bedomd"
    ANMALD_IMY = "anmald_imy"
    REGISTRERADE_INFORMERADE = "registrerade_informerade"
    ATGARDAD = "atgardad"
    AVSLUTAD = "avslutad"


class DataCategory(StrEnum):
    HALSA = "halsa"  # health data (art. 9)
    SEKRETESS = "sekretess"  # data under socialtjänst- or hälso- och sjukvårdssekretess
    PERSONNUMMER = "personnummer"
    KONTAKTUPPGIFTER = "kontaktuppgifter"
    EKONOMI = "ekonomi"
    LAGOVERTRADELSER = "lagovertradelser"
    INLOGGNING = "inloggning"
    OVRIGT = "ovrigt"


class SubjectGroup(StrEnum):
    BRUKARE = "brukare"
    PATIENTER = "patienter"
    NARSTAENDE = "narstaende"
    PERSONAL = "personal"
    BARN = "barn"
    OVRIGA = "ovriga"


class BreachStep(StrEnum):
    ASSESS = "assess"
    REPORT_TO_IMY = "report_to_imy"
    INFORM_SUBJECTS = "inform_subjects"
    REMEDY = "remedy"
    CLOSE = "close"
    EDIT = "edit"


B = BreachStatus
STATUS_LABELS: dict[BreachStatus, str] = {
    B.RAPPORTERAD: "rapporterad",
    B.BEDOMD: "bedömd",
    B.ANMALD_IMY: "anmäld till IMY",
    B.REGISTRERADE_INFORMERADE: "de registrerade informerade",
    B.ATGARDAD: "åtgärdad",
    B.AVSLUTAD: "avslutad",
}
STEP_LABELS: dict[BreachStep, str] = {
    BreachStep.ASSESS: "bedöma",
    BreachStep.REPORT_TO_IMY: "anmäla till IMY",
    BreachStep.INFORM_SUBJECTS: "informera de registrerade om",
    BreachStep.REMEDY: "markera som åtgärdad",
    BreachStep.CLOSE: "avsluta",
    BreachStep.EDIT: "ändra",
}
_ASSESSED = frozenset({B.BEDOMD, B.ANMALD_IMY, B.REGISTRERADE_INFORMERADE})
ALLOWED_FROM: dict[BreachStep, frozenset[BreachStatus]] = {
    BreachStep.ASSESS: frozenset({B.RAPPORTERAD, B.BEDOMD}),
    BreachStep.REPORT_TO_IMY: frozenset({B.BEDOMD, B.REGISTRERADE_INFORMERADE}),
    BreachStep.INFORM_SUBJECTS: frozenset({B.BEDOMD, B.ANMALD_IMY}),
    BreachStep.REMEDY: _ASSESSED,
    BreachStep.CLOSE: frozenset({B.ATGARDAD}),
    BreachStep.EDIT: frozenset(BreachStatus) - {B.AVSLUTAD},
}

WHO: dict[BreachStep, Action] = {
    BreachStep.ASSESS: Action.CASE_INVESTIGATE,
    BreachStep.REPORT_TO_IMY: Action.CASE_DECIDE,
    BreachStep.INFORM_SUBJECTS: Action.CASE_ACTIONS,
    BreachStep.REMEDY: Action.CASE_ACTIONS,
    BreachStep.CLOSE: Action.CASE_ACTIONS,
    BreachStep.EDIT: Action.CASE_INVESTIGATE,
}


def imy_required(risk: BreachRisk) -> bool:
    """Art. 33: notify IMY unless the breach is unlikely to result in a risk to rights and freedoms."""
    return risk is not BreachRisk.INGEN_TROLIG


def subjects_must_be_informed(risk: BreachRisk) -> bool:
    """Art. 34: tell the data subjects when the risk is high."""
    return risk is BreachRisk.HOG_RISK


@dataclass(frozen=True)
class BreachFacts:
    status: BreachStatus
    risk: BreachRisk | None
    imy_reported: bool
    subjects_informed: bool
    not_informed_reason: str | None


def next_status(step: BreachStep, facts: BreachFacts) -> BreachStatus:
    if facts.status not in ALLOWED_FROM[step]:
        raise RuleViolation(
            f"Det går inte att {STEP_LABELS[step]} en incident som är {STATUS_LABELS[facts.status]}",
            state=True,
        )
    if step is BreachStep.ASSESS:
        return B.BEDOMD
    if step is BreachStep.REPORT_TO_IMY:
        if facts.imy_reported:
            raise RuleViolation("Incidenten är redan anmäld till IMY", state=True)
        return B.ANMALD_IMY
    if step is BreachStep.INFORM_SUBJECTS:
        if facts.subjects_informed:
            raise RuleViolation("De registrerade är redan informerade", state=True)
        return B.REGISTRERADE_INFORMERADE
    if step is BreachStep.REMEDY:
        assert facts.risk is not None  # assessed states only
        if imy_required(facts.risk) and not facts.imy_reported:
            raise RuleViolation("Incidenten måste först anmälas till IMY (GDPR art. 33)", state=True)
        if (
            subjects_must_be_informed(facts.risk)
            and not facts.subjects_informed
            and not (facts.not_informed_reason and facts.not_informed_reason.strip())
        ):
            raise RuleViolation(
                "Hög risk: informera de registrerade eller ange varför det inte görs (GDPR art. 34.3)",
                state=True,
            )
        return B.ATGARDAD
    if step is BreachStep.CLOSE:
        return B.AVSLUTAD
    return facts.status
