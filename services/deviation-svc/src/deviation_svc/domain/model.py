"""Deviation rules in plain Python: kinds, states, Lex Sarah degrees / HSL outcomes, the IVO rule."""

from __future__ import annotations

from enum import StrEnum


class DeviationType(StrEnum):
    AVVIKELSE = "avvikelse"  # SoL/LSS deviation
    LEX_SARAH = "lex_sarah"  # report of a missförhållande (SoL 27 kap / LSS 24 b §)
    HSL = "hsl"  # health-care deviation; may lead to a Lex Maria anmälan (PSL 3 kap 5 §)


class Status(StrEnum):
    REPORTED = "reported"
    RECEIVED = "received"
    INVESTIGATING = "investigating"
    DECIDED = "decided"
    ACTIONS = "actions"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"
    VOIDED = "voided"


TERMINAL = frozenset({Status.CLOSED, Status.VOIDED})


class LexSarahDegree(StrEnum):
    INGET_MISSFORHALLANDE = "inget_missforhallande"
    PATAGLIG_RISK_MISSFORHALLANDE = "pataglig_risk_missforhallande"
    MISSFORHALLANDE = "missforhallande"
    PATAGLIG_RISK_ALLVARLIGT = "pataglig_risk_allvarligt"
    ALLVARLIGT_MISSFORHALLANDE = "allvarligt_missforhallande"


class HslOutcome(StrEnum):
    INGEN_VARDSKADA = "ingen_vardskada"
    RISK_VARDSKADA = "risk_vardskada"
    VARDSKADA = "vardskada"
    RISK_ALLVARLIG_VARDSKADA = "risk_allvarlig_vardskada"
    ALLVARLIG_VARDSKADA = "allvarlig_vardskada"


IVO_DEGREES: dict[DeviationType, frozenset[str]] = {
    DeviationType.LEX_SARAH: frozenset(
        {LexSarahDegree.ALLVARLIGT_MISSFORHALLANDE, LexSarahDegree.PATAGLIG_RISK_ALLVARLIGT}
    ),
    DeviationType.HSL: frozenset({HslOutcome.ALLVARLIG_VARDSKADA, HslOutcome.RISK_ALLVARLIG_VARDSKADA}),
}

DEGREES: dict[DeviationType, frozenset[str]] = {
    DeviationType.LEX_SARAH: frozenset(LexSarahDegree),
    DeviationType.HSL: frozenset(HslOutcome),
}


class IvoKind(StrEnum):
    LEX_SARAH = "lex_sarah"
    LEX_MARIA = "lex_maria"


class RuleViolation(ValueError):
    """A domain rule refused the step; `field` names the input at fault, if any."""

    def __init__(self, message: str, field: str | None = None, *, state: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.state = state  # True: not allowed in the current state (409), else bad input (422)


def ivo_required(deviation_type: DeviationType, degree: str) -> bool:
    """domain.md 2.3: only the two serious degrees of each law give a duty to file with IVO."""
    return degree in IVO_DEGREES.get(deviation_type, frozenset())


def ivo_kind(deviation_type: DeviationType) -> IvoKind:
    if deviation_type is DeviationType.LEX_SARAH:
        return IvoKind.LEX_SARAH
    if deviation_type is DeviationType.HSL:
        return IvoKind.LEX_MARIA
    raise RuleViolation("An avvikelse has no IVO duty; reclassify it as lex_sarah or hsl first", state=True)


def check_ivo_decision(deviation_type: DeviationType, status: Status, degree: str) -> IvoKind:
    """The decision to file an IVO anmälan: right law, a serious degree, an open case."""
    kind = ivo_kind(deviation_type)
    if status in TERMINAL:
        raise RuleViolation(f"The deviation is {status.value}", state=True)
    if degree not in DEGREES[deviation_type]:
        raise RuleViolation(f"'{degree}' is not a degree under {deviation_type.value}", "degree")
    if not ivo_required(deviation_type, degree):
        raise RuleViolation(f"'{degree}' gives no duty to file an IVO anmälan", "degree")
    return kind
