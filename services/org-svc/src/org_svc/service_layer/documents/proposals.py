"""Revision proposals on a document: made by deviation-svc's and risk-svc's events (a deviation naming
the rutiner it was not following, an action or a risk revising a document, a förbättringsförslag
accepted as a revision of a rutin), read by the owner on the
document and settled by her (accept, or reject with a motivation); publishing a new version marks the
accepted ones done (commands.publish). The consumer is the usual inbox: an event is handled once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from org_svc.adapters.orm import Document, RevisionProposal
from org_svc.domain.documents.proposals import (
    STATUS_TITLES,
    ProposalRequest,
    ProposalSource,
    ProposalStatus,
    accept,
    reject,
    requests_from_event,
    withdraw,
    withdrawn_by_event,
)
from org_svc.service_layer.context import CommandCtx, QueryCtx
from org_svc.service_layer.documents.access import readable_document, writable_document
from platform_shared.contracts import documents as ev
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.topics import DEVIATION_EVENTS, RISK_EVENTS
from platform_shared.errors import NotFound, check_version
from platform_shared.ids import new_id
from platform_shared.messaging.consumer import ConsumerSpec
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.sqlutil import insert_ignore

GROUP = "org.revision-proposals"
PROPOSAL_NOT_FOUND = "Förslaget finns inte"
SOURCE_TITLES = {
    ProposalSource.DEVIATION: "Avvikelse",
    ProposalSource.ACTION: "Åtgärd",
    ProposalSource.RISK: "Risk",
    ProposalSource.PERSON: "Medarbetare",
    ProposalSource.IMPROVEMENT: "Förbättringsförslag",
}


async def _propose(uow: UnitOfWork, request: ProposalRequest) -> None:
    """One proposal per document and source; a document org-svc does not have (or has withdrawn)
    gets none."""
    document = await uow.session.get(Document, request.document_id)
    if document is None or document.status != "active":
        return
    now = uow.clock()
    proposal_id = new_id()
    made = await insert_ignore(
        uow.session,
        RevisionProposal.__table__,
        {
            "id": proposal_id,
            "document_id": document.id,
            "source": request.source.value,
            "source_id": request.source_id,
            "source_reference": (request.source_reference or None) and request.source_reference[:40],
            "proposed_at": now,
            "status": ProposalStatus.OPEN.value,
            "version": 1,
        },
    )
    if made:
        uow.emit(
            ev.RevisionProposed(
                proposal_id=proposal_id,
                document_id=document.id,
                source=request.source.value,
                source_id=request.source_id,
                source_reference=request.source_reference,
                owner_role=document.owner_role,
                owner_unit_id=document.owner_unit_id,
                owner_person_id=document.owner_person_id,
                proposed_at=now,
            )
        )


async def _withdraw(uow: UnitOfWork, source: ProposalSource, source_id: uuid.UUID) -> None:
    now = uow.clock()
    rows = await uow.session.scalars(
        select(RevisionProposal).where(
            RevisionProposal.source == source.value, RevisionProposal.source_id == source_id
        )
    )
    for proposal in rows.all():
        status = withdraw(ProposalStatus(proposal.status))
        if status is None:
            continue
        proposal.status, proposal.resolved_at = status.value, now
        uow.emit(
            ev.RevisionProposalSettled(
                proposal_id=proposal.id, document_id=proposal.document_id, status=status.value, settled_at=now
            )
        )


async def on_event(uow: UnitOfWork, _envelope: EventEnvelope, event: EventPayload) -> None:
    facts = event.model_dump()
    for request in requests_from_event(event.event_type, facts):
        await _propose(uow, request)
    withdrawn = withdrawn_by_event(event.event_type, facts)
    if withdrawn is not None:
        await _withdraw(uow, *withdrawn)


# A deviation names the rutiner it did not follow; an action or a risk the document it revises; a
# förbättringsförslag the rutin its chef accepted it as a revision of. A voided deviation or a
# rejected action withdraws its open proposals.
HANDLED: tuple[str, ...] = (
    "DeviationReported",
    "DeviationVoided",
    "ImprovementProposalAccepted",
    "ActionProposed",
    "ActionPlanned",
    "ActionCompleted",
    "ActionFollowedUp",
    "ActionRejected",
    "RiskIdentified",
    "RiskAssessed",
    "RiskPrioritised",
    "RiskEscalated",
    "RiskFollowedUp",
)
# Most of these name no document (and a source proposes a document once, so its later events add
# nothing): handled, and often changing nothing.
OFTEN_NOTHING = frozenset(HANDLED) - {"ImprovementProposalAccepted"}


def revision_proposals_consumer() -> ConsumerSpec:
    return ConsumerSpec(
        group=GROUP,
        topics=(DEVIATION_EVENTS, RISK_EVENTS),
        handlers=dict.fromkeys(HANDLED, on_event),
        ignores=OFTEN_NOTHING,
    )


# --- the owner's view and decisions --------------------------------------------------------------


def view(p: RevisionProposal) -> dict[str, Any]:
    return {
        "id": p.id,
        "document_id": p.document_id,
        "source": ProposalSource(p.source),
        "source_title": SOURCE_TITLES[ProposalSource(p.source)],
        "source_id": p.source_id,
        "source_reference": p.source_reference,
        "proposed_at": p.proposed_at,
        "status": ProposalStatus(p.status),
        "status_title": STATUS_TITLES[ProposalStatus(p.status)],
        "motivation": p.motivation,
        "resolved_by": p.resolved_by,
        "resolved_at": p.resolved_at,
        "version_id": p.version_id,
        "version": p.version,
    }


async def proposals(ctx: QueryCtx, document_id: uuid.UUID) -> list[RevisionProposal]:
    d = await readable_document(ctx, document_id)
    rows = await ctx.session.scalars(
        select(RevisionProposal)
        .where(RevisionProposal.document_id == d.id)
        .order_by(RevisionProposal.proposed_at.desc(), RevisionProposal.id)
    )
    return list(rows.all())


@dataclass(frozen=True)
class Settle:
    document_id: uuid.UUID
    proposal_id: uuid.UUID
    decision: str  # accept | reject
    motivation: str | None = None


async def settle(ctx: CommandCtx, cmd: Settle) -> RevisionProposal:
    """The owner (or one who works with the document) accepts it (a new version is to take it in) or
    rejects it with a motivation. If-Match names the proposal's ETag."""
    d = await writable_document(ctx, cmd.document_id, if_match=False)
    p = await ctx.session.get(RevisionProposal, cmd.proposal_id, with_for_update=True)
    if p is None or p.document_id != d.id:
        raise NotFound(PROPOSAL_NOT_FOUND)
    check_version(ctx.if_match, p.version)
    current = ProposalStatus(p.status)
    status = accept(current) if cmd.decision == "accept" else reject(current, cmd.motivation)
    now = ctx.now()
    p.status, p.resolved_by, p.resolved_at = status.value, ctx.caller.id, now
    if status is ProposalStatus.REJECTED:
        p.motivation = cmd.motivation
    ctx.emit(
        ev.RevisionProposalSettled(
            proposal_id=p.id, document_id=d.id, status=status.value, settled_by=ctx.caller.id, settled_at=now
        )
    )
    await ctx.commit()
    return p
