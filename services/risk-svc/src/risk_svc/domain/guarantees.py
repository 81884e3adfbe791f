"""Värdighetsgarantier (seed 003 §2.3, seed 000 §3.3): what the municipality promises the people it
serves, per area of the national värdegrund (SoL 5 kap. 4 §), for a unit and its subtree (usually
äldreomsorgen). Each garanti is followed up by indicators and by the complaints that name it as not
kept; a värdegrund area without a garanti is shown as a gap.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from risk_svc.domain.indicators import IndicatorStatus, worst_status
from risk_svc.domain.model import RuleViolation

MAX_TITLE = 300
MAX_TEXT = 5000


class ValueArea(StrEnum):
    """The seven areas of the national värdegrund."""

    PRIVATLIV_OCH_KROPPSLIG_INTEGRITET = "privatliv_och_kroppslig_integritet"
    SJALVBESTAMMANDE = "sjalvbestammande"
    INDIVIDANPASSNING_OCH_DELAKTIGHET = "individanpassning_och_delaktighet"
    GOD_KVALITET = "god_kvalitet"
    GOTT_BEMOTANDE = "gott_bemotande"
    TRYGGHET = "trygghet"
    MENINGSFULLHET = "meningsfullhet"


AREA_TITLES: dict[ValueArea, str] = {
    ValueArea.PRIVATLIV_OCH_KROPPSLIG_INTEGRITET: "Privatliv och kroppslig integritet",
    ValueArea.SJALVBESTAMMANDE: "Självbestämmande",
    ValueArea.INDIVIDANPASSNING_OCH_DELAKTIGHET: "Individanpassning och delaktighet",
    ValueArea.GOD_KVALITET: "God kvalitet",
    ValueArea.GOTT_BEMOTANDE: "Gott bemötande",
    ValueArea.TRYGGHET: "Trygghet",
    ValueArea.MENINGSFULLHET: "Meningsfullhet",
}


class GuaranteeStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"  # kept with its history; complaints can no longer name it


@dataclass(frozen=True)
class GuaranteeInput:
    area: ValueArea
    title: str  # "Du får bestämma när du vill duscha"
    commitment: str  # what the person can expect, concretely, and what happens if it is not kept
    valid_from: date
    valid_to: date | None = None


def check_guarantee(g: GuaranteeInput) -> None:
    if not g.title.strip():
        raise RuleViolation("Garantin behöver en rubrik", "title")
    if len(g.title) > MAX_TITLE:
        raise RuleViolation(f"Högst {MAX_TITLE} tecken", "title")
    if not g.commitment.strip():
        raise RuleViolation("Beskriv konkret vad den enskilde kan förvänta sig", "commitment")
    if len(g.commitment) > MAX_TEXT:
        raise RuleViolation(f"Högst {MAX_TEXT} tecken", "commitment")
    if g.valid_to is not None and g.valid_to < g.valid_from:
        raise RuleViolation("Garantin upphör innan den börjar gälla", "valid_to")


def in_force(status: GuaranteeStatus, valid_from: date, valid_to: date | None, on: date) -> bool:
    return status is GuaranteeStatus.ACTIVE and valid_from <= on and (valid_to is None or on <= valid_to)


def check_named_in_complaint(
    status: GuaranteeStatus, valid_from: date, valid_to: date | None, received_on: date, unit_in_scope: bool
) -> None:
    """A complaint names a garanti as not kept only if the garanti applied to the complaint's unit
    when it was received."""
    if not unit_in_scope:
        raise RuleViolation("Garantin gäller inte den enhet klagomålet avser", "guarantee_ids")
    if not in_force(status, valid_from, valid_to, received_on):
        raise RuleViolation("Garantin gällde inte när klagomålet kom in", "guarantee_ids")


def check_withdraw(status: GuaranteeStatus) -> GuaranteeStatus:
    if status is not GuaranteeStatus.ACTIVE:
        raise RuleViolation("Garantin är redan återkallad", state=True)
    return GuaranteeStatus.WITHDRAWN


def areas_without_guarantee(areas_with: Iterable[ValueArea]) -> list[ValueArea]:
    """The värdegrund areas the unit has no garanti for (shown in the follow-up, not refused)."""
    covered = set(areas_with)
    return [area for area in ValueArea if area not in covered]


@dataclass(frozen=True)
class GuaranteeFollowUp:
    guarantee_id: uuid.UUID
    complaints_not_kept: int  # complaints in the period that name the garanti as not kept
    indicator_status: IndicatorStatus | None  # the worst status of its indicators, if any
    attention: bool  # shown first: a complaint named it or an indicator is under its gränsvärde


def follow_up(
    guarantee_id: uuid.UUID,
    complaint_received_on: Iterable[date],
    first: date,
    last: date,
    indicator_statuses: Mapping[uuid.UUID, IndicatorStatus],
) -> GuaranteeFollowUp:
    """A garanti over a period: how many complaints said it was not kept, and how its indicators
    stand."""
    complaints = sum(1 for day in complaint_received_on if first <= day <= last)
    status = worst_status(indicator_statuses.values())
    return GuaranteeFollowUp(
        guarantee_id,
        complaints,
        status,
        attention=complaints > 0 or status is IndicatorStatus.UNDER_THRESHOLD,
    )
