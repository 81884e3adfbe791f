"""Deviation vocabulary in plain Python: kinds, states, Lex Sarah degrees / HSL outcomes, the IVO rule."""

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


# An ordinary avvikelse has no legal degree scale; its decision carries this value.
NO_DEGREE = "ej_tillampligt"

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


class CauseArea(StrEnum):
    """Cause areas of an investigation [PRACTICE]; the aim is system causes, not blame."""

    KOMMUNIKATION_INFORMATION = "kommunikation_information"
    OMGIVNING_ORGANISATION = "omgivning_organisation"
    RUTINER_RIKTLINJER = "rutiner_riktlinjer"
    TEKNIK_UTRUSTNING = "teknik_utrustning"
    MANNISKA_KOMPETENS = "manniska_kompetens"


class RuleViolation(ValueError):
    """A domain rule refused the step; `field` names the input at fault, if any."""

    def __init__(self, message: str, field: str | None = None, *, state: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.state = state  # True: not allowed in the current state (409), else bad input (422)


def ivo_required(deviation_type: DeviationType, degree: str | None) -> bool:
    """docs/domain.md 2.3: only the two serious degrees of each law give a duty to file with IVO."""
    return degree is not None and degree in IVO_DEGREES.get(deviation_type, frozenset())


def ivo_kind(deviation_type: DeviationType) -> IvoKind:
    if deviation_type is DeviationType.LEX_SARAH:
        return IvoKind.LEX_SARAH
    if deviation_type is DeviationType.HSL:
        return IvoKind.LEX_MARIA
    raise RuleViolation("An avvikelse has no IVO duty; reclassify it as lex_sarah or hsl first", state=True)


def check_degree(deviation_type: DeviationType, degree: str | None) -> str:
    """The degree a decision records: one of the type's scale, or none for an ordinary avvikelse."""
    if deviation_type is DeviationType.AVVIKELSE:
        if degree not in (None, NO_DEGREE):
            raise RuleViolation("An ordinary avvikelse has no degree; reclassify it first", "degree")
        return NO_DEGREE
    if degree is None:
        raise RuleViolation(f"A {deviation_type.value} decision records its degree", "degree")
    if degree not in DEGREES[deviation_type]:
        raise RuleViolation(f"Not a degree under {deviation_type.value}", "degree")
    return degree


def check_ivo_decision(deviation_type: DeviationType, status: Status, degree: str) -> IvoKind:
    """The decision to file an IVO anmälan: right law, a serious degree, a case received and open.

    Seriousness can show at receipt, during or after the investigation (IVO FAQ), so the anmälan may
    be decided from `received` onwards; the later decision records the final degree.
    """
    kind = ivo_kind(deviation_type)
    if status in TERMINAL or status is Status.REPORTED:
        raise RuleViolation(
            f"An IVO anmälan is decided once the report is received and while the case is open; "
            f"the deviation is {status.value}",
            state=True,
        )
    check_degree(deviation_type, degree)
    if not ivo_required(deviation_type, degree):
        raise RuleViolation(f"The degree {degree} gives no duty to file an IVO anmälan", "degree")
    return kind


def risk_value(probability: int | None, severity: int | None) -> int | None:
    """sannolikhet × konsekvens (docs/domain.md 6); never replaces the legal test of 2.3."""
    if probability is None or severity is None:
        return None
    return probability * severity
