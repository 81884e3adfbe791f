"""Risk analyses: yearly (arlig) or before a planned change (forandring), SOSFS 2011:9 5 kap."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from risk_svc.domain.model import RuleViolation
from risk_svc.domain.risks import RiskStatus


class Trigger(StrEnum):
    ARLIG = "arlig"
    FORANDRING = "forandring"


class AnalysisStatus(StrEnum):
    DRAFT = "draft"
    COMPLETED = "completed"


# Who is expected to make a unit's yearly analysis (the deadline's responsible role), by level.
RESPONSIBLE_ROLE_BY_LEVEL = {
    "enhet": "enhetschef",
    "avdelning": "avdelningschef",
    "verksamhetsomrade": "verksamhetschef",
    "forvaltning": "forvaltningschef",
    "namnd": "socialchef",
}


def check_trigger(trigger: Trigger, change_description: str | None) -> None:
    """A change analysis names the planned change (summer staffing, a case-system upgrade, ...)."""
    if trigger is Trigger.FORANDRING and not (change_description and change_description.strip()):
        raise RuleViolation(
            "En analys inför en planerad förändring beskriver förändringen", "change_description"
        )


def check_open(status: AnalysisStatus) -> None:
    if status is not AnalysisStatus.DRAFT:
        raise RuleViolation("En slutförd riskanalys kan inte ändras", state=True)


def complete(status: AnalysisStatus, risks: Sequence[tuple[str, RiskStatus]]) -> AnalysisStatus:
    """An analysis is completed when every risk it identified has been assessed."""
    check_open(status)
    unassessed = [reference for reference, state in risks if state is RiskStatus.IDENTIFIED]
    if unassessed:
        raise RuleViolation("Bedöm varje risk innan analysen slutförs: " + ", ".join(unassessed), state=True)
    return AnalysisStatus.COMPLETED
