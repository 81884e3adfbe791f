"""Förbättringsförslag: submit (also through the complaint form, as before), assess (accept, reject,
forward), and the improvement action an accepted proposal leads to (complete, follow up).

A proposal is not personal data about a brukare, so it is not audited; an anonymous proposal's
proposer is kept on the row (she follows her own) but is never in an event, its envelope or a step."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from deviation_svc.adapters.orm import (
    Complaint,
    ImprovementAction,
    ImprovementProposal,
    ImprovementProposalStep,
    reference_counter,
)
from deviation_svc.domain.actions import ActionStatus, ActionStep, check_reason, move
from deviation_svc.domain.proposals import (
    ActionInput,
    Assessment,
    Decision,
    ProposalInput,
    ProposalOutcome,
    ProposalStatus,
    anonymous_complaint,
    assess,
    check_proposal,
    proposer_of_complaint,
    title_of_moved_complaint,
)
from deviation_svc.service_layer import deadlines
from deviation_svc.service_layer.access import load_proposal
from deviation_svc.service_layer.context import CommandCtx, require_person, require_unit
from deviation_svc.service_layer.events import improvement_action_facts, proposal_facts
from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts.deviation import (
    ImprovementActionCompleted,
    ImprovementActionFollowedUp,
    ImprovementProposalAccepted,
    ImprovementProposalForwarded,
    ImprovementProposalRejected,
    ImprovementProposalSubmitted,
)
from platform_shared.errors import NotFound, check_version, invalid
from platform_shared.ids import new_id
from platform_shared.references import next_reference
from platform_shared.timeutil import local_date

REFERENCE_PREFIX = "FF"
ACTION_OBJECT_TYPE = "improvement_action"
ACTION_RULE = "actions_due"


def _step(
    ctx: CommandCtx,
    p: ImprovementProposal,
    step: str,
    by: uuid.UUID | None,
    from_unit_id: uuid.UUID | None = None,
) -> None:
    ctx.session.add(
        ImprovementProposalStep(
            id=new_id(),
            proposal_id=p.id,
            step=step,
            to_status=p.status,
            from_unit_id=from_unit_id,
            to_unit_id=p.unit_id,
            by=by,
            at=ctx.now(),
        )
    )


def _submitted(ctx: CommandCtx, p: ImprovementProposal) -> None:
    """The first step and ImprovementProposalSubmitted; neither names an anonymous proposer."""
    shown = None if p.anonymous else p.proposer_id
    _step(ctx, p, "submitted", shown)
    ctx.emit(
        ImprovementProposalSubmitted(
            **proposal_facts(p), submitted_at=p.submitted_at, anonymous=p.anonymous, proposer_id=shown
        ),
        anonymous=p.anonymous,
    )


def _new_proposal(
    ctx: CommandCtx, submitted_at: datetime | None = None, **fields: object
) -> ImprovementProposal:
    now = ctx.now()
    p = ImprovementProposal(
        **fields,
        status=ProposalStatus.SUBMITTED.value,
        submitted_at=submitted_at or now,
        announced_at=now,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(p)
    return p


@dataclass(frozen=True)
class Submit:
    unit_id: uuid.UUID
    title: str
    text: str
    anonymous: bool = False


async def submit(ctx: CommandCtx, cmd: Submit) -> Created[ImprovementProposal]:
    await require_unit(ctx, cmd.unit_id)
    await ctx.caller.require(Action.CASE_CREATE, cmd.unit_id)
    check_proposal(ProposalInput(cmd.title, cmd.text, cmd.anonymous))
    return await ctx.once(ImprovementProposal, lambda: _submit(ctx, cmd))


async def _submit(ctx: CommandCtx, cmd: Submit) -> Created[ImprovementProposal]:
    year = local_date(ctx.now()).year
    p = _new_proposal(
        ctx,
        id=new_id(),
        reference=await next_reference(ctx.session, reference_counter, REFERENCE_PREFIX, year),
        unit_id=cmd.unit_id,
        origin_unit_id=cmd.unit_id,
        title=cmd.title.strip(),
        text=cmd.text,
        anonymous=cmd.anonymous,
        proposer_id=ctx.caller.id,
    )
    _submitted(ctx, p)
    await ctx.created(p.id)
    await ctx.commit()
    return Created(p)


async def submit_from_complaint(ctx: CommandCtx, c: Complaint) -> Created[Complaint]:
    """`POST /complaints` with kind forbattringsforslag (the current contract): the complaint is kept
    as a record, moved at once to a proposal with its id and reference. No complaint clock and no
    ComplaintReceived: it was never a complaint."""
    c.moved_to_proposal_id = c.id
    p = _new_proposal(
        ctx,
        id=c.id,
        reference=c.reference,
        unit_id=c.unit_id,
        origin_unit_id=c.unit_id,
        title=title_of_moved_complaint(c.text),
        text=c.text,
        anonymous=anonymous_complaint(c.complainant_type),
        proposer_id=proposer_of_complaint(c.complainant_type, c.registered_by),
        submitted_at=c.received_at,
    )
    _submitted(ctx, p)
    await ctx.created(c.id)
    await ctx.audit("complaint", c.id, "create")  # the complaint record may name a brukare
    await ctx.commit()
    return Created(c)


@dataclass(frozen=True)
class Assess:
    proposal_id: uuid.UUID
    assessment: Assessment


async def assess_proposal(ctx: CommandCtx, cmd: Assess) -> ImprovementProposal:
    """The chef's assessment: accepted (an action, or a proposed revision of a rutin), rejected with a
    motivation, or forwarded to the chef of the unit above, who assesses it in turn."""
    p = await load_proposal(ctx, cmd.proposal_id)
    a = cmd.assessment
    above = await ctx.caller.directory.parent_of(p.unit_id)
    status = assess(ProposalStatus(p.status), a, local_date(ctx.now()), above is not None)
    if a.action is not None and a.action.responsible_id is not None:
        await require_person(ctx, a.action.responsible_id, "action.responsible_id")
    now, me = ctx.now(), ctx.caller.id
    from_unit = p.unit_id
    p.status, p.motivation, p.updated_at = status.value, a.motivation, now
    if a.decision is Decision.FORWARD:
        assert above is not None  # assess() refuses a forward from the top
        p.unit_id = above
        _step(ctx, p, "forwarded", me, from_unit)
        ctx.emit(
            ImprovementProposalForwarded(
                **proposal_facts(p), from_unit_id=from_unit, forwarded_at=now, forwarded_by=me
            )
        )
    elif a.decision is Decision.REJECT:
        p.assessed_by, p.assessed_at = me, now
        _step(ctx, p, "rejected", me)
        ctx.emit(ImprovementProposalRejected(**proposal_facts(p), rejected_at=now, assessed_by=me))
    else:
        await _accept(ctx, p, a)
    await ctx.commit()
    return p


async def _accept(ctx: CommandCtx, p: ImprovementProposal, a: Assessment) -> None:
    assert a.outcome is not None  # assess() asks for it
    now, me = ctx.now(), ctx.caller.id
    p.assessed_by, p.assessed_at, p.outcome = me, now, a.outcome.value
    action = await _plan_action(ctx, p, a.action) if a.outcome is ProposalOutcome.ACTION else None
    if a.outcome is ProposalOutcome.RUTIN_REVISION:
        p.document_id, p.revision = a.document_id, a.revision
    _step(ctx, p, "accepted", me)
    ctx.emit(
        ImprovementProposalAccepted(
            **proposal_facts(p),
            outcome=a.outcome.value,
            action_id=action.id if action else None,
            responsible_id=action.responsible_id if action else None,
            due_date=action.due_date if action else None,
            document_id=p.document_id,
            accepted_at=now,
            assessed_by=me,
        )
    )


async def _plan_action(
    ctx: CommandCtx, p: ImprovementProposal, spec: ActionInput | None
) -> ImprovementAction:
    """The action, planned with its responsible and due date; its due date is an `actions_due`
    deadline like a deviation's action's (reminded and escalated when missed)."""
    assert spec is not None and spec.responsible_id is not None and spec.due_date is not None
    a = ImprovementAction(
        id=new_id(),
        proposal_id=p.id,
        description=spec.description,
        responsible_id=spec.responsible_id,
        due_date=spec.due_date,
        status=ActionStatus.PLANNED.value,
        created_at=ctx.now(),
        created_by=ctx.caller.id,
    )
    ctx.session.add(a)
    p.action_id = a.id
    await deadlines.open_with_due(
        ctx,
        deadlines.Subject(ACTION_OBJECT_TYPE, a.id, p.unit_id, p.reference),
        ACTION_RULE,
        deadlines.end_of_local_day(spec.due_date),
        spec.responsible_id,
    )
    return a


async def _load_action(
    ctx: CommandCtx, proposal_id: uuid.UUID, action_id: uuid.UUID, step: ActionStep
) -> tuple[ImprovementProposal, ImprovementAction]:
    """The action of a visible proposal (its responsible counts as assigned), then the action's own
    If-Match (412) and state (409)."""
    responsible = await ctx.session.scalar(
        select(ImprovementAction.responsible_id).where(
            ImprovementAction.id == action_id, ImprovementAction.proposal_id == proposal_id
        )
    )
    assigned = frozenset({responsible}) if responsible is not None else frozenset()
    p = await load_proposal(ctx, proposal_id, assigned=assigned, precondition=False)
    a = await ctx.session.get(ImprovementAction, action_id, with_for_update=True)
    if a is None or a.proposal_id != p.id:
        raise NotFound("Åtgärden finns inte")
    check_version(ctx.if_match, a.version)
    a.status = move(step, ActionStatus(a.status)).value
    p.updated_at = ctx.now()  # the proposal's ETag moves with its action
    return p, a


@dataclass(frozen=True)
class CompleteAction:
    proposal_id: uuid.UUID
    action_id: uuid.UUID
    completed_at: datetime | None = None


async def complete_action(ctx: CommandCtx, cmd: CompleteAction) -> ImprovementAction:
    p, a = await _load_action(ctx, cmd.proposal_id, cmd.action_id, ActionStep.COMPLETE)
    a.completed_at = cmd.completed_at or ctx.now()
    if a.completed_at > ctx.now():
        raise invalid("completed_at", "ligger i framtiden", "Åtgärden är inte genomförd ännu")
    await ctx.parts.deadlines.meet(ctx.uow, a.id, ACTION_RULE)
    ctx.emit(ImprovementActionCompleted(**improvement_action_facts(p, a), completed_at=a.completed_at))
    await ctx.commit()
    return a


@dataclass(frozen=True)
class FollowUpAction:
    proposal_id: uuid.UUID
    action_id: uuid.UUID
    effect: str
    effective: bool


async def follow_up_action(ctx: CommandCtx, cmd: FollowUpAction) -> ImprovementAction:
    """Did the improvement have the effect intended (seed 002)?"""
    p, a = await _load_action(ctx, cmd.proposal_id, cmd.action_id, ActionStep.FOLLOW_UP)
    check_reason(cmd.effect, "effect")
    a.effect, a.effective, a.followed_up_at = cmd.effect, cmd.effective, ctx.now()
    ctx.emit(
        ImprovementActionFollowedUp(
            **improvement_action_facts(p, a), followed_up_at=a.followed_up_at, effective=a.effective
        )
    )
    await ctx.commit()
    return a
