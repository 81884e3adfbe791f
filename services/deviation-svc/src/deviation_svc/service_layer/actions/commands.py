"""Åtgärder on a deviation: create (proposed), plan, complete, follow up, reject, edit. Once the case is
decided, its state follows its actions (actions → follow_up)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import select

from deviation_svc.adapters.orm import Deviation, DeviationAction
from deviation_svc.domain.actions import ActionStatus, ActionStep, Horizon, check_plan, check_reason, move
from deviation_svc.domain.chain import Dated, check_effect_evaluator, check_in_order
from deviation_svc.domain.lifecycle import Step, phase_after_decision
from deviation_svc.domain.model import CauseArea, Status
from deviation_svc.service_layer import deadlines
from deviation_svc.service_layer.access import case_target, load_for_step
from deviation_svc.service_layer.context import CommandCtx, check_patch, require_person, touch
from deviation_svc.service_layer.events import action_facts
from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts.deviation import (
    ActionCompleted,
    ActionFollowedUp,
    ActionPlanned,
    ActionProposed,
    ActionRejected,
)
from platform_shared.errors import NotFound, check_version, invalid
from platform_shared.ids import new_id

OBJECT_TYPE = "deviation_action"
RULE = "actions_due"
_DECIDED_PHASES = frozenset({Status.DECIDED, Status.ACTIONS, Status.FOLLOW_UP})


def _subject(d: Deviation, a: DeviationAction) -> deadlines.Subject:
    return deadlines.Subject(OBJECT_TYPE, a.id, d.unit_id, d.reference)


async def _follow_actions(ctx: CommandCtx, d: Deviation) -> None:
    """A decided case's state follows its actions."""
    if Status(d.status) in _DECIDED_PHASES:
        rows = await ctx.session.scalars(
            select(DeviationAction.status).where(DeviationAction.deviation_id == d.id)
        )
        d.status = phase_after_decision([ActionStatus(s) for s in rows.all()], d.no_actions_motivation).value
    touch(d, ctx)


async def _set_due(ctx: CommandCtx, d: Deviation, a: DeviationAction) -> None:
    """The action's deadline: its due date, or the rule's default from now when none is set."""
    await ctx.parts.deadlines.cancel(ctx.uow, a.id, RULE)
    if a.due_date is not None:
        await deadlines.open_with_due(
            ctx, _subject(d, a), RULE, deadlines.end_of_local_day(a.due_date), a.responsible_id
        )
    else:
        await deadlines.open_rules(ctx, _subject(d, a), (RULE,), responsible_person_id=a.responsible_id)


async def _check_responsible(ctx: CommandCtx, responsible_id: uuid.UUID | None) -> None:
    if responsible_id is not None:
        await require_person(ctx, responsible_id, "responsible_id")


@dataclass(frozen=True)
class CreateAction:
    deviation_id: uuid.UUID
    description: str
    horizon: Horizon
    goal: str | None = None
    cause_area: CauseArea | None = None
    responsible_id: uuid.UUID | None = None
    planned_start: date | None = None
    due_date: date | None = None
    revises_document_id: uuid.UUID | None = None


async def create(ctx: CommandCtx, cmd: CreateAction) -> Created[DeviationAction]:
    d = await load_for_step(ctx, cmd.deviation_id, Step.ACTIONS, precondition=False)
    await _check_responsible(ctx, cmd.responsible_id)
    return await ctx.once(DeviationAction, lambda: _create(ctx, cmd, d))


async def _create(ctx: CommandCtx, cmd: CreateAction, d: Deviation) -> Created[DeviationAction]:
    now = ctx.now()
    a = DeviationAction(
        id=new_id(),
        deviation_id=d.id,
        description=cmd.description,
        goal=cmd.goal,
        cause_area=cmd.cause_area.value if cmd.cause_area else None,
        horizon=cmd.horizon.value,
        responsible_id=cmd.responsible_id,
        planned_start=cmd.planned_start,
        due_date=cmd.due_date,
        revises_document_id=cmd.revises_document_id,
        status=ActionStatus.PROPOSED.value,
        created_at=now,
        created_by=ctx.caller.id,
    )
    ctx.session.add(a)
    await ctx.session.flush()
    await _set_due(ctx, d, a)
    await _follow_actions(ctx, d)
    ctx.emit(ActionProposed(**action_facts(d, a), proposed_at=now))
    await ctx.created(a.id)
    await ctx.audit("deviation", d.id, "create_action")
    await ctx.commit()
    return Created(a)


async def _load(
    ctx: CommandCtx, deviation_id: uuid.UUID, action_id: uuid.UUID, step: ActionStep
) -> tuple[Deviation, DeviationAction]:
    """The action of a visible deviation (the responsible for this action counts as assigned), then the
    action's own If-Match (412) and state (409)."""
    responsible = await ctx.session.scalar(
        select(DeviationAction.responsible_id).where(
            DeviationAction.id == action_id, DeviationAction.deviation_id == deviation_id
        )
    )
    d = await load_for_step(ctx, deviation_id, Step.ACTIONS, assigned=(responsible,), precondition=False)
    a = await ctx.session.get(DeviationAction, action_id, with_for_update=True)
    if a is None or a.deviation_id != d.id:
        raise NotFound("Åtgärden finns inte")
    check_version(ctx.if_match, a.version)
    a.status = move(step, ActionStatus(a.status)).value
    return d, a


@dataclass(frozen=True)
class Plan:
    deviation_id: uuid.UUID
    action_id: uuid.UUID
    responsible_id: uuid.UUID | None = None
    due_date: date | None = None
    planned_start: date | None = None


async def plan(ctx: CommandCtx, cmd: Plan) -> DeviationAction:
    d, a = await _load(ctx, cmd.deviation_id, cmd.action_id, ActionStep.PLAN)
    await _check_responsible(ctx, cmd.responsible_id)
    responsible = cmd.responsible_id or a.responsible_id
    due = cmd.due_date or a.due_date
    check_plan(responsible, due)
    changed_due = (responsible, due) != (a.responsible_id, a.due_date)
    a.responsible_id, a.due_date, a.planned_at = responsible, due, ctx.now()
    a.planned_start = cmd.planned_start or a.planned_start
    if changed_due:
        await _set_due(ctx, d, a)
    await _follow_actions(ctx, d)
    ctx.emit(ActionPlanned(**action_facts(d, a), planned_at=ctx.now()))
    return await _commit(ctx, d, a, "plan_action")


@dataclass(frozen=True)
class Complete:
    deviation_id: uuid.UUID
    action_id: uuid.UUID
    executed_at: datetime | None = None


async def complete(ctx: CommandCtx, cmd: Complete) -> DeviationAction:
    d, a = await _load(ctx, cmd.deviation_id, cmd.action_id, ActionStep.COMPLETE)
    a.executed_at = cmd.executed_at or ctx.now()
    if a.executed_at > ctx.now():
        raise invalid("executed_at", "ligger i framtiden", "Åtgärden är inte genomförd ännu")
    check_in_order(
        [Dated("planned_at", a.planned_at), Dated("executed_at", a.executed_at)],
        ctx.now(),
        field="executed_at",
    )
    await ctx.parts.deadlines.meet(ctx.uow, a.id, RULE)
    await _follow_actions(ctx, d)
    ctx.emit(ActionCompleted(**action_facts(d, a), completed_at=a.executed_at))
    return await _commit(ctx, d, a, "complete_action")


@dataclass(frozen=True)
class FollowUp:
    deviation_id: uuid.UUID
    action_id: uuid.UUID
    effect: str
    effective: bool


async def follow_up(ctx: CommandCtx, cmd: FollowUp) -> DeviationAction:
    """The follow-up checks the intended effect (seed 002): the investigator or the responsible chef
    evaluates it, never the action's own owner."""
    d, a = await _load(ctx, cmd.deviation_id, cmd.action_id, ActionStep.FOLLOW_UP)
    check_effect_evaluator(
        is_owner=ctx.caller.id == a.responsible_id,
        is_investigator=ctx.caller.id == d.investigator_id,
        is_responsible_chef=await ctx.caller.can(Action.CASE_ACTIONS, case_target(d)),
    )
    check_reason(cmd.effect, "effect")
    a.effect, a.effective, a.followed_up_at = cmd.effect, cmd.effective, ctx.now()
    check_in_order(
        [
            Dated("planned_at", a.planned_at),
            Dated("executed_at", a.executed_at),
            Dated("followed_up_at", a.followed_up_at),
        ],
        ctx.now(),
    )
    await _follow_actions(ctx, d)
    ctx.emit(ActionFollowedUp(**action_facts(d, a), followed_up_at=a.followed_up_at, effective=cmd.effective))
    return await _commit(ctx, d, a, "follow_up_action")


@dataclass(frozen=True)
class Reject:
    deviation_id: uuid.UUID
    action_id: uuid.UUID
    reason: str


async def reject(ctx: CommandCtx, cmd: Reject) -> DeviationAction:
    d, a = await _load(ctx, cmd.deviation_id, cmd.action_id, ActionStep.REJECT)
    check_reason(cmd.reason, "reason")
    a.rejection_reason, a.rejected_at = cmd.reason, ctx.now()
    await ctx.parts.deadlines.cancel(ctx.uow, a.id)
    await _follow_actions(ctx, d)
    ctx.emit(ActionRejected(**action_facts(d, a), rejected_at=a.rejected_at))
    return await _commit(ctx, d, a, "reject_action")


REQUIRED = frozenset({"description", "horizon"})
EDITABLE = frozenset(
    {"description", "goal", "cause_area", "horizon", "responsible_id", "planned_start", "due_date"}
)


@dataclass(frozen=True)
class EditAction:
    deviation_id: uuid.UUID
    action_id: uuid.UUID
    changes: dict[str, Any] = field(default_factory=dict)


async def edit(ctx: CommandCtx, cmd: EditAction) -> DeviationAction:
    """PATCH edits an open action's fields, never its state."""
    d, a = await _load(ctx, cmd.deviation_id, cmd.action_id, ActionStep.EDIT)
    check_patch(cmd.changes, EDITABLE, REQUIRED)
    if cmd.changes.get("responsible_id") is not None:
        await _check_responsible(ctx, cmd.changes["responsible_id"])
    if ActionStatus(a.status) is ActionStatus.PLANNED:  # a planned action keeps a responsible and a due date
        responsible = cmd.changes.get("responsible_id", a.responsible_id)
        check_plan(responsible, cmd.changes.get("due_date", a.due_date))
    before = (a.responsible_id, a.due_date)
    for name, value in cmd.changes.items():
        setattr(a, name, value.value if isinstance(value, Enum) else value)
    if (a.responsible_id, a.due_date) != before:
        await _set_due(ctx, d, a)
    touch(d, ctx)
    return await _commit(ctx, d, a, "update_action")


async def _commit(ctx: CommandCtx, d: Deviation, a: DeviationAction, audit_action: str) -> DeviationAction:
    await ctx.audit("deviation", d.id, audit_action)
    await ctx.commit()
    return a
