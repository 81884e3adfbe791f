"""Reading förbättringsförslag: one with its steps and action, and lists of those visible to the caller
(newest first). An anonymous proposal shows its proposer to her alone (`proposer_shown`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select

from deviation_svc.adapters.orm import ImprovementAction, ImprovementProposal, ImprovementProposalStep
from deviation_svc.domain.proposals import proposer_shown
from deviation_svc.service_layer.access import PROPOSAL, readable_proposal
from deviation_svc.service_layer.context import Ctx, QueryCtx
from deviation_svc.service_layer.lists import period, subtree, visibility_clause
from deviation_svc.service_layer.views import columns_of, deadlines_of
from platform_shared.access import Action
from platform_shared.pagination import PageRequest, keyset_page


async def proposal(ctx: QueryCtx, proposal_id: uuid.UUID) -> dict[str, Any]:
    return await view(ctx, await readable_proposal(ctx, proposal_id))


async def action_view(ctx: Ctx, a: ImprovementAction) -> dict[str, Any]:
    return columns_of(a) | {"deadlines": await deadlines_of(ctx, a.id)}


def summary(ctx: Ctx, p: ImprovementProposal) -> dict[str, Any]:
    """The proposal's own fields, its proposer shown only where she may be."""
    return columns_of(p) | {"proposer_id": proposer_shown(p.anonymous, p.proposer_id, ctx.caller.id)}


async def view(ctx: Ctx, p: ImprovementProposal) -> dict[str, Any]:
    steps = await ctx.session.scalars(
        select(ImprovementProposalStep)
        .where(ImprovementProposalStep.proposal_id == p.id)
        .order_by(ImprovementProposalStep.at, ImprovementProposalStep.id)
    )
    action = await ctx.session.get(ImprovementAction, p.action_id) if p.action_id else None
    return summary(ctx, p) | {
        "steps": [columns_of(s) for s in steps.all()],
        "action": await action_view(ctx, action) if action else None,
    }


@dataclass(frozen=True)
class ProposalFilter:
    status: tuple[str, ...] = ()
    unit_id: uuid.UUID | None = None  # submitted for this unit or one below it
    assessing_unit_id: uuid.UUID | None = None  # whose chef has it now (exactly this unit)
    mine: bool = False  # only the caller's own proposals
    first: date | None = None
    last: date | None = None


def _responsible(person_id: uuid.UUID) -> ColumnElement[bool]:
    mine = select(ImprovementAction.proposal_id).where(ImprovementAction.responsible_id == person_id)
    return ImprovementProposal.id.in_(mine)


async def _visible(ctx: QueryCtx) -> ColumnElement[bool] | None:
    """The list's side of `access.may_read_proposal`: her own, those whose action she is responsible
    for, and what she may read where they were submitted."""
    me = ctx.caller.id
    vis = await ctx.caller.visibility(Action.CASE_READ)
    in_scope = visibility_clause(
        vis,
        ctx.caller.principal,
        ImprovementProposal.origin_unit_id,
        None,
        frozenset({PROPOSAL}),
        ImprovementProposal.proposer_id,
        _responsible(me),
    )
    if in_scope is None:
        return None
    may_submit = ctx.caller.principal.may(Action.CASE_CREATE)
    own = ImprovementProposal.proposer_id == me if may_submit else false()
    return or_(own, _responsible(me), in_scope)


async def proposals(
    ctx: QueryCtx, f: ProposalFilter, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    stmt = select(ImprovementProposal)
    visible = await _visible(ctx)
    if visible is not None:
        stmt = stmt.where(visible)
    units = await subtree(ctx, f.unit_id)
    if units is not None:
        stmt = stmt.where(ImprovementProposal.origin_unit_id.in_(units))
    if f.assessing_unit_id is not None:
        stmt = stmt.where(ImprovementProposal.unit_id == f.assessing_unit_id)
    if f.status:
        stmt = stmt.where(ImprovementProposal.status.in_(f.status))
    if f.mine:
        stmt = stmt.where(ImprovementProposal.proposer_id == ctx.caller.id)
    stmt = stmt.where(*period(ImprovementProposal.submitted_at, f.first, f.last))
    rows, cursor = await keyset_page(
        ctx.session, stmt, [ImprovementProposal.submitted_at, ImprovementProposal.id], page, descending=True
    )
    return [summary(ctx, p) for p in rows], cursor
