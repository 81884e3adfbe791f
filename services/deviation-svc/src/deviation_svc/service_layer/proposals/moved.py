"""Announcing, once, the complaints of kind forbattringsforslag the data migration moved to proposals.

The migration (06e031339002) wrote the proposals but could not publish their events: it leaves
`announced_at` NULL. A background loop claims those rows (`UPDATE … SET announced_at = now WHERE
announced_at IS NULL … RETURNING`, candidates locked with SKIP LOCKED on PostgreSQL) and writes
`ComplaintMovedToProposal` and `ImprovementProposalSubmitted` to the outbox in the same transaction,
so each is published once however many replicas run, and consumers (reporting, risk) stop counting
the complaint and count the proposal, also after a rebuild (the events stay in the log)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, update

from deviation_svc.adapters.orm import Complaint, ImprovementProposal
from deviation_svc.service_layer.events import proposal_facts
from platform_shared.contracts.deviation import ComplaintMovedToProposal, ImprovementProposalSubmitted
from platform_shared.messaging.unit_of_work import UnitOfWork

BATCH = 200


class MovedProposals:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], batch: int = BATCH) -> None:
        self._uow_factory = uow_factory
        self._batch = batch

    async def tick(self) -> int:
        """Announce up to a batch; the number announced (0 once every moved proposal is)."""
        async with self._uow_factory() as uow:
            p = ImprovementProposal
            candidates = (
                select(p.id)
                .where(p.announced_at.is_(None))
                .order_by(p.submitted_at, p.id)
                .limit(self._batch)
                .with_for_update(skip_locked=True)
            )
            claimed = await uow.session.execute(
                update(p)
                .where(p.id.in_(candidates.scalar_subquery()), p.announced_at.is_(None))
                .values(announced_at=uow.clock())
                .returning(p.id)
                .execution_options(synchronize_session=False)
            )
            ids = [row.id for row in claimed]
            if not ids:
                return 0
            proposals = await uow.session.scalars(
                select(ImprovementProposal)
                .where(ImprovementProposal.id.in_(ids))
                .order_by(ImprovementProposal.submitted_at, ImprovementProposal.id)
            )
            complaints = {
                c.id: c for c in await uow.session.scalars(select(Complaint).where(Complaint.id.in_(ids)))
            }
            for proposal in proposals:
                complaint = complaints.get(proposal.id)
                if complaint is not None:
                    uow.emit(_moved(complaint, proposal))
                uow.emit(_submitted(proposal, moved=complaint is not None))
            await uow.commit()
        return len(ids)


def _moved(c: Complaint, p: ImprovementProposal) -> ComplaintMovedToProposal:
    return ComplaintMovedToProposal(
        complaint_id=c.id,
        reference=c.reference,
        unit_id=c.unit_id,
        kind=c.kind,
        category=c.category,
        status=c.status,
        proposal_id=p.id,
        moved_at=p.created_at,
    )


def _submitted(p: ImprovementProposal, moved: bool) -> ImprovementProposalSubmitted:
    return ImprovementProposalSubmitted(
        **proposal_facts(p),
        submitted_at=p.submitted_at,
        anonymous=p.anonymous,
        proposer_id=None if p.anonymous else p.proposer_id,
        moved_from_complaint_id=p.id if moved else None,
    )
