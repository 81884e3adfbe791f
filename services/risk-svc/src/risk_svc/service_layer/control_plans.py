"""Internkontrollplan commands: draft and rows, adoption by the nämnd (which schedules the controls and
their deadlines), follow-up at T1/T2/årsbokslut; controls performed with findings and actions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select

from platform_shared.contracts.risk import (
    ControlFindingRecorded,
    ControlPerformed,
    ControlPlanAdopted,
    ControlPlanFollowedUp,
)
from platform_shared.deadlines.store import Deadlines
from platform_shared.errors import Conflict
from platform_shared.ids import new_id
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.timeutil import start_of_local_day
from risk_svc.adapters.orm import (
    Control,
    ControlFinding,
    ControlPlan,
    ControlPlanFollowUp,
    ControlPlanRow,
    Risk,
    deadlines,
)
from risk_svc.domain import control_plans as rules_
from risk_svc.domain.control_plans import (
    ControlFacts,
    ControlPeriod,
    ControlResult,
    Frequency,
    Method,
    Occasion,
    PlanStatus,
)
from risk_svc.domain.risks import RiskStatus
from risk_svc.service_layer.common import commit, invalid, reference, require_people, rules, today, within
from risk_svc.service_layer.risks import ActionInput, record_action

PLAN_PREFIX = "IKP"
CONTROL_PREFIX = "KTRL"
CONTROL_RULE = "control_performed"


async def create(uow: UnitOfWork, unit_id: uuid.UUID, year: int, by: uuid.UUID) -> ControlPlan:
    """One plan per nämnd and year."""
    exists = await uow.session.scalar(
        select(ControlPlan.id).where(ControlPlan.unit_id == unit_id, ControlPlan.year == year)
    )
    if exists is not None:
        raise Conflict(f"The nämnd already has an internkontrollplan for {year}")
    now = uow.clock()
    plan = ControlPlan(
        id=new_id(),
        reference=await reference(uow, PLAN_PREFIX),
        unit_id=unit_id,
        year=year,
        status=PlanStatus.DRAFT.value,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(plan)
    await commit(uow)
    return plan


@dataclass(frozen=True)
class RowInput:
    risk_id: uuid.UUID
    control_activity: str
    method: Method
    frequency: Frequency
    reporting_occasion: Occasion
    responsible_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None  # where the control is performed; default the risk's unit


async def _row_risk(uow: UnitOfWork, plan: ControlPlan, risk_id: uuid.UUID) -> Risk:
    """A row controls a prioritised risk of the nämnd's organisation."""
    risk = await uow.session.get(Risk, risk_id)
    if risk is None or not await within(uow.session, risk.unit_id, plan.unit_id):
        raise invalid("risk_id", "no such risk in the nämnd's organisation")
    if not risk.prioritised or risk.status == RiskStatus.CLOSED.value:
        raise invalid("risk_id", "only a prioritised (open) risk goes into the internkontrollplan")
    taken = await uow.session.scalar(
        select(ControlPlanRow.id).where(ControlPlanRow.plan_id == plan.id, ControlPlanRow.risk_id == risk_id)
    )
    if taken is not None:
        raise Conflict("The risk already has a row in this plan")
    return risk


async def _row_unit(uow: UnitOfWork, plan: ControlPlan, unit_id: uuid.UUID) -> uuid.UUID:
    if not await within(uow.session, unit_id, plan.unit_id):
        raise invalid("unit_id", "no such unit in the nämnd's organisation")
    return unit_id


async def add_row(uow: UnitOfWork, plan: ControlPlan, row: RowInput) -> ControlPlanRow:
    with rules():
        rules_.check_draft(PlanStatus(plan.status))
    risk = await _row_risk(uow, plan, row.risk_id)
    await require_people(uow.session, "responsible_id", [row.responsible_id])
    created = ControlPlanRow(
        id=new_id(),
        plan_id=plan.id,
        risk_id=risk.id,
        unit_id=await _row_unit(uow, plan, row.unit_id or risk.unit_id),
        control_activity=row.control_activity,
        method=row.method.value,
        frequency=row.frequency.value,
        responsible_id=row.responsible_id,
        reporting_occasion=row.reporting_occasion.value,
        created_at=uow.clock(),
    )
    uow.session.add(created)
    plan.updated_at = uow.clock()
    await commit(uow)
    return created


ROW_FIELDS = ("control_activity", "method", "frequency", "reporting_occasion", "responsible_id", "unit_id")


async def edit_row(
    uow: UnitOfWork, plan: ControlPlan, row: ControlPlanRow, changes: dict[str, Any]
) -> ControlPlanRow:
    with rules():
        rules_.check_draft(PlanStatus(plan.status))
    if "responsible_id" in changes:
        await require_people(uow.session, "responsible_id", [changes["responsible_id"]])
    if changes.get("unit_id") is not None:
        await _row_unit(uow, plan, changes["unit_id"])
    for name in ROW_FIELDS:
        if name in changes and (changes[name] is not None or name == "responsible_id"):
            value = changes[name]
            setattr(row, name, value.value if hasattr(value, "value") else value)
    plan.updated_at = uow.clock()
    await commit(uow)
    return row


async def delete_row(uow: UnitOfWork, plan: ControlPlan, row: ControlPlanRow) -> None:
    with rules():
        rules_.check_draft(PlanStatus(plan.status))
    await uow.session.execute(delete(ControlPlanRow).where(ControlPlanRow.id == row.id))
    plan.updated_at = uow.clock()
    await commit(uow)


async def rows_of(uow: UnitOfWork, plan_id: uuid.UUID) -> list[ControlPlanRow]:
    return list(
        (
            await uow.session.scalars(
                select(ControlPlanRow).where(ControlPlanRow.plan_id == plan_id).order_by(ControlPlanRow.id)
            )
        ).all()
    )


async def adopt(
    uow: UnitOfWork, plan: ControlPlan, decision_reference: str, decided_on: date, by: uuid.UUID
) -> ControlPlan:
    """The nämnd's decision; every row's controls are scheduled for the plan year by its frequency, each
    with a deadline (rule control_performed) due at the end of its last day."""
    rows = await rows_of(uow, plan.id)
    with rules():
        plan.status = rules_.adopt(
            PlanStatus(plan.status), len(rows), decision_reference, decided_on, today(uow), plan.year
        ).value
    now = uow.clock()
    plan.decision_reference, plan.decided_on = decision_reference.strip(), decided_on
    plan.adopted_by, plan.adopted_at, plan.updated_at = by, now, now
    store = Deadlines(deadlines)
    for row in rows:
        for period in rules_.control_periods(plan.year, Frequency(row.frequency), decided_on):
            control = Control(
                id=new_id(),
                reference=await reference(uow, CONTROL_PREFIX),
                plan_id=plan.id,
                row_id=row.id,
                risk_id=row.risk_id,
                unit_id=row.unit_id,
                period_start=period.start,
                period_end=period.end,
                due_date=period.due_date,
                performed=False,
                updated_at=now,
            )
            uow.session.add(control)
            await store.open(
                uow,
                CONTROL_RULE,
                start=start_of_local_day(period.due_date + timedelta(days=1)),
                object_type="control",
                object_id=control.id,
                unit_id=row.unit_id,
                reference=control.reference,
                responsible_person_id=row.responsible_id,
            )
    uow.emit(
        ControlPlanAdopted(
            plan_id=plan.id,
            unit_id=plan.unit_id,
            year=plan.year,
            decision_reference=plan.decision_reference,
            adopted_at=now,
            row_count=len(rows),
        )
    )
    await commit(uow)
    return plan


async def follow_up(
    uow: UnitOfWork, plan: ControlPlan, occasion: Occasion, note: str | None, by: uuid.UUID
) -> ControlPlan:
    """The nämnd is told how the controls due up to the occasion went (figures kept with it)."""
    done = (
        await uow.session.scalars(
            select(ControlPlanFollowUp.occasion).where(ControlPlanFollowUp.plan_id == plan.id)
        )
    ).all()
    with rules():
        plan.status = rules_.follow_up(
            PlanStatus(plan.status), [Occasion(o) for o in done], occasion, today(uow), plan.year
        ).value
    controls = (await uow.session.scalars(select(Control).where(Control.plan_id == plan.id))).all()
    figures = rules_.follow_up_figures(
        (
            ControlFacts(c.due_date, c.performed, ControlResult(c.result) if c.result else None, c.on_time)
            for c in controls
        ),
        occasion.cutoff(plan.year),
    )
    now = uow.clock()
    uow.session.add(
        ControlPlanFollowUp(
            id=new_id(),
            plan_id=plan.id,
            occasion=occasion.value,
            note=note,
            figures=figures,
            followed_up_by=by,
            followed_up_at=now,
        )
    )
    plan.updated_at = now
    uow.emit(
        ControlPlanFollowedUp(
            plan_id=plan.id,
            unit_id=plan.unit_id,
            year=plan.year,
            occasion=occasion.value,
            followed_up_at=now,
            figures=figures,
        )
    )
    await commit(uow)
    return plan


@dataclass(frozen=True)
class FindingInput:
    description: str
    action: ActionInput | None = None


@dataclass(frozen=True)
class PerformControl:
    result: ControlResult
    performed_by: uuid.UUID
    performed_on: date | None = None
    note: str | None = None
    findings: list[FindingInput] = field(default_factory=list)


def _control_facts(control: Control) -> dict[str, Any]:
    return {
        "control_id": control.id,
        "plan_id": control.plan_id,
        "row_id": control.row_id,
        "risk_id": control.risk_id,
        "unit_id": control.unit_id,
        "due_date": control.due_date,
    }


async def _record_finding(
    uow: UnitOfWork, control: Control, finding: FindingInput, by: uuid.UUID
) -> ControlFinding:
    """A finding; its action goes into the action plan of the risk the row controls."""
    finding_id = new_id()
    action_id = None
    if finding.action is not None and control.risk_id is not None:
        risk = await uow.session.get(Risk, control.risk_id)
        if risk is not None:
            action_id = record_action(uow, risk, finding.action, by, finding_id=finding_id).id
            risk.updated_at = uow.clock()
    created = ControlFinding(
        id=finding_id,
        control_id=control.id,
        description=finding.description,
        action_id=action_id,
        recorded_by=by,
        recorded_at=uow.clock(),
    )
    uow.session.add(created)
    uow.emit(
        ControlFindingRecorded(**_control_facts(control), finding_id=finding_id, recorded_at=uow.clock())
    )
    return created


async def perform(uow: UnitOfWork, plan: ControlPlan, control: Control, cmd: PerformControl) -> Control:
    """Record the result; the control's deadline is met (a late one still counts as missed)."""
    performed_on = cmd.performed_on or today(uow)
    await require_people(
        uow.session, "findings", [f.action.responsible_id for f in cmd.findings if f.action is not None]
    )
    with rules():
        on_time = rules_.check_perform(
            PlanStatus(plan.status),
            control.performed,
            cmd.result,
            len(cmd.findings),
            performed_on,
            ControlPeriod(control.period_start, control.period_end),
            today(uow),
        )
    now = uow.clock()
    control.performed, control.result, control.on_time = True, cmd.result.value, on_time
    control.performed_on, control.performed_at, control.performed_by = performed_on, now, cmd.performed_by
    control.note, control.updated_at = cmd.note, now
    await Deadlines(deadlines).meet(uow, control.id, CONTROL_RULE)
    uow.emit(
        ControlPerformed(
            **_control_facts(control),
            result=cmd.result.value,
            performed_at=now,
            performed_by=cmd.performed_by,
            on_time=on_time,
        )
    )
    for finding in cmd.findings:
        await _record_finding(uow, control, finding, cmd.performed_by)
    await commit(uow)
    return control


async def add_finding(
    uow: UnitOfWork, plan: ControlPlan, control: Control, finding: FindingInput, by: uuid.UUID
) -> Control:
    """A finding made after the result was recorded; the control then has avvikelser."""
    with rules():
        rules_.check_add_finding(PlanStatus(plan.status), control.performed)
    if finding.action is not None:
        await require_people(uow.session, "action.responsible_id", [finding.action.responsible_id])
    await _record_finding(uow, control, finding, by)
    control.result = ControlResult.AVVIKELSER.value
    control.updated_at = uow.clock()
    await commit(uow)
    return control
