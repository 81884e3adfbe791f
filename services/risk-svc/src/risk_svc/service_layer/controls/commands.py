"""Control commands: record a control's result (ok, or avvikelser with findings) and further findings;
a finding's action joins the action plan of the risk the row controls."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from platform_shared.context import Created
from platform_shared.contracts.risk import ControlFindingRecorded, ControlPerformed
from platform_shared.errors import check_version
from platform_shared.ids import new_id
from risk_svc.adapters.orm import Control, ControlFinding, ControlPlan, ControlPlanRow, Risk
from risk_svc.domain import control_plans as rules
from risk_svc.domain.control_plans import ControlPeriod, ControlResult, PlanStatus
from risk_svc.service_layer.access import performed_control
from risk_svc.service_layer.context import CommandCtx, require_people, today, touch
from risk_svc.service_layer.control_plans.commands import CONTROL_RULE
from risk_svc.service_layer.risks.commands import ActionInput, record_action


@dataclass(frozen=True)
class FindingInput:
    description: str
    action: ActionInput | None = None


async def _facts(ctx: CommandCtx, control: Control) -> dict[str, Any]:
    row = await ctx.session.get(ControlPlanRow, control.row_id)
    return {
        "control_id": control.id,
        "plan_id": control.plan_id,
        "row_id": control.row_id,
        "risk_id": control.risk_id,
        "unit_id": control.unit_id,
        "due_date": control.due_date,
        "kind": row.kind if row else None,
    }


async def _plan_status(ctx: CommandCtx, control: Control) -> PlanStatus:
    plan = await ctx.session.get(ControlPlan, control.plan_id)
    assert plan is not None
    return PlanStatus(plan.status)


async def _record_finding(ctx: CommandCtx, control: Control, finding: FindingInput) -> None:
    """A finding; its action goes into the action plan of the risk the row controls (a provider
    follow-up without a risk keeps it as the finding's own)."""
    facts = await _facts(ctx, control)  # read before anything changes here: the flushes come at commit
    risk = await ctx.session.get(Risk, control.risk_id) if control.risk_id else None
    finding_id = new_id()
    action_id = None
    if finding.action is not None:
        action_id = record_action(ctx, control.risk_id, finding.action, finding_id=finding_id).id
        if risk is not None:
            touch(risk, ctx)
    ctx.session.add(
        ControlFinding(
            id=finding_id,
            control_id=control.id,
            description=finding.description,
            action_id=action_id,
            recorded_by=ctx.caller.id,
            recorded_at=ctx.now(),
        )
    )
    ctx.emit(ControlFindingRecorded(**facts, finding_id=finding_id, recorded_at=ctx.now()))


@dataclass(frozen=True)
class Perform:
    """Record the control: the result, the day it was done (default today), findings with avvikelser."""

    control_id: uuid.UUID
    result: ControlResult
    performed_on: date | None = None
    note: str | None = None
    findings: Sequence[FindingInput] = ()


async def perform(ctx: CommandCtx, cmd: Perform) -> Control:
    """The control's deadline is met (a late one still counts as missed: its DeadlineMissed stays)."""
    control = await performed_control(ctx, cmd.control_id)
    performed_on = cmd.performed_on or today(ctx)
    on_time = rules.check_perform(
        await _plan_status(ctx, control),
        control.performed,
        cmd.result,
        len(cmd.findings),
        performed_on,
        ControlPeriod(control.period_start, control.period_end),
        today(ctx),
    )
    await require_people(ctx, "findings", [f.action.responsible_id for f in cmd.findings if f.action])
    facts = await _facts(ctx, control)
    await ctx.parts.deadlines.meet(ctx.uow, control.id, CONTROL_RULE)
    for finding in cmd.findings:
        await _record_finding(ctx, control, finding)
    now = ctx.now()
    control.performed, control.result, control.on_time = True, cmd.result.value, on_time
    control.performed_on, control.performed_at, control.performed_by = performed_on, now, ctx.caller.id
    control.note = cmd.note
    touch(control, ctx)
    ctx.emit(
        ControlPerformed(
            **facts,
            result=cmd.result.value,
            performed_at=now,
            performed_by=ctx.caller.id,
            on_time=on_time,
            performed_on=performed_on,
        )
    )
    await ctx.commit()
    return control


@dataclass(frozen=True)
class AddFinding:
    """A finding made after the result was recorded; the control then has avvikelser."""

    control_id: uuid.UUID
    finding: FindingInput


async def add_finding(ctx: CommandCtx, cmd: AddFinding) -> Created[Control]:
    """A creating command: the same Idempotency-Key answers with the control as it is now."""
    control = await performed_control(ctx, cmd.control_id, precondition=False)
    return await ctx.once(Control, lambda: _add_finding(ctx, control, cmd))


async def _add_finding(ctx: CommandCtx, control: Control, cmd: AddFinding) -> Created[Control]:
    check_version(ctx.if_match, control.version)
    rules.check_add_finding(await _plan_status(ctx, control), control.performed)
    if cmd.finding.action is not None:
        await require_people(ctx, "action.responsible_id", [cmd.finding.action.responsible_id])
    await _record_finding(ctx, control, cmd.finding)
    control.result = ControlResult.AVVIKELSER.value
    touch(control, ctx)
    await ctx.created(control.id, 200)
    await ctx.commit()
    return Created(control, 200)
