"""The risk lifecycle (docs/domain.md 4.2): identified → assessed → prioritised | handled_in_unit →
followed_up → closed, with escalation to the level above for what a unit cannot handle."""

from __future__ import annotations

import uuid
from enum import StrEnum

from risk_svc.domain.errors import RuleViolation, StateViolation
from risk_svc.domain.settings import PriorityRule


class RiskStatus(StrEnum):
    IDENTIFIED = "identified"
    ASSESSED = "assessed"
    PRIORITISED = "prioritised"
    HANDLED_IN_UNIT = "handled_in_unit"
    FOLLOWED_UP = "followed_up"
    CLOSED = "closed"


class RiskSource(StrEnum):
    """Where the risk was seen (docs/domain.md 3)."""

    AVVIKELSER = "avvikelser"
    KLAGOMAL = "klagomal"
    GRANSKNING = "granskning"
    INTERNKONTROLL = "internkontroll"
    JAMFORELSER = "jamforelser"
    AVTALSUPPFOLJNING = "avtalsuppfoljning"


class ActionStatus(StrEnum):
    PLANERAD = "planerad"
    GENOMFORD = "genomford"


S = RiskStatus


def _need_text(value: str | None, field: str, what: str) -> str:
    if value is None or not value.strip():
        raise RuleViolation(f"{what} is required", field)
    return value.strip()


def check_editable(status: RiskStatus) -> None:
    if status is S.CLOSED:
        raise StateViolation("A closed risk cannot be changed")


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
        raise StateViolation(f"Only an assessed risk can be prioritised (the risk is {status.value})")
    if not rule.proposes(risk_value, consequence):
        _need_text(motivation, "motivation", "A motivation for prioritising against the tenant's rule")
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
        raise StateViolation(f"Only an assessed risk can be handled in the unit (the risk is {status.value})")
    if rule.proposes(risk_value, consequence):
        _need_text(motivation, "motivation", "A motivation for not prioritising a risk the rule proposes")
    return S.HANDLED_IN_UNIT


ESCALATABLE = (S.IDENTIFIED, S.ASSESSED, S.HANDLED_IN_UNIT)


def escalate(status: RiskStatus, parent_id: uuid.UUID | None, reason: str | None) -> RiskStatus:
    """A risk the responsible unit cannot handle goes to the level above, with a reason. It is no longer
    handled in the unit; identified or assessed risks keep their state for the level above to judge."""
    if status not in ESCALATABLE:
        raise StateViolation(f"A {status.value} risk cannot be escalated")
    _need_text(reason, "reason", "A reason for the escalation")
    if parent_id is None:
        raise StateViolation("The responsible unit has no level above to escalate to")
    return S.ASSESSED if status is S.HANDLED_IN_UNIT else status


def follow_up(status: RiskStatus, note: str | None) -> RiskStatus:
    """Prioritised or unit-handled risks are followed up (again as often as needed)."""
    if status not in (S.PRIORITISED, S.HANDLED_IN_UNIT, S.FOLLOWED_UP):
        raise StateViolation(
            f"Only a prioritised or unit-handled risk can be followed up (it is {status.value})"
        )
    _need_text(note, "note", "A follow-up note")
    return S.FOLLOWED_UP


def close(status: RiskStatus, open_actions: int) -> RiskStatus:
    """A followed-up risk is closed once every action in its plan is done."""
    if status is not S.FOLLOWED_UP:
        raise StateViolation(f"Only a followed-up risk can be closed (it is {status.value})")
    if open_actions:
        raise StateViolation(f"{open_actions} action(s) of the risk are not done yet")
    return S.CLOSED


def complete_action(status: ActionStatus) -> ActionStatus:
    if status is ActionStatus.GENOMFORD:
        raise StateViolation("The action is already done")
    return ActionStatus.GENOMFORD
