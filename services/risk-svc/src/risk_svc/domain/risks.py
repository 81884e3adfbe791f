"""The risk lifecycle (docs/domain.md 4.2): identified → assessed → prioritised | handled_in_unit →
followed_up → closed, with escalation to the level above for what a unit cannot handle."""

from __future__ import annotations

import uuid
from enum import StrEnum

from risk_svc.domain.model import RuleViolation
from risk_svc.domain.settings import PriorityRule


class RiskStatus(StrEnum):
    IDENTIFIED = "identified"
    ASSESSED = "assessed"
    PRIORITISED = "prioritised"
    HANDLED_IN_UNIT = "handled_in_unit"
    FOLLOWED_UP = "followed_up"
    CLOSED = "closed"


# Swedish names, for what a person reads.
STATUS_LABELS: dict[RiskStatus, str] = {
    RiskStatus.IDENTIFIED: "identifierad",
    RiskStatus.ASSESSED: "bedömd",
    RiskStatus.PRIORITISED: "prioriterad",
    RiskStatus.HANDLED_IN_UNIT: "hanteras i enheten",
    RiskStatus.FOLLOWED_UP: "uppföljd",
    RiskStatus.CLOSED: "avslutad",
}


class RiskSource(StrEnum):
    """Where the risk was seen (docs/domain.md 3)."""

    AVVIKELSER = "avvikelser"
    KLAGOMAL = "klagomal"
    GRANSKNING = "granskning"
    INTERNKONTROLL = "internkontroll"
    JAMFORELSER = "jamforelser"
    AVTALSUPPFOLJNING = "avtalsuppfoljning"


class RiskActionStatus(StrEnum):
    PLANERAD = "planerad"
    GENOMFORD = "genomford"


S = RiskStatus


def _need_text(value: str | None, field: str, message: str) -> str:
    if value is None or not value.strip():
        raise RuleViolation(message, field)
    return value.strip()


def _state(message: str, status: RiskStatus) -> RuleViolation:
    return RuleViolation(f"{message} (risken är {STATUS_LABELS[status]})", state=True)


def check_editable(status: RiskStatus) -> None:
    if status is S.CLOSED:
        raise RuleViolation("En avslutad risk kan inte ändras", state=True)


def status_after_assessment(status: RiskStatus) -> RiskStatus:
    """Assessing an identified risk makes it assessed; reassessing later keeps the state (and the
    earlier assessment stays in the history)."""
    check_editable(status)
    return S.ASSESSED if status is S.IDENTIFIED else status


def prioritise(
    status: RiskStatus,
    rule: PriorityRule,
    risk_value: int | None,
    consequence: int | None,
    motivation: str | None,
) -> RiskStatus:
    """An assessed risk (or one first handled in the unit) becomes prioritised: proposed for the
    internkontrollplan. Prioritising a risk the tenant's rule does not propose needs a motivation."""
    if status not in (S.ASSESSED, S.HANDLED_IN_UNIT) or risk_value is None or consequence is None:
        raise _state("Bara en bedömd risk kan prioriteras", status)
    if not rule.proposes(risk_value, consequence):
        _need_text(
            motivation, "motivation", "Att prioritera en risk som regeln inte föreslår kräver en motivering"
        )
    return S.PRIORITISED


def handle_in_unit(
    status: RiskStatus,
    rule: PriorityRule,
    risk_value: int | None,
    consequence: int | None,
    motivation: str | None,
) -> RiskStatus:
    """An assessed risk is handled in the unit's own work. Not prioritising a risk the tenant's rule
    proposes needs a motivation."""
    if status is not S.ASSESSED or risk_value is None or consequence is None:
        raise _state("Bara en bedömd risk kan hanteras i enheten", status)
    if rule.proposes(risk_value, consequence):
        _need_text(
            motivation, "motivation", "Att inte prioritera en risk som regeln föreslår kräver en motivering"
        )
    return S.HANDLED_IN_UNIT


ESCALATABLE = (S.IDENTIFIED, S.ASSESSED, S.HANDLED_IN_UNIT)


def escalate(status: RiskStatus, parent_id: uuid.UUID | None, reason: str | None) -> RiskStatus:
    """A risk the responsible unit cannot handle goes to the level above, with a reason. It is no longer
    handled in the unit; identified or assessed risks keep their state for the level above to judge."""
    if status not in ESCALATABLE:
        raise _state("Bara en identifierad, bedömd eller i enheten hanterad risk kan eskaleras", status)
    _need_text(reason, "reason", "Ange varför risken eskaleras")
    if parent_id is None:
        raise RuleViolation("Den ansvariga enheten har ingen nivå ovanför att eskalera till", state=True)
    return S.ASSESSED if status is S.HANDLED_IN_UNIT else status


def follow_up(status: RiskStatus, note: str | None) -> RiskStatus:
    """Prioritised or unit-handled risks are followed up (again as often as needed)."""
    if status not in (S.PRIORITISED, S.HANDLED_IN_UNIT, S.FOLLOWED_UP):
        raise _state("Bara en prioriterad risk eller en risk som hanteras i enheten kan följas upp", status)
    _need_text(note, "note", "Uppföljningen behöver en anteckning")
    return S.FOLLOWED_UP


def close(status: RiskStatus, open_actions: int) -> RiskStatus:
    """A followed-up risk is closed once every action in its plan is done."""
    if status is not S.FOLLOWED_UP:
        raise _state("Bara en uppföljd risk kan avslutas", status)
    if open_actions:
        raise RuleViolation(
            f"{open_actions} åtgärd(er) i riskens handlingsplan är inte genomförda än", state=True
        )
    return S.CLOSED


def complete_action(status: RiskActionStatus) -> RiskActionStatus:
    if status is RiskActionStatus.GENOMFORD:
        raise RuleViolation("Åtgärden är redan genomförd", state=True)
    return RiskActionStatus.GENOMFORD
