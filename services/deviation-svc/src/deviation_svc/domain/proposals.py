"""Förbättringsförslag (seed 000 §3.5.4–3.5.5, seed 001 §2.5): anyone who works here may propose an
improvement, anonymously towards the unit if she chooses; the unit's chef assesses it:

    submitted → accepted (→ an action, or a proposed revision of a rutin)
              → rejected (with a motivation)
              → forwarded (to the chef one level up, who assesses it in turn)

The proposer follows its status. A proposal is not a complaint: nobody outside is owed an answer,
so it has no acknowledgement or answer clock. Proposals that were registered as complaints of kind
`forbattringsforslag` before proposals existed are moved here (status `closed` when the complaint
had been answered or closed).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from deviation_svc.domain.complaints import ComplainantType, ComplaintKind
from deviation_svc.domain.model import RuleViolation

MAX_TITLE = 300
MAX_TEXT = 20_000

# No deadline rules: a proposal has no complaint clock (complaint_acknowledge, complaint_response).
DEADLINE_RULES: tuple[str, ...] = ()


class ProposalStatus(StrEnum):
    SUBMITTED = "submitted"
    FORWARDED = "forwarded"  # waiting for the chef one level up
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CLOSED = "closed"  # moved from an answered or closed complaint; handled before proposals existed


STATUS_TITLES: dict[ProposalStatus, str] = {
    ProposalStatus.SUBMITTED: "Inlämnat",
    ProposalStatus.FORWARDED: "Skickat vidare",
    ProposalStatus.ACCEPTED: "Antaget",
    ProposalStatus.REJECTED: "Avslaget",
    ProposalStatus.CLOSED: "Avslutat",
}

OPEN = frozenset({ProposalStatus.SUBMITTED, ProposalStatus.FORWARDED})


class Decision(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    FORWARD = "forward"


class ProposalOutcome(StrEnum):
    """What an accepted proposal leads to."""

    ACTION = "action"  # an improvement action with owner and due date
    RUTIN_REVISION = "rutin_revision"  # a proposed revision of a rutin (the document's owner decides)


@dataclass(frozen=True)
class ProposalInput:
    title: str
    text: str
    anonymous: bool = False


def check_proposal(p: ProposalInput) -> None:
    """A proposal says what should be improved; it is about the work, not about a brukare."""
    if not p.title.strip():
        raise RuleViolation("Ge förslaget en rubrik", "title")
    if len(p.title) > MAX_TITLE:
        raise RuleViolation(f"Högst {MAX_TITLE} tecken", "title")
    if not p.text.strip():
        raise RuleViolation("Beskriv förslaget", "text")
    if len(p.text) > MAX_TEXT:
        raise RuleViolation(f"Högst {MAX_TEXT} tecken", "text")


@dataclass(frozen=True)
class ActionInput:
    description: str
    responsible_id: uuid.UUID | None
    due_date: date | None


@dataclass(frozen=True)
class Assessment:
    decision: Decision
    motivation: str | None = None
    outcome: ProposalOutcome | None = None
    action: ActionInput | None = None  # ACCEPT → ACTION
    document_id: uuid.UUID | None = None  # ACCEPT → RUTIN_REVISION: the rutin to revise
    revision: str | None = None  # ACCEPT → RUTIN_REVISION: what should change in it


def _text(value: str | None) -> str:
    return (value or "").strip()


def assess(status: ProposalStatus, a: Assessment, today: date, has_unit_above: bool) -> ProposalStatus:
    """The chef's assessment of an open proposal; returns its status after it."""
    if status not in OPEN:
        raise RuleViolation(f"Förslaget är redan bedömt ({STATUS_TITLES[status].lower()})", state=True)
    if a.motivation is not None and len(a.motivation) > MAX_TEXT:
        raise RuleViolation(f"Högst {MAX_TEXT} tecken", "motivation")
    _check_nothing_stray(a)
    if a.decision is Decision.REJECT:
        if not _text(a.motivation):
            raise RuleViolation("Ett avslag motiveras", "motivation")
        return ProposalStatus.REJECTED
    if a.decision is Decision.FORWARD:
        if not has_unit_above:
            raise RuleViolation("Det finns ingen nivå ovanför att skicka förslaget till", state=True)
        return ProposalStatus.FORWARDED
    if a.outcome is None:
        raise RuleViolation(
            "Ange vad förslaget leder till: en åtgärd eller en revidering av en rutin", "outcome"
        )
    if a.outcome is ProposalOutcome.ACTION:
        _check_action(a.action, today)
    elif not _text(a.revision):
        raise RuleViolation("Beskriv vad som ska ändras i rutinen", "revision")
    return ProposalStatus.ACCEPTED


def _check_nothing_stray(a: Assessment) -> None:
    """What an accepted proposal leads to belongs to an acceptance, and only to its own outcome: a
    rejection with an action, or an action with a rutin, is a mistake the chef should see."""
    given = {"outcome": a.outcome, "action": a.action, "document_id": a.document_id, "revision": a.revision}
    if a.decision is not Decision.ACCEPT:
        allowed, why = set(), "Anges bara när förslaget antas"
    elif a.outcome is None:
        return  # the outcome is asked for first
    else:
        allowed = (
            {"outcome", "action"}
            if a.outcome is ProposalOutcome.ACTION
            else {"outcome", "document_id", "revision"}
        )
        why = "Hör inte till det valda utfallet"
    for name, value in given.items():
        if value is not None and name not in allowed:
            raise RuleViolation(why, name)


def _check_action(action: ActionInput | None, today: date) -> None:
    if action is None or not _text(action.description):
        raise RuleViolation("Beskriv åtgärden", "action.description")
    if action.responsible_id is None:
        raise RuleViolation("En åtgärd har en ansvarig", "action.responsible_id")
    if action.due_date is None:
        raise RuleViolation("En åtgärd har ett slutdatum", "action.due_date")
    if action.due_date < today:
        raise RuleViolation("Slutdatumet har redan passerat", "action.due_date")


def proposer_shown(anonymous: bool, proposer_id: uuid.UUID | None, viewer_id: uuid.UUID) -> uuid.UUID | None:
    """An anonymous proposal does not show its proposer to the unit; the proposer always sees her own."""
    if anonymous and viewer_id != proposer_id:
        return None
    return proposer_id


# --- complaints of kind forbattringsforslag, moved here ------------------------------------------


def check_complaint_not_moved(moved_to_proposal_id: uuid.UUID | None) -> None:
    """A complaint moved to a proposal stays for its history; the proposal is what is handled."""
    if moved_to_proposal_id is not None:
        raise RuleViolation(
            "Klagomålet har flyttats till ett förbättringsförslag och hanteras där", state=True
        )


def check_complaint_kind(kind: str | None) -> None:
    """An existing complaint does not become a proposal by a change of kind: a proposal is submitted."""
    if kind == ComplaintKind.FORBATTRINGSFORSLAG:
        raise RuleViolation(
            "Ett klagomål kan inte ändras till ett förbättringsförslag; lämna förslaget som ett nytt "
            "förbättringsförslag",
            "kind",
        )


def proposer_of_complaint(complainant_type: str, registered_by: uuid.UUID) -> uuid.UUID | None:
    """Staff who proposed through the complaint form (complainant_type personal) follow the proposal;
    for a proposal from a brukare, a närstående or anyone else, nobody here does."""
    return registered_by if complainant_type == ComplainantType.PERSONAL else None


def anonymous_complaint(complainant_type: str) -> bool:
    return complainant_type == ComplainantType.ANONYM


_COMPLAINT_STATUS: dict[str, ProposalStatus] = {
    "mottagen": ProposalStatus.SUBMITTED,
    "kvitterad": ProposalStatus.SUBMITTED,
    "under_utredning": ProposalStatus.SUBMITTED,
    "eskalerad": ProposalStatus.SUBMITTED,
    "besvarad": ProposalStatus.CLOSED,
    "avslutad": ProposalStatus.CLOSED,
}


def status_of_moved_complaint(complaint_status: str) -> ProposalStatus:
    """A complaint still open becomes a proposal to assess; one answered or closed was handled."""
    return _COMPLAINT_STATUS[complaint_status]


def title_of_moved_complaint(text: str) -> str:
    """A complaint had no title: its first line, shortened."""
    first = " ".join(text.strip().splitlines()[0].split()) if text.strip() else ""
    if not first:
        return "Förbättringsförslag"
    return first if len(first) <= 80 else first[:79].rstrip() + "…"
