"""After the IVO anmälan is decided: recording that it was sent, that the investigation followed, and
that the nämnd was informed (docs/domain.md 2.3, 5 #6–#9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from deviation_svc.domain.chain import Dated, check_in_order
from deviation_svc.domain.model import RuleViolation


class IvoChannel(StrEnum):
    """IVO takes an anmälan through its e-service or by post; never e-mail or fax (IVO)."""

    E_TJANST = "e_tjanst"
    POST = "post"


@dataclass(frozen=True)
class IvoState:
    decided: bool
    sent_at: datetime | None
    investigation_sent_at: datetime | None
    namnd_informed_at: datetime | None
    investigation_completed: bool
    investigation_completed_at: datetime | None = None
    decided_at: datetime | None = None


def _require_decided(state: IvoState) -> None:
    if not state.decided:
        raise RuleViolation("Ingen anmälan till IVO har beslutats för avvikelsen", state=True)


def _not_in_future(at: datetime, now: datetime, field: str) -> None:
    if at > now:
        raise RuleViolation("Ett datum som ännu inte har inträffat kan inte registreras", field)


def _decision(state: IvoState) -> Dated:
    return Dated("ivo_decided_at", state.decided_at)


def check_sent(state: IvoState, sent_at: datetime, investigation_attached: bool, now: datetime) -> None:
    _require_decided(state)
    if state.sent_at is not None:
        raise RuleViolation("Anmälan till IVO är redan registrerad som skickad", state=True)
    _not_in_future(sent_at, now, "sent_at")
    check_in_order([_decision(state), Dated("sent_at", sent_at)], now, field="sent_at")
    if investigation_attached and not state.investigation_completed:
        raise RuleViolation("Bara en avslutad utredning kan bifogas; skicka den när den är klar", state=True)
    if investigation_attached:
        completed = Dated("investigation_completed_at", state.investigation_completed_at)
        check_in_order([completed, Dated("investigation_sent_at", sent_at)], now, field="sent_at")


def check_investigation_sent(state: IvoState, sent_at: datetime, now: datetime) -> None:
    _require_decided(state)
    if state.sent_at is None:
        raise RuleViolation("Registrera först att anmälan till IVO har skickats", state=True)
    if state.investigation_sent_at is not None:
        raise RuleViolation("Utredningen är redan registrerad som skickad till IVO", state=True)
    if not state.investigation_completed:
        raise RuleViolation("Utredningen är inte avslutad", state=True)
    _not_in_future(sent_at, now, "sent_at")
    check_in_order(
        [
            _decision(state),
            Dated("sent_at", state.sent_at),
            Dated("investigation_sent_at", sent_at),
        ],
        now,
        field="sent_at",
    )
    completed = Dated("investigation_completed_at", state.investigation_completed_at)
    check_in_order([completed, Dated("investigation_sent_at", sent_at)], now, field="sent_at")


def check_namnd_informed(state: IvoState, informed_at: datetime, now: datetime) -> None:
    _require_decided(state)
    if state.namnd_informed_at is not None:
        raise RuleViolation("Nämnden är redan registrerad som informerad", state=True)
    _not_in_future(informed_at, now, "informed_at")
    check_in_order([_decision(state), Dated("informed_at", informed_at)], now, field="informed_at")
