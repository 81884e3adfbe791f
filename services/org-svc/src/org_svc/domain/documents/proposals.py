"""Revision proposals: what the systematic improvement work says about a document (SOSFS 2011:9
5 kap.; seed 001 §3.5: risks, egenkontroller and investigated deviations are the basis for improving
processes and rutiner). A deviation names the rutin that was not followed or was missing, an action
or a risk proposes revising a document; the owner sees the proposals on the document and settles them.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from org_svc.domain.model import OrgConflict, OrgRuleViolation


class ProposalSource(StrEnum):
    DEVIATION = "deviation"  # the rutin was not followed or was missing (category arbetssatt_rutiner)
    ACTION = "action"  # an action after an investigation: revise the document
    RISK = "risk"  # a risk whose treatment is to revise the document
    IMPROVEMENT = "improvement"  # a förbättringsförslag its chef accepted as a revision of the rutin
    PERSON = "person"  # anyone who works with the document


class ProposalStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"  # the owner will revise: a new version is being made
    REJECTED = "rejected"  # with a motivation
    DONE = "done"  # a published version took it in
    WITHDRAWN = "withdrawn"  # its source was voided or rejected before the owner settled it


STATUS_TITLES: dict[ProposalStatus, str] = {
    ProposalStatus.OPEN: "Ny",
    ProposalStatus.ACCEPTED: "Godtagen",
    ProposalStatus.REJECTED: "Avslagen",
    ProposalStatus.DONE: "Genomförd",
    ProposalStatus.WITHDRAWN: "Återkallad",
}

MAX_MOTIVATION_CHARS = 4000


@dataclass(frozen=True)
class ProposalRequest:
    """One document to revise, as another service's event (or a person) proposes it. The source's
    id makes it idempotent: the same source proposes a document once."""

    document_id: uuid.UUID
    source: ProposalSource
    source_id: uuid.UUID
    source_reference: str | None = None  # e.g. AVV-2026-000042, shown to the owner


def accept(status: ProposalStatus) -> ProposalStatus:
    if status is not ProposalStatus.OPEN:
        raise OrgConflict(f"Förslaget är redan {STATUS_TITLES[status].lower()}")
    return ProposalStatus.ACCEPTED


def reject(status: ProposalStatus, motivation: str | None) -> ProposalStatus:
    """Rejecting is explained: the one who proposed should learn why."""
    if status not in (ProposalStatus.OPEN, ProposalStatus.ACCEPTED):
        raise OrgConflict(f"Förslaget är redan {STATUS_TITLES[status].lower()}")
    if not (motivation and motivation.strip()):
        raise OrgRuleViolation("motivation", "Motivera varför förslaget avslås")
    if len(motivation) > MAX_MOTIVATION_CHARS:
        raise OrgRuleViolation("motivation", f"Motiveringen får vara högst {MAX_MOTIVATION_CHARS} tecken")
    return ProposalStatus.REJECTED


def settled_by_publication(status: ProposalStatus) -> bool:
    """When a new version of the document is published, the accepted proposals are done (open ones
    stay open: the owner has not said whether the new version answers them)."""
    return status is ProposalStatus.ACCEPTED


# The events (deviation.events, risk.events) that carry a document to revise, and those that take
# the proposal back. Facts are the payload's fields (`payload.model_dump()`).
_ACTION_EVENTS = frozenset({"ActionProposed", "ActionPlanned", "ActionCompleted", "ActionFollowedUp"})
_RISK_EVENTS = frozenset(
    {"RiskIdentified", "RiskAssessed", "RiskPrioritised", "RiskEscalated", "RiskFollowedUp"}
)
_WITHDRAWING: dict[str, tuple[ProposalSource, str]] = {
    "DeviationVoided": (ProposalSource.DEVIATION, "deviation_id"),
    "ActionRejected": (ProposalSource.ACTION, "action_id"),
}


def requests_from_event(event_type: str, facts: Mapping[str, Any]) -> list[ProposalRequest]:
    """Revision proposals an event makes: a deviation names rutiner, an action or a risk names the
    document it revises. Repeats are harmless: a source proposes a document once."""
    reference = facts.get("reference")
    if event_type == "ImprovementProposalAccepted" and facts.get("document_id"):
        return [
            ProposalRequest(facts["document_id"], ProposalSource.IMPROVEMENT, facts["proposal_id"], reference)
        ]
    if event_type in _ACTION_EVENTS and facts.get("revises_document_id"):
        return [
            ProposalRequest(
                facts["revises_document_id"], ProposalSource.ACTION, facts["action_id"], reference
            )
        ]
    if event_type in _RISK_EVENTS and facts.get("revises_document_id"):
        return [
            ProposalRequest(facts["revises_document_id"], ProposalSource.RISK, facts["risk_id"], reference)
        ]
    if event_type.startswith(("Deviation", "Investigation")) and event_type not in _WITHDRAWING:
        return [
            ProposalRequest(document_id, ProposalSource.DEVIATION, facts["deviation_id"], reference)
            for document_id in dict.fromkeys(facts.get("document_ids") or [])
        ]
    return []


def withdrawn_by_event(event_type: str, facts: Mapping[str, Any]) -> tuple[ProposalSource, uuid.UUID] | None:
    """A voided deviation or a rejected action takes back the proposals it made that are still open."""
    found = _WITHDRAWING.get(event_type)
    return (found[0], facts[found[1]]) if found else None


def withdraw(status: ProposalStatus) -> ProposalStatus | None:
    """Only an open proposal is withdrawn; one the owner has settled stays as the owner left it."""
    return ProposalStatus.WITHDRAWN if status is ProposalStatus.OPEN else None
