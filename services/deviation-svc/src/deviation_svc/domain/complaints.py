"""Klagomål och synpunkter (docs/domain.md 4.2):

    mottagen → kvitterad → under_utredning → besvarad → avslutad, branch eskalerad

An anonymous complainant gets no acknowledgement and no reply. Escalating (a missförhållande or
vårdskada came to light) creates a linked deviation; the complaint stays open for its reply.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from deviation_svc.domain.model import DeviationType, RuleViolation
from platform_shared.permissions import Action


class ComplaintKind(StrEnum):
    KLAGOMAL = "klagomal"
    SYNPUNKT = "synpunkt"
    BEROM = "berom"
    FORBATTRINGSFORSLAG = "forbattringsforslag"


class Channel(StrEnum):
    TELEFON = "telefon"
    E_POST = "e_post"
    BREV = "brev"
    WEBBFORMULAR = "webbformular"
    BESOK = "besok"
    MOTE = "mote"
    ANNAT = "annat"


class ComplainantType(StrEnum):
    BRUKARE = "brukare"
    NARSTAENDE = "narstaende"
    PERSONAL = "personal"
    ORGANISATION = "organisation"
    ANONYM = "anonym"


class ComplaintStatus(StrEnum):
    MOTTAGEN = "mottagen"
    KVITTERAD = "kvitterad"
    UNDER_UTREDNING = "under_utredning"
    BESVARAD = "besvarad"
    AVSLUTAD = "avslutad"
    ESKALERAD = "eskalerad"


class ComplaintStep(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    START_INVESTIGATION = "start_investigation"
    RESPOND = "respond"
    ESCALATE = "escalate"
    CLOSE = "close"
    EDIT = "edit"


C = ComplaintStatus
STATUS_LABELS: dict[ComplaintStatus, str] = {
    C.MOTTAGEN: "mottaget",
    C.KVITTERAD: "kvitterat",
    C.UNDER_UTREDNING: "under utredning",
    C.BESVARAD: "besvarat",
    C.AVSLUTAD: "avslutat",
    C.ESKALERAD: "eskalerat",
}
STEP_LABELS: dict[ComplaintStep, str] = {
    ComplaintStep.ACKNOWLEDGE: "kvittera",
    ComplaintStep.START_INVESTIGATION: "börja utreda",
    ComplaintStep.RESPOND: "besvara",
    ComplaintStep.ESCALATE: "eskalera",
    ComplaintStep.CLOSE: "avsluta",
    ComplaintStep.EDIT: "ändra",
}
_OPEN = frozenset({C.MOTTAGEN, C.KVITTERAD, C.UNDER_UTREDNING, C.ESKALERAD, C.BESVARAD})

ALLOWED_FROM: dict[ComplaintStep, frozenset[ComplaintStatus]] = {
    ComplaintStep.ACKNOWLEDGE: frozenset({C.MOTTAGEN, C.ESKALERAD}),
    ComplaintStep.START_INVESTIGATION: frozenset({C.MOTTAGEN, C.KVITTERAD}),
    ComplaintStep.RESPOND: frozenset({C.KVITTERAD, C.UNDER_UTREDNING, C.ESKALERAD}),
    ComplaintStep.ESCALATE: frozenset({C.MOTTAGEN, C.KVITTERAD, C.UNDER_UTREDNING}),
    ComplaintStep.CLOSE: frozenset({C.BESVARAD, C.UNDER_UTREDNING, C.ESKALERAD, C.MOTTAGEN}),
    ComplaintStep.EDIT: _OPEN,
}

WHO: dict[ComplaintStep, Action] = {
    ComplaintStep.ACKNOWLEDGE: Action.CASE_RECEIVE,
    ComplaintStep.START_INVESTIGATION: Action.CASE_INVESTIGATE,
    ComplaintStep.RESPOND: Action.CASE_DECIDE,
    ComplaintStep.ESCALATE: Action.CASE_RECLASSIFY,
    ComplaintStep.CLOSE: Action.CASE_ACTIONS,
    ComplaintStep.EDIT: Action.CASE_RECEIVE,
}

ESCALATION_TYPES = frozenset({DeviationType.LEX_SARAH, DeviationType.HSL})


@dataclass(frozen=True)
class ComplaintFacts:
    status: ComplaintStatus
    anonymous: bool
    acknowledged: bool
    responded: bool


def next_status(step: ComplaintStep, facts: ComplaintFacts) -> ComplaintStatus:
    """The complaint's state after the step; RuleViolation (409) when not allowed now."""
    if facts.status not in ALLOWED_FROM[step]:
        raise RuleViolation(
            f"Det går inte att {STEP_LABELS[step]} ett klagomål som är {STATUS_LABELS[facts.status]}",
            state=True,
        )
    if step is ComplaintStep.ACKNOWLEDGE:
        if facts.anonymous:
            raise RuleViolation("En anonym klagande får ingen kvittens", state=True)
        if facts.acknowledged:
            raise RuleViolation("Klagomålet är redan kvitterat", state=True)
        return C.ESKALERAD if facts.status is C.ESKALERAD else C.KVITTERAD
    if step is ComplaintStep.START_INVESTIGATION:
        return C.UNDER_UTREDNING
    if step is ComplaintStep.RESPOND:
        if facts.anonymous:
            raise RuleViolation("En anonym klagande kan inte få svar", state=True)
        if not facts.acknowledged:
            raise RuleViolation("Kvittera klagomålet innan det besvaras", state=True)
        return C.BESVARAD
    if step is ComplaintStep.ESCALATE:
        return C.ESKALERAD
    if step is ComplaintStep.CLOSE:
        if not facts.anonymous and not facts.responded:
            raise RuleViolation("Den klagande har inte fått svar", state=True)
        return C.AVSLUTAD
    return facts.status


def check_escalation_type(deviation_type: DeviationType) -> None:
    """A complaint revealing a missförhållande or vårdskada goes through Lex Sarah or Lex Maria."""
    if deviation_type not in ESCALATION_TYPES:
        raise RuleViolation("Ett klagomål eskaleras till en lex Sarah-rapport eller en HSL-avvikelse", "type")


def deadline_rules(anonymous: bool, kind: ComplaintKind = ComplaintKind.KLAGOMAL) -> tuple[str, ...]:
    """Acknowledge at once and answer within four weeks (Socialstyrelsen; SoL/LSS by practice);
    nothing to acknowledge or answer when the complainant is anonymous, nor for beröm (praise asks
    for no answer, issue 12)."""
    if anonymous or kind is ComplaintKind.BEROM:
        return ()
    return ("complaint_acknowledge", "complaint_response")


def guarantee_list(ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    """The värdighetsgarantier a complaint names as not kept: references to risk-svc's garantier, each
    named once in the order given (as a deviation's rutiner); risk-svc counts those that applied to
    the complaint's unit when it was received."""
    return list(dict.fromkeys(ids))
