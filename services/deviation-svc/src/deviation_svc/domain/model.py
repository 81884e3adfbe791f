"""Deviation vocabulary in plain Python: kinds, states, Lex Sarah degrees / HSL outcomes, the IVO rule."""

from __future__ import annotations

from enum import StrEnum

from platform_shared.errors import RuleViolation

__all__ = ["RuleViolation"]  # a refused rule: bad input (422) or, with state=True, the wrong state (409)


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

# Swedish names, for what a person reads.
STATUS_LABELS: dict[Status, str] = {
    Status.REPORTED: "rapporterad",
    Status.RECEIVED: "mottagen",
    Status.INVESTIGATING: "under utredning",
    Status.DECIDED: "beslutad",
    Status.ACTIONS: "i åtgärdsfas",
    Status.FOLLOW_UP: "under uppföljning",
    Status.CLOSED: "avslutad",
    Status.VOIDED: "makulerad",
}
TYPE_LABELS: dict[DeviationType, str] = {
    DeviationType.AVVIKELSE: "avvikelse",
    DeviationType.LEX_SARAH: "lex Sarah-rapport",
    DeviationType.HSL: "HSL-avvikelse",
}


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


def ivo_required(deviation_type: DeviationType, degree: str | None) -> bool:
    """docs/domain.md 2.3: only the two serious degrees of each law give a duty to file with IVO."""
    return degree is not None and degree in IVO_DEGREES.get(deviation_type, frozenset())


def ivo_kind(deviation_type: DeviationType) -> IvoKind:
    if deviation_type is DeviationType.LEX_SARAH:
        return IvoKind.LEX_SARAH
    if deviation_type is DeviationType.HSL:
        return IvoKind.LEX_MARIA
    raise RuleViolation(
        "En avvikelse har ingen anmälningsskyldighet till IVO; klassa om den till lex Sarah eller HSL först",
        state=True,
    )


def check_degree(deviation_type: DeviationType, degree: str | None) -> str:
    """The degree a decision records: one of the type's scale, or none for an ordinary avvikelse."""
    if deviation_type is DeviationType.AVVIKELSE:
        if degree not in (None, NO_DEGREE):
            raise RuleViolation(
                "En vanlig avvikelse har ingen allvarlighetsgrad; klassa om den först", "degree"
            )
        return NO_DEGREE
    if degree is None:
        raise RuleViolation(
            f"Beslutet om en {TYPE_LABELS[deviation_type]} anger allvarlighetsgraden", "degree"
        )
    if degree not in DEGREES[deviation_type]:
        raise RuleViolation(f"Ingen allvarlighetsgrad för en {TYPE_LABELS[deviation_type]}", "degree")
    return degree


def check_ivo_decision(deviation_type: DeviationType, status: Status, degree: str) -> IvoKind:
    """The decision to file an IVO anmälan: right law, a serious degree, a case received and open.

    Seriousness can show at receipt, during or after the investigation (IVO FAQ), so the anmälan may
    be decided from `received` onwards; the later decision records the final degree.
    """
    kind = ivo_kind(deviation_type)
    if status in TERMINAL or status is Status.REPORTED:
        raise RuleViolation(
            "En anmälan till IVO beslutas när rapporten är mottagen och medan ärendet är öppet; "
            f"avvikelsen är {STATUS_LABELS[status]}",
            state=True,
        )
    check_degree(deviation_type, degree)
    if not ivo_required(deviation_type, degree):
        raise RuleViolation("Allvarlighetsgraden ger ingen skyldighet att anmäla till IVO", "degree")
    return kind


def risk_value(probability: int | None, severity: int | None) -> int | None:
    """sannolikhet × konsekvens (docs/domain.md 6); never replaces the legal test of 2.3."""
    if probability is None or severity is None:
        return None
    return probability * severity
