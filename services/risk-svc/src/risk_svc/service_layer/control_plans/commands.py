"""Internkontrollplan commands: the nämnd's draft and its rows (kontrollmoment: controls of prioritised
risks, and the follow-up of units run by private providers), adoption by the nämnd (which schedules
every row's controls and their deadlines), follow-up at T1, T2 and årsbokslut."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, or_, select

from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts.risk import ControlPlanAdopted, ControlPlanFollowedUp
from platform_shared.decisions import NAMND_RECORDERS, Decision, DecisionInvalid
from platform_shared.errors import AlreadyExists, Forbidden, NotFound, check_version, invalid
from platform_shared.ids import new_id
from platform_shared.roles import GRANTS_AS, Role
from platform_shared.timeutil import start_of_local_day
from risk_svc.adapters.orm import Control, ControlPlan, ControlPlanFollowUp, ControlPlanRow, Risk, replica
from risk_svc.domain import control_plans as rules
from risk_svc.domain.control_plans import (
    ControlFacts,
    ControlKind,
    ControlMethod,
    ControlResult,
    Frequency,
    Occasion,
    PlanStatus,
)
from risk_svc.domain.risks import RiskStatus
from risk_svc.service_layer.access import plan_for
from risk_svc.service_layer.context import (
    CommandCtx,
    new_reference,
    require_people,
    today,
    touch,
    within,
)
from risk_svc.service_layer.settings.queries import current as current_settings

PLAN_PREFIX = "IKP"
CONTROL_PREFIX = "KTRL"
CONTROL_RULE = "control_performed"


# --- the plan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreatePlan:
    """One plan per nämnd and year."""

    unit_id: uuid.UUID
    year: int


async def create(ctx: CommandCtx, cmd: CreatePlan) -> Created[ControlPlan]:
    level = await ctx.session.scalar(select(replica.unit.c.level).where(replica.unit.c.id == cmd.unit_id))
    if level is None:
        raise invalid("unit_id", "ingen sådan enhet", "Okänd enhet")
    if level != "namnd":
        raise invalid("unit_id", "inte en nämnd", "En internkontrollplan hör till en nämnd")
    await ctx.caller.require(Action.CONTROL_PLAN_PREPARE, cmd.unit_id)
    return await ctx.once(ControlPlan, lambda: _create(ctx, cmd))


async def _create(ctx: CommandCtx, cmd: CreatePlan) -> Created[ControlPlan]:
    exists = await ctx.session.scalar(
        select(ControlPlan.id).where(ControlPlan.unit_id == cmd.unit_id, ControlPlan.year == cmd.year)
    )
    if exists is not None:
        raise AlreadyExists(f"Nämnden har redan en internkontrollplan för {cmd.year}")
    now = ctx.now()
    plan = ControlPlan(
        id=new_id(),
        reference=await new_reference(ctx, PLAN_PREFIX),
        unit_id=cmd.unit_id,
        year=cmd.year,
        status=PlanStatus.DRAFT.value,
        created_by=ctx.caller.id,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(plan)
    await ctx.created(plan.id)
    await ctx.commit()
    return Created(plan)


# --- rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddRow:
    """A kontrollmoment: what is checked, how, how often, by whom, when reported. An internkontroll row
    controls a prioritised risk; a provider follow-up (avtalsuppföljning, MAS-tillsyn) names the unit in
    private regi it follows up (a risk it addresses is optional)."""

    plan_id: uuid.UUID
    control_activity: str
    method: ControlMethod
    frequency: Frequency
    reporting_occasion: Occasion
    kind: ControlKind = ControlKind.INTERNKONTROLL
    risk_id: uuid.UUID | None = None
    responsible_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None  # where the control is performed; default the risk's unit


async def add_row(ctx: CommandCtx, cmd: AddRow) -> Created[ControlPlan]:
    """A creating command: the same Idempotency-Key answers with the plan as it is now."""
    plan = await plan_for(ctx, cmd.plan_id, Action.CONTROL_PLAN_PREPARE)
    return await ctx.once(ControlPlan, lambda: _add_row(ctx, plan, cmd))


async def _row_risk(ctx: CommandCtx, plan: ControlPlan, risk_id: uuid.UUID, kind: ControlKind) -> Risk:
    """A risk of the nämnd's organisation, open (and, for internkontroll, prioritised), once per kind."""
    risk = await ctx.session.get(Risk, risk_id)
    if risk is None or not await within(ctx, risk.unit_id, plan.unit_id):
        raise invalid("risk_id", "ingen sådan risk i nämndens organisation", "Okänd risk")
    if risk.status == RiskStatus.CLOSED.value or (
        kind is ControlKind.INTERNKONTROLL and not risk.prioritised
    ):
        raise invalid(
            "risk_id",
            "bara en prioriterad och öppen risk förs in i internkontrollplanen",
            "Risken är inte prioriterad för internkontrollplanen",
        )
    taken = await ctx.session.scalar(
        select(ControlPlanRow.id).where(
            ControlPlanRow.plan_id == plan.id,
            ControlPlanRow.risk_id == risk_id,
            ControlPlanRow.kind == kind.value,
        )
    )
    if taken is not None:
        raise AlreadyExists("Risken har redan ett sådant kontrollmoment i planen")
    return risk


async def _private_during(ctx: CommandCtx, unit_id: uuid.UUID, year: int) -> bool:
    """A private provider ran the unit some time during the plan year (the org replica's history)."""
    r = replica.unit_regi.c
    start, end = start_of_local_day(date(year, 1, 1)), start_of_local_day(date(year + 1, 1, 1))
    found = await ctx.session.scalar(
        select(r.unit_id)
        .where(
            r.unit_id == unit_id,
            r.regi == "privat",
            r.valid_from < end,
            or_(r.valid_to.is_(None), r.valid_to > start),
        )
        .limit(1)
    )
    return found is not None


async def _check_row_unit(
    ctx: CommandCtx, plan: ControlPlan, kind: ControlKind, unit_id: uuid.UUID | None, has_risk: bool
) -> uuid.UUID:
    """The row's kind fits its unit (domain rule check_row_kind), which lies in the nämnd's organisation."""
    regi: str | None = None
    laws: list[str] = []
    if unit_id is not None:
        regi = "privat" if await _private_during(ctx, unit_id, plan.year) else "egen"
        laws = await ctx.caller.directory.unit_laws(unit_id)
    rules.check_row_kind(kind, has_risk, regi, laws)
    if unit_id is None or not await within(ctx, unit_id, plan.unit_id):
        raise invalid("unit_id", "ingen sådan enhet i nämndens organisation", "Okänd enhet")
    return unit_id


async def _add_row(ctx: CommandCtx, plan: ControlPlan, cmd: AddRow) -> Created[ControlPlan]:
    check_version(ctx.if_match, plan.version)
    rules.check_draft(PlanStatus(plan.status))
    risk = await _row_risk(ctx, plan, cmd.risk_id, cmd.kind) if cmd.risk_id is not None else None
    unit_id = cmd.unit_id or (risk.unit_id if risk else None)
    unit_id = await _check_row_unit(ctx, plan, cmd.kind, unit_id, risk is not None)
    await require_people(ctx, "responsible_id", [cmd.responsible_id])
    ctx.session.add(
        ControlPlanRow(
            id=new_id(),
            plan_id=plan.id,
            kind=cmd.kind.value,
            risk_id=risk.id if risk else None,
            unit_id=unit_id,
            control_activity=cmd.control_activity,
            method=cmd.method.value,
            frequency=cmd.frequency.value,
            responsible_id=cmd.responsible_id,
            reporting_occasion=cmd.reporting_occasion.value,
            created_at=ctx.now(),
        )
    )
    touch(plan, ctx)
    await ctx.created(plan.id)
    await ctx.commit()
    return Created(plan)


async def _draft_row(
    ctx: CommandCtx, plan_id: uuid.UUID, row_id: uuid.UUID
) -> tuple[ControlPlan, ControlPlanRow]:
    """The row of a plan the caller prepares: 404 → 403 → the row (404) → If-Match (412) → draft (409)."""
    plan = await plan_for(ctx, plan_id, Action.CONTROL_PLAN_PREPARE)
    row = await ctx.session.get(ControlPlanRow, row_id)
    if row is None or row.plan_id != plan.id:
        raise NotFound("Kontrollmomentet finns inte")
    check_version(ctx.if_match, plan.version)
    rules.check_draft(PlanStatus(plan.status))
    return plan, row


REQUIRED = ("control_activity", "method", "frequency", "reporting_occasion", "unit_id")


@dataclass(frozen=True)
class EditRow:
    """PATCH a kontrollmoment of a draft plan (its kind and risk stay)."""

    plan_id: uuid.UUID
    row_id: uuid.UUID
    changes: dict[str, Any] = field(default_factory=dict)


async def edit_row(ctx: CommandCtx, cmd: EditRow) -> ControlPlan:
    plan, row = await _draft_row(ctx, cmd.plan_id, cmd.row_id)
    for name in REQUIRED:
        if name in cmd.changes and cmd.changes[name] is None:
            raise invalid(name, "får inte vara tomt", "Ett kontrollmoment behöver alla sina uppgifter")
    if "responsible_id" in cmd.changes:
        await require_people(ctx, "responsible_id", [cmd.changes["responsible_id"]])
    if "unit_id" in cmd.changes:
        kind = ControlKind(row.kind)
        await _check_row_unit(ctx, plan, kind, cmd.changes["unit_id"], row.risk_id is not None)
    for name, value in cmd.changes.items():
        setattr(row, name, getattr(value, "value", value))
    touch(plan, ctx)
    await ctx.commit()
    return plan


@dataclass(frozen=True)
class DeleteRow:
    plan_id: uuid.UUID
    row_id: uuid.UUID


async def delete_row(ctx: CommandCtx, cmd: DeleteRow) -> ControlPlan:
    plan, row = await _draft_row(ctx, cmd.plan_id, cmd.row_id)
    await ctx.session.execute(delete(ControlPlanRow).where(ControlPlanRow.id == row.id))
    touch(plan, ctx)
    await ctx.commit()
    return plan


# --- adoption and follow-up --------------------------------------------------------------------------


async def _rows(ctx: CommandCtx, plan_id: uuid.UUID) -> list[ControlPlanRow]:
    rows = await ctx.session.scalars(
        select(ControlPlanRow).where(ControlPlanRow.plan_id == plan_id).order_by(ControlPlanRow.id)
    )
    return list(rows.all())


async def _schedule(ctx: CommandCtx, plan: ControlPlan, row: ControlPlanRow, decided_on: date) -> None:
    """The row's controls for the plan year by its frequency, each with a deadline (control_performed)
    due at the end of its last day."""
    for period in rules.control_periods(plan.year, Frequency(row.frequency), decided_on):
        control = Control(
            id=new_id(),
            reference=await new_reference(ctx, CONTROL_PREFIX),
            plan_id=plan.id,
            row_id=row.id,
            risk_id=row.risk_id,
            unit_id=row.unit_id,
            period_start=period.start,
            period_end=period.end,
            due_date=period.due_date,
            performed=False,
            updated_at=ctx.now(),
        )
        ctx.session.add(control)
        await ctx.parts.deadlines.open(
            ctx.uow,
            CONTROL_RULE,
            start=start_of_local_day(period.due_date + timedelta(days=1)),
            object_type="control",
            object_id=control.id,
            unit_id=row.unit_id,
            reference=control.reference,
            responsible_person_id=row.responsible_id,
        )


@dataclass(frozen=True)
class Adopt:
    """The nämnd's decision at its meeting (date and §, the diarienummer if any), recorded by the
    socialchef, förvaltningschef or a kvalitetsledare; every row's controls are scheduled."""

    plan_id: uuid.UUID
    meeting_date: date
    paragraph: int | str
    reference: str | None = None


def _recorder_role(ctx: CommandCtx) -> Role:
    """The caller's role that records the nämnd's decisions (stabschef as kvalitetsledare)."""
    held = set()
    for scoped in ctx.caller.principal.roles:
        try:
            role = Role(scoped.role)
        except ValueError:
            continue
        held.add(GRANTS_AS.get(role, role))
    recorders = sorted(held & NAMND_RECORDERS)
    if not recorders:
        raise Forbidden("Nämndens beslut registreras av socialchef, förvaltningschef eller kvalitetsledare")
    return recorders[0]


def _decision(ctx: CommandCtx, plan: ControlPlan, cmd: Adopt) -> Decision:
    try:
        return Decision.by_namnd(
            unit_id=plan.unit_id,
            meeting_date=cmd.meeting_date,
            paragraph=cmd.paragraph,
            recorded_by=ctx.caller.id,
            recorder_role=_recorder_role(ctx),
            reference=cmd.reference,
        )
    except DecisionInvalid as err:
        raise invalid(err.field, err.message, err.message) from err


async def adopt(ctx: CommandCtx, cmd: Adopt) -> ControlPlan:
    plan = await plan_for(ctx, cmd.plan_id, Action.CONTROL_PLAN_ADOPT, if_match=ctx.if_match)
    decision = _decision(ctx, plan, cmd)
    rows = await _rows(ctx, plan.id)
    window = (await current_settings(ctx.session)).plan_adoption_window_months
    status = rules.adopt(PlanStatus(plan.status), len(rows), decision, today(ctx), plan.year, window)
    for row in rows:
        await _schedule(ctx, plan, row, decision.decided_on)
    now = ctx.now()
    plan.status = status.value
    plan.decision = decision.as_dict()
    plan.decision_reference = (
        f"{decision.reference} § {decision.paragraph}" if decision.reference else f"§ {decision.paragraph}"
    )
    plan.decided_on = decision.decided_on
    plan.adopted_by, plan.adopted_at = ctx.caller.id, now
    touch(plan, ctx)
    ctx.emit(
        ControlPlanAdopted(
            plan_id=plan.id,
            unit_id=plan.unit_id,
            year=plan.year,
            decision_reference=plan.decision_reference,
            adopted_at=now,
            row_count=len(rows),
        )
    )
    await ctx.commit()
    return plan


@dataclass(frozen=True)
class FollowUp:
    """The nämnd is told how the controls due up to the occasion went (the figures are kept with it)."""

    plan_id: uuid.UUID
    occasion: Occasion
    note: str | None = None


async def follow_up(ctx: CommandCtx, cmd: FollowUp) -> ControlPlan:
    plan = await plan_for(ctx, cmd.plan_id, Action.CONTROL_PLAN_PREPARE, if_match=ctx.if_match)
    done = await ctx.session.scalars(
        select(ControlPlanFollowUp.occasion).where(ControlPlanFollowUp.plan_id == plan.id)
    )
    status = rules.follow_up(
        PlanStatus(plan.status), [Occasion(o) for o in done.all()], cmd.occasion, today(ctx), plan.year
    )
    controls = await ctx.session.scalars(select(Control).where(Control.plan_id == plan.id))
    figures = rules.follow_up_figures(
        (
            ControlFacts(c.due_date, c.performed, ControlResult(c.result) if c.result else None, c.on_time)
            for c in controls.all()
        ),
        cmd.occasion.cutoff(plan.year),
    )
    now = ctx.now()
    ctx.session.add(
        ControlPlanFollowUp(
            id=new_id(),
            plan_id=plan.id,
            occasion=cmd.occasion.value,
            note=cmd.note,
            figures=figures,
            followed_up_by=ctx.caller.id,
            followed_up_at=now,
        )
    )
    plan.status = status.value
    touch(plan, ctx)
    ctx.emit(
        ControlPlanFollowedUp(
            plan_id=plan.id,
            unit_id=plan.unit_id,
            year=plan.year,
            occasion=cmd.occasion.value,
            followed_up_at=now,
            figures=figures,
        )
    )
    await ctx.commit()
    return plan
