"""The chain around a serious case is closed (issue 12): a case IVO has been told of cannot be voided,
the unit's own chef neither voids nor hands back a Lex Sarah report, the dates of a case follow each
other and none lies in the future, and an action's effect is judged by someone other than its owner.

    occurred ≤ discovered ≤ reported ≤ received ≤ investigation started ≤ investigation completed
    reported ≤ IVO decision ≤ sent to IVO ≤ investigation sent to IVO;  IVO decision ≤ nämnd informed
    action planned ≤ done ≤ followed up
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from deviation_svc.domain.lifecycle import CLOCK_SKEW  # a client's clock may run a little ahead
from deviation_svc.domain.model import TYPE_LABELS, DeviationType, RuleViolation
from platform_shared.errors import Forbidden
from platform_shared.timeutil import STOCKHOLM

# What each date is called where a person reads it.
DATE_LABELS: dict[str, str] = {
    "occurred_at": "händelsetiden",
    "discovered_at": "upptäcktstiden",
    "reported_at": "rapporteringen",
    "received_at": "mottagandet",
    "investigation_started_at": "utredningens start",
    "investigation_completed_at": "utredningens avslut",
    "ivo_decided_at": "beslutet om anmälan till IVO",
    "sent_at": "anmälan till IVO",
    "investigation_sent_at": "utredningen skickad till IVO",
    "informed_at": "informationen till nämnden",
    "planned_at": "planeringen av åtgärden",
    "executed_at": "genomförandet av åtgärden",
    "followed_up_at": "uppföljningen av åtgärden",
}


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def moment(at: datetime) -> str:
    """A date and time as a person in Sweden reads it."""
    return at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Dated:
    name: str  # a key of DATE_LABELS
    at: datetime | None


def check_in_order(chain: Sequence[Dated], now: datetime, *, field: str | None = None) -> None:
    """Each recorded date of `chain` is on or after the one before it, and none is in the future.

    `field`: the date the request sets (a 422 naming it); without one, a stored order is broken (409).
    """
    recorded = [d for d in chain if d.at is not None]
    for d in recorded:
        assert d.at is not None
        if d.at > now + CLOCK_SKEW:
            raise RuleViolation(
                f"{_first_up(DATE_LABELS[d.name])} ({moment(d.at)}) ligger i framtiden",
                d.name if field is None else field,
                state=field is None,
            )
    for earlier, later in pairwise(recorded):
        assert earlier.at is not None and later.at is not None
        if later.at < earlier.at:
            raise RuleViolation(
                f"{_first_up(DATE_LABELS[later.name])} ({moment(later.at)}) kan inte ligga före "
                f"{DATE_LABELS[earlier.name]} ({moment(earlier.at)})",
                field,
                state=field is None,
            )


# --- voiding and handing back -----------------------------------------------------------------

SERIOUS = frozenset({DeviationType.LEX_SARAH, DeviationType.HSL})


def check_void(deviation_type: DeviationType, has_ivo_decision: bool, decided: bool, received: bool) -> None:
    """A Lex Sarah or HSL case with an IVO anmälan decided cannot be voided, nor one past receipt with
    a decision of any kind: IVO, the nämnd and the statistics already know of it (409)."""
    if deviation_type not in SERIOUS:
        return
    if has_ivo_decision:
        raise RuleViolation(
            f"En {TYPE_LABELS[deviation_type]} med ett beslut om anmälan till IVO kan inte makuleras",
            state=True,
        )
    if received and decided:
        raise RuleViolation(
            f"En mottagen {TYPE_LABELS[deviation_type]} med ett beslut kan inte makuleras", state=True
        )


def check_not_own_chef(deviation_type: DeviationType, own_chef: bool, what: str) -> None:
    """The unit's own chef has a conflict of interest in a Lex Sarah report (docs/domain.md 2.5): she
    neither voids nor hands one back, whatever other role she also holds (403)."""
    if deviation_type is DeviationType.LEX_SARAH and own_chef:
        raise Forbidden(
            f"Enhetens egen chef får inte {what} en lex Sarah-rapport: det görs av den som utreder "
            "lex Sarah (SAS, kvalitetsledare eller socialchef)"
        )


def is_downgrade(current: DeviationType, to: DeviationType) -> bool:
    """A Lex Sarah report handed back as an ordinary avvikelse."""
    return current is DeviationType.LEX_SARAH and to is DeviationType.AVVIKELSE


# --- the effect of an action ----------------------------------------------------------------------


def check_effect_evaluator(is_owner: bool, is_investigator: bool, is_responsible_chef: bool) -> None:
    """The effect of an action is evaluated by the case's investigator or the responsible chef, never by
    the action's own owner (seed 002) (403)."""
    if is_owner:
        raise Forbidden(
            "Den som ansvarar för åtgärden följer inte upp dess effekt: det gör utredaren eller ansvarig chef"
        )
    if not (is_investigator or is_responsible_chef):
        raise Forbidden("Åtgärdens effekt följs upp av ärendets utredare eller ansvarig chef")
