"""Goals in a tree (seed 001 §2.1–2.4, seed 003 §2.2, seed 002): the nämnd's goals (from the
fullmäktige's), the förvaltning's quality goals under them, each verksamhet's measurable goals, each
enhet's. A goal belongs to a unit at its level and hangs under a goal of a unit above; on every level
the styrkort names one prioritised goal with success factors and critical factors from four
perspectives, followed up by the goal's indicators.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from risk_svc.domain.model import RuleViolation

MAX_TITLE = 300
MAX_TEXT = 5000


class GoalLevel(StrEnum):
    NAMNDMAL = "namndmal"
    FORVALTNINGSMAL = "forvaltningsmal"
    VERKSAMHETSMAL = "verksamhetsmal"
    ENHETSMAL = "enhetsmal"


LEVEL_TITLES: dict[GoalLevel, str] = {
    GoalLevel.NAMNDMAL: "Nämndmål",
    GoalLevel.FORVALTNINGSMAL: "Förvaltningens mål",
    GoalLevel.VERKSAMHETSMAL: "Verksamhetens mål",
    GoalLevel.ENHETSMAL: "Enhetens mål",
}

_RANK = {
    GoalLevel.NAMNDMAL: 0,
    GoalLevel.FORVALTNINGSMAL: 1,
    GoalLevel.VERKSAMHETSMAL: 2,
    GoalLevel.ENHETSMAL: 3,
}

# The goal level a unit's level sets (org-svc's unit levels).
LEVEL_OF_UNIT: dict[str, GoalLevel] = {
    "namnd": GoalLevel.NAMNDMAL,
    "forvaltning": GoalLevel.FORVALTNINGSMAL,
    "verksamhetsomrade": GoalLevel.VERKSAMHETSMAL,
    "avdelning": GoalLevel.VERKSAMHETSMAL,
    "enhet": GoalLevel.ENHETSMAL,
}


class Perspective(StrEnum):
    """The four perspectives of the styr- och kontrollkort (seed 002)."""

    EKONOMI = "ekonomi"
    MALGRUPP = "malgrupp"
    VERKSAMHET = "verksamhet"
    MEDARBETARE = "medarbetare"


class FactorKind(StrEnum):
    FRAMGANGSFAKTOR = "framgangsfaktor"  # what leads towards the long-term goal
    KRITISK_FAKTOR = "kritisk_faktor"  # kritisk verksamhetsfaktor, followed up monthly


class GoalStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"  # kept with its indicators and values; no new values


@dataclass(frozen=True)
class Factor:
    kind: FactorKind
    perspective: Perspective
    text: str


@dataclass(frozen=True)
class GoalInput:
    unit_level: str  # the level of the unit the goal belongs to
    title: str
    description: str | None = None
    perspective: Perspective | None = None
    prioritised: bool = False
    from_year: int | None = None
    to_year: int | None = None
    factors: tuple[Factor, ...] = ()


def level_for_unit(unit_level: str) -> GoalLevel:
    try:
        return LEVEL_OF_UNIT[unit_level]
    except KeyError:
        raise RuleViolation("Enheten har ingen målnivå", "unit_id") from None


def check_goal(goal: GoalInput) -> GoalLevel:
    """What a goal needs: a title, a sensible span of years, factors with text. Its level is its
    unit's."""
    level = level_for_unit(goal.unit_level)
    if not goal.title.strip():
        raise RuleViolation("Målet behöver en rubrik", "title")
    if len(goal.title) > MAX_TITLE:
        raise RuleViolation(f"Högst {MAX_TITLE} tecken", "title")
    if goal.description is not None and len(goal.description) > MAX_TEXT:
        raise RuleViolation(f"Högst {MAX_TEXT} tecken", "description")
    for field, year in (("from_year", goal.from_year), ("to_year", goal.to_year)):
        if year is not None and not 2000 <= year <= 2100:
            raise RuleViolation("Året ska vara mellan 2000 och 2100", field)
    if goal.from_year is not None and goal.to_year is not None and goal.to_year < goal.from_year:
        raise RuleViolation("Målet slutar innan det börjar", "to_year")
    for index, factor in enumerate(goal.factors):
        if not factor.text.strip() or len(factor.text) > MAX_TITLE:
            raise RuleViolation(f"En faktor har en text på högst {MAX_TITLE} tecken", f"factors.{index}.text")
    return level


def check_parent(level: GoalLevel, parent_level: GoalLevel | None, parent_unit_above: bool) -> None:
    """A nämndmål is the root; every other goal hangs under a goal of a higher level belonging to a
    unit above its own (a level may be skipped where the organisation has none, e.g. an enhet directly
    under the förvaltning)."""
    if parent_level is None:
        if level is not GoalLevel.NAMNDMAL:
            raise RuleViolation(f"{LEVEL_TITLES[level]} bryter ner ett mål på nivån ovanför", "parent_id")
        return
    if level is GoalLevel.NAMNDMAL:
        raise RuleViolation("Ett nämndmål har inget mål ovanför sig", "parent_id")
    if _RANK[parent_level] >= _RANK[level]:
        raise RuleViolation(
            f"{LEVEL_TITLES[level]} kan inte brytas ner från {LEVEL_TITLES[parent_level].lower()}",
            "parent_id",
        )
    if not parent_unit_above:
        raise RuleViolation("Det överordnade målet hör till en enhet som inte ligger ovanför", "parent_id")


def check_one_prioritised(prioritised: bool, other_prioritised_in_year: int) -> None:
    """Each level's styrkort has one prioritised goal a year (seed 002: "ett prioriterat
    verksamhetsmål")."""
    if prioritised and other_prioritised_in_year:
        raise RuleViolation("Enheten har redan ett prioriterat mål för året", state=True)


def check_active(status: GoalStatus) -> None:
    if status is not GoalStatus.ACTIVE:
        raise RuleViolation("Målet är avslutat; det behålls med sina värden men ändras inte", state=True)


def check_end(status: GoalStatus, open_children: int) -> GoalStatus:
    """A goal ends after the goals broken down from it (end or move them first)."""
    check_active(status)
    if open_children:
        raise RuleViolation(f"{open_children} mål är nedbrutna från detta mål: avsluta dem först", state=True)
    return GoalStatus.ENDED
