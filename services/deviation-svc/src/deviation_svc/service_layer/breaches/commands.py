"""Personuppgiftsincidenter: report, assess the risk, notify IMY within 72 hours of discovery when
required, inform the data subjects when the risk is high, remedy, close. Every breach is documented."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deviation_svc.adapters.orm import DataBreach, reference_counter
from deviation_svc.domain.breaches import (
    WHO,
    BreachFacts,
    BreachRisk,
    BreachStatus,
    BreachStep,
    DataCategory,
    SubjectGroup,
    imy_required,
    next_status,
    subjects_must_be_informed,
)
from deviation_svc.domain.lifecycle import check_report_times
from deviation_svc.service_layer import deadlines
from deviation_svc.service_layer.access import load_case
from deviation_svc.service_layer.context import CommandCtx, check_patch, require_unit
from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts.deviation import (
    DataBreachAssessed,
    DataBreachClosed,
    DataBreachRemedied,
    DataBreachReported,
    DataBreachReportedToImy,
    DataSubjectsInformed,
)
from platform_shared.errors import invalid
from platform_shared.ids import new_id
from platform_shared.references import next_reference
from platform_shared.timeutil import local_date

REFERENCE_PREFIX = "PUI"
OBJECT_TYPE = "data_breach"
IMY_RULE = "imy_notification"
SUBJECTS_RULE = "data_subjects_informed"


def facts_of(b: DataBreach) -> dict[str, Any]:
    return {"breach_id": b.id, "reference": b.reference, "unit_id": b.unit_id, "status": b.status}


def _subject(b: DataBreach) -> deadlines.Subject:
    return deadlines.Subject(OBJECT_TYPE, b.id, b.unit_id, b.reference)


@dataclass(frozen=True)
class ReportBreach:
    unit_id: uuid.UUID
    discovered_at: datetime
    description: str
    occurred_at: datetime | None = None
    ended_at: datetime | None = None
    cause: str | None = None
    data_categories: tuple[DataCategory, ...] = ()
    subject_groups: tuple[SubjectGroup, ...] = ()
    approx_subjects: int | None = None
    approx_records: int | None = None
    likely_consequences: str | None = None
    measures: str | None = None
    dpo_consulted: bool | None = None


async def report(ctx: CommandCtx, cmd: ReportBreach) -> Created[DataBreach]:
    await require_unit(ctx, cmd.unit_id)
    await ctx.caller.require(Action.CASE_CREATE, cmd.unit_id)
    return await ctx.once(DataBreach, lambda: _report(ctx, cmd))


async def _report(ctx: CommandCtx, cmd: ReportBreach) -> Created[DataBreach]:
    now = ctx.now()
    check_report_times(cmd.occurred_at or cmd.discovered_at, cmd.discovered_at, now)
    b = DataBreach(
        id=new_id(),
        reference=await next_reference(
            ctx.session, reference_counter, REFERENCE_PREFIX, local_date(now).year
        ),
        unit_id=cmd.unit_id,
        status=BreachStatus.RAPPORTERAD.value,
        occurred_at=cmd.occurred_at,
        discovered_at=cmd.discovered_at,
        ended_at=cmd.ended_at,
        description=cmd.description,
        cause=cmd.cause,
        data_categories=[c.value for c in cmd.data_categories],
        subject_groups=[g.value for g in cmd.subject_groups],
        approx_subjects=cmd.approx_subjects,
        approx_records=cmd.approx_records,
        likely_consequences=cmd.likely_consequences,
        measures=cmd.measures,
        dpo_consulted=cmd.dpo_consulted,
        reported_by=ctx.caller.id,
        reported_at=now,
        updated_at=now,
    )
    # The 72-hour clock runs from discovery, weekends included, until assessed as not notifiable.
    due = await deadlines.open_rules(ctx, _subject(b), (IMY_RULE,), start=cmd.discovered_at)
    b.imy_due_at = due[IMY_RULE]
    ctx.session.add(b)
    ctx.emit(
        DataBreachReported(
            **facts_of(b),
            occurred_at=b.occurred_at,
            discovered_at=b.discovered_at,
            reported_at=now,
            imy_due_at=b.imy_due_at,
        )
    )
    await ctx.created(b.id)
    return Created(await _commit(ctx, b, "create"))


async def _step(ctx: CommandCtx, breach_id: uuid.UUID, step: BreachStep) -> DataBreach:
    b = await load_case(ctx, DataBreach, breach_id, WHO[step], if_match=ctx.if_match)
    facts = BreachFacts(
        status=BreachStatus(b.status),
        risk=BreachRisk(b.risk) if b.risk else None,
        imy_reported=b.imy_reported_at is not None,
        subjects_informed=b.subjects_informed_at is not None,
        not_informed_reason=b.subjects_not_informed_reason,
    )
    b.status = next_status(step, facts).value
    b.updated_at = ctx.now()
    return b


async def _commit(ctx: CommandCtx, b: DataBreach, action: str) -> DataBreach:
    await ctx.audit(OBJECT_TYPE, b.id, action)
    await ctx.commit()
    return b


def _not_future(at: datetime, now: datetime, name: str) -> None:
    if at > now:
        raise invalid(name, "ligger i framtiden", "Det har inte hänt ännu")


@dataclass(frozen=True)
class Assess:
    breach_id: uuid.UUID
    risk: BreachRisk
    motivation: str


async def assess(ctx: CommandCtx, cmd: Assess) -> DataBreach:
    b = await _step(ctx, cmd.breach_id, BreachStep.ASSESS)
    b.risk, b.risk_motivation, b.assessed_at = cmd.risk.value, cmd.motivation, ctx.now()
    b.imy_required = imy_required(cmd.risk)
    must_inform = subjects_must_be_informed(cmd.risk)
    # A (re-)assessment decides which clocks run: IMY from discovery, the data subjects from now.
    await ctx.parts.deadlines.cancel(ctx.uow, b.id, IMY_RULE, SUBJECTS_RULE)
    if b.imy_required:
        await deadlines.open_rules(ctx, _subject(b), (IMY_RULE,), start=b.discovered_at)
    if must_inform:
        await deadlines.open_rules(ctx, _subject(b), (SUBJECTS_RULE,))
    ctx.emit(
        DataBreachAssessed(
            **facts_of(b),
            risk=cmd.risk.value,
            imy_required=b.imy_required,
            subjects_must_be_informed=must_inform,
            assessed_at=b.assessed_at,
        )
    )
    return await _commit(ctx, b, "assess")


@dataclass(frozen=True)
class ReportToImy:
    breach_id: uuid.UUID
    imy_ref: str
    imy_reported_at: datetime | None = None


async def report_to_imy(ctx: CommandCtx, cmd: ReportToImy) -> DataBreach:
    b = await _step(ctx, cmd.breach_id, BreachStep.REPORT_TO_IMY)
    at = cmd.imy_reported_at or ctx.now()
    _not_future(at, ctx.now(), "imy_reported_at")
    b.imy_reported_at, b.imy_ref = at, cmd.imy_ref
    await ctx.parts.deadlines.meet(ctx.uow, b.id, IMY_RULE)
    ctx.emit(DataBreachReportedToImy(**facts_of(b), imy_reported_at=at))
    return await _commit(ctx, b, "report_to_imy")


@dataclass(frozen=True)
class InformSubjects:
    breach_id: uuid.UUID
    informed_at: datetime | None = None


async def inform_subjects(ctx: CommandCtx, cmd: InformSubjects) -> DataBreach:
    b = await _step(ctx, cmd.breach_id, BreachStep.INFORM_SUBJECTS)
    at = cmd.informed_at or ctx.now()
    _not_future(at, ctx.now(), "informed_at")
    b.subjects_informed_at = at
    await ctx.parts.deadlines.meet(ctx.uow, b.id, SUBJECTS_RULE)
    ctx.emit(DataSubjectsInformed(**facts_of(b), informed_at=at))
    return await _commit(ctx, b, "inform_subjects")


@dataclass(frozen=True)
class Remedy:
    breach_id: uuid.UUID


async def remedy(ctx: CommandCtx, cmd: Remedy) -> DataBreach:
    b = await _step(ctx, cmd.breach_id, BreachStep.REMEDY)
    b.remedied_at = ctx.now()
    ctx.emit(DataBreachRemedied(**facts_of(b), remedied_at=b.remedied_at))
    return await _commit(ctx, b, "remedy")


@dataclass(frozen=True)
class Close:
    breach_id: uuid.UUID


async def close(ctx: CommandCtx, cmd: Close) -> DataBreach:
    b = await _step(ctx, cmd.breach_id, BreachStep.CLOSE)
    b.closed_at = ctx.now()
    await ctx.parts.deadlines.cancel(ctx.uow, b.id)
    ctx.emit(DataBreachClosed(**facts_of(b), closed_at=b.closed_at))
    return await _commit(ctx, b, "close")


REQUIRED = frozenset({"description", "data_categories", "subject_groups"})
EDITABLE = frozenset(
    {
        "occurred_at",
        "ended_at",
        "description",
        "cause",
        "data_categories",
        "subject_groups",
        "approx_subjects",
        "approx_records",
        "likely_consequences",
        "measures",
        "dpo_consulted",
        "subjects_not_informed_reason",
    }
)


@dataclass(frozen=True)
class EditBreach:
    breach_id: uuid.UUID
    changes: dict[str, Any] = field(default_factory=dict)


async def edit(ctx: CommandCtx, cmd: EditBreach) -> DataBreach:
    b = await _step(ctx, cmd.breach_id, BreachStep.EDIT)
    check_patch(cmd.changes, EDITABLE, REQUIRED)
    for name, value in cmd.changes.items():
        if isinstance(value, list | tuple):
            value = [getattr(v, "value", v) for v in value]
        setattr(b, name, value)
    return await _commit(ctx, b, "update")
