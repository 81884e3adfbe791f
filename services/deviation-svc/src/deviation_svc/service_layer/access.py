"""Who may see and do what with a case: the one place each operation's authorisation is decided.

Every load runs the same sequence (platform_shared.context.RequestContext.load): visible to the caller
(else 404, worded exactly as for an unknown id) → permitted (else 403) → If-Match (else 412) → allowed
in the case's state (else 409). Visibility is decided before anything about the case is looked at, so
an object outside the caller's scope cannot be told from one that does not exist."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from deviation_svc.adapters.orm import (
    Complaint,
    DataBreach,
    Deviation,
    DeviationAction,
    ImprovementAction,
    ImprovementProposal,
)
from deviation_svc.domain.lifecycle import Step, actions_for, require_step
from deviation_svc.domain.model import DeviationType, RuleViolation, Status
from deviation_svc.service_layer.context import CommandCtx, Ctx
from platform_shared.access import Action, Target
from platform_shared.roles import Role

DEVIATION_NOT_FOUND = "Avvikelsen finns inte"
COMPLAINT_NOT_FOUND = "Klagomålet finns inte"
BREACH_NOT_FOUND = "Personuppgiftsincidenten finns inte"
PROPOSAL_NOT_FOUND = "Förbättringsförslaget finns inte"
PROPOSAL = "improvement_proposal"  # a förbättringsförslag's case type in the permission matrix


def case_target(d: Deviation, assigned: Iterable[uuid.UUID | None] = ()) -> Target:
    """Reporter as owner; the investigator (and, for reading, action responsibles) as assigned."""
    ids = {i for i in (d.investigator_id, *assigned) if i is not None}
    return Target(
        unit_id=d.unit_id, case_type=d.type, owner_ids=frozenset({d.reporter_id}), assigned_ids=frozenset(ids)
    )


async def responsibles(session: AsyncSession, deviation_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.scalars(
        select(DeviationAction.responsible_id).where(
            DeviationAction.deviation_id == deviation_id, DeviationAction.responsible_id.is_not(None)
        )
    )
    return [r for r in rows.all() if r is not None]


# The chefs of a unit's line (not the socialchef, who decides Lex Sarah for the whole förvaltning).
LINE_CHEFS = frozenset({Role.ENHETSCHEF, Role.AVDELNINGSCHEF, Role.VERKSAMHETSCHEF, Role.MYNDIGHETSCHEF})


async def own_chef(ctx: Ctx, d: Deviation) -> bool:
    """Whether the caller is a chef in the line of the case's unit (its own or one above it): the
    conflict of interest of docs/domain.md 2.5."""
    line = set(await ctx.caller.directory.ancestors_and_self(d.unit_id))
    return any(r.role in LINE_CHEFS and r.unit_id in line for r in ctx.caller.principal.roles)


async def may_read(ctx: Ctx, d: Deviation) -> bool:
    """Its reporter, a reader in scope, its investigator or someone responsible for one of its actions."""
    return await ctx.caller.can(Action.CASE_READ, case_target(d, await responsibles(ctx.session, d.id)))


async def handles(ctx: Ctx, d: Deviation, *, new: bool = False) -> bool:
    """May read the case as more than its reporter (the reporter sees status, not the investigation).
    `new`: reported by this request, so it has no actions (and no responsibles) to look up yet."""
    t = case_target(d, () if new else await responsibles(ctx.session, d.id))
    as_handler = Target(unit_id=t.unit_id, case_type=t.case_type, assigned_ids=t.assigned_ids)
    return await ctx.caller.can(Action.CASE_READ, as_handler)


async def readable(
    ctx: Ctx, deviation_id: uuid.UUID, *, handlers_only: bool = False
) -> tuple[Deviation, bool]:
    """(deviation, handler view?); 404 when not visible. Parts only handlers see (investigation, IVO,
    actions, attachments, history) pass handlers_only: the reporter alone then gets the same 404."""
    full: list[bool] = []

    async def visible(d: Deviation) -> bool:
        if not await may_read(ctx, d):
            return False
        full.append(await handles(ctx, d))
        return full[0] or not handlers_only

    d = await ctx.load(Deviation, deviation_id, not_found=DEVIATION_NOT_FOUND, visible=visible)
    return d, full[0]


async def load_for_step(
    ctx: CommandCtx,
    deviation_id: uuid.UUID,
    step: Step,
    *,
    assigned: Iterable[uuid.UUID | None] = (),
    precondition: bool = True,
) -> Deviation:
    """The deviation, locked, for a step: 404 → 403 → 412 → 409, nothing written on a refusal.

    `assigned`: people assigned to what the step acts on (an action's responsible). Someone who may take
    the step only as its assignee (a medarbetare completing her action) finds the case even though she
    may not read it (the matrix gives her CASE_ACTIONS 'assigned', CASE_READ 'own'). `precondition`:
    whether the request's If-Match names this deviation (False when it names a part of it)."""
    mine = frozenset(i for i in assigned if i is not None)

    async def visible(d: Deviation) -> bool:
        if await may_read(ctx, d):
            return True
        if not mine:
            return False
        try:
            actions = actions_for(step, DeviationType(d.type))
        except RuleViolation:  # no such step for this kind of case: nothing to see either
            return False
        return await ctx.caller.can_any(
            actions, Target(unit_id=d.unit_id, case_type=d.type, assigned_ids=mine)
        )

    async def permitted(d: Deviation) -> None:
        # A step this kind of case does not have (the IVO steps of an avvikelse) is refused here, 409,
        # once the case is known to be visible.
        await ctx.caller.require_any(actions_for(step, DeviationType(d.type)), case_target(d, assigned))

    return await ctx.load(
        Deviation,
        deviation_id,
        not_found=DEVIATION_NOT_FOUND,
        visible=visible,
        permitted=permitted,
        if_match=ctx.if_match if precondition else None,
        allowed=lambda d: require_step(step, Status(d.status)),
        lock=True,
    )


CaseT = TypeVar("CaseT", Complaint, DataBreach)


def other_case_target(obj: Complaint | DataBreach) -> Target:
    if isinstance(obj, Complaint):
        return Target(unit_id=obj.unit_id, case_type="complaint", owner_ids=frozenset({obj.registered_by}))
    return Target(unit_id=obj.unit_id, case_type="data_breach", owner_ids=frozenset({obj.reported_by}))


async def load_case(
    ctx: Ctx,
    model: type[CaseT],
    object_id: uuid.UUID,
    action: Action | None,
    *,
    if_match: int | None = None,
    lock: bool = True,
) -> CaseT:
    """A complaint or data breach: visible (else 404) → permitted (else 403) → If-Match (else 412); the
    state is the command's own check (409) after this."""

    async def visible(obj: CaseT) -> bool:
        return await ctx.caller.can(Action.CASE_READ, other_case_target(obj))

    async def permitted(obj: CaseT) -> None:
        if action is not None:
            await ctx.caller.require(action, other_case_target(obj))

    return await ctx.load(
        model,
        object_id,
        not_found=COMPLAINT_NOT_FOUND if model is Complaint else BREACH_NOT_FOUND,
        visible=visible,
        permitted=permitted,
        if_match=if_match,
        lock=lock,
    )


# --- förbättringsförslag -------------------------------------------------------------------------


async def proposal_responsibles(session: AsyncSession, proposal_id: uuid.UUID) -> frozenset[uuid.UUID]:
    rows = await session.scalars(
        select(ImprovementAction.responsible_id).where(ImprovementAction.proposal_id == proposal_id)
    )
    return frozenset(rows.all())


async def may_read_proposal(ctx: Ctx, p: ImprovementProposal, responsibles: frozenset[uuid.UUID]) -> bool:
    """Its proposer (whoever may submit there reads her own back), the person responsible for its
    action, and whoever may read cases where it was submitted (its chef and those above, also once
    it is forwarded: the unit above is an ancestor of where it was submitted)."""
    me = ctx.caller.id
    if p.proposer_id == me and ctx.caller.principal.may(Action.CASE_CREATE):
        return True
    if me in responsibles:
        return True
    owners = frozenset({p.proposer_id}) if p.proposer_id is not None else frozenset()
    target = Target(unit_id=p.origin_unit_id, case_type=PROPOSAL, owner_ids=owners, assigned_ids=responsibles)
    return await ctx.caller.can(Action.CASE_READ, target)


def proposal_target(p: ImprovementProposal, assigned: frozenset[uuid.UUID] = frozenset()) -> Target:
    """Where it is assessed now: the unit whose chef has it (moves up when it is forwarded)."""
    return Target(unit_id=p.unit_id, case_type=PROPOSAL, assigned_ids=assigned)


async def _proposal_visible(ctx: Ctx, p: ImprovementProposal) -> bool:
    return await may_read_proposal(ctx, p, await proposal_responsibles(ctx.session, p.id))


async def readable_proposal(ctx: Ctx, proposal_id: uuid.UUID) -> ImprovementProposal:
    """A proposal to read; 404 when not visible."""
    return await ctx.load(
        ImprovementProposal,
        proposal_id,
        not_found=PROPOSAL_NOT_FOUND,
        visible=lambda p: _proposal_visible(ctx, p),
    )


async def load_proposal(
    ctx: CommandCtx,
    proposal_id: uuid.UUID,
    *,
    assigned: frozenset[uuid.UUID] = frozenset(),
    precondition: bool = True,
) -> ImprovementProposal:
    """A proposal, locked, for a command: visible (else 404) → `case.actions` at the unit assessing it,
    `assigned` being the responsible of the action the command acts on (else 403) → If-Match (else 412).
    Its state is the domain's check (409) after this. `precondition`: whether the request's If-Match
    names the proposal (False when it names its action)."""

    async def permitted(p: ImprovementProposal) -> None:
        await ctx.caller.require(Action.CASE_ACTIONS, proposal_target(p, assigned))

    return await ctx.load(
        ImprovementProposal,
        proposal_id,
        not_found=PROPOSAL_NOT_FOUND,
        visible=lambda p: _proposal_visible(ctx, p),
        permitted=permitted,
        if_match=ctx.if_match if precondition else None,
        lock=True,
    )
