"""Risk analysis commands: prepare, edit, complete (which meets the unit's yearly deadline)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts.risk import RiskAnalysisCompleted
from platform_shared.errors import AlreadyExists, invalid
from platform_shared.ids import new_id
from risk_svc.adapters.orm import Risk, RiskAnalysis, YearlyAnalysisDue
from risk_svc.domain import analyses as rules
from risk_svc.domain.analyses import AnalysisStatus, Trigger
from risk_svc.domain.risks import RiskStatus
from risk_svc.service_layer.access import managed_analysis
from risk_svc.service_layer.context import CommandCtx, new_reference, require_people, require_unit, touch

REFERENCE_PREFIX = "RA"
YEARLY_RULE = "risk_analysis_yearly"


@dataclass(frozen=True)
class PrepareAnalysis:
    unit_id: uuid.UUID
    trigger: Trigger
    analysis_date: date
    year: int | None = None
    change_description: str | None = None
    participant_ids: list[uuid.UUID] = field(default_factory=list)
    external_participants: list[str] = field(default_factory=list)
    action_plan: str | None = None


async def prepare(ctx: CommandCtx, cmd: PrepareAnalysis) -> Created[RiskAnalysis]:
    await require_unit(ctx, cmd.unit_id)
    await ctx.caller.require(Action.RISK_MANAGE, cmd.unit_id)
    return await ctx.once(RiskAnalysis, lambda: _prepare(ctx, cmd))


async def _yearly_exists(ctx: CommandCtx, unit_id: uuid.UUID, year: int) -> bool:
    stmt = select(RiskAnalysis.id).where(
        RiskAnalysis.unit_id == unit_id,
        RiskAnalysis.year == year,
        RiskAnalysis.trigger == Trigger.ARLIG.value,
    )
    return (await ctx.session.scalar(stmt.limit(1))) is not None


async def _prepare(ctx: CommandCtx, cmd: PrepareAnalysis) -> Created[RiskAnalysis]:
    rules.check_trigger(cmd.trigger, cmd.change_description)
    year = cmd.year or cmd.analysis_date.year
    if not cmd.analysis_date.year - 1 <= year <= cmd.analysis_date.year + 1:
        raise invalid(
            "year",
            "analysdatumets år eller året före eller efter",
            "En analys görs under sitt år eller året intill",
        )
    if cmd.trigger is Trigger.ARLIG and await _yearly_exists(ctx, cmd.unit_id, year):
        raise AlreadyExists(f"Enheten har redan en årlig riskanalys för {year}")
    await require_people(ctx, "participant_ids", cmd.participant_ids)
    now = ctx.now()
    analysis = RiskAnalysis(
        id=new_id(),
        reference=await new_reference(ctx, REFERENCE_PREFIX),
        unit_id=cmd.unit_id,
        trigger=cmd.trigger.value,
        year=year,
        analysis_date=cmd.analysis_date,
        change_description=cmd.change_description,
        participant_ids=[str(p) for p in dict.fromkeys(cmd.participant_ids)],
        external_participants=list(cmd.external_participants),
        action_plan=cmd.action_plan,
        status=AnalysisStatus.DRAFT.value,
        created_by=ctx.caller.id,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(analysis)
    await ctx.created(analysis.id)
    await ctx.commit()
    return Created(analysis)


EDITABLE = ("analysis_date", "change_description", "action_plan")


@dataclass(frozen=True)
class EditAnalysis:
    """PATCH a draft analysis' fields."""

    analysis_id: uuid.UUID
    changes: dict[str, Any] = field(default_factory=dict)


async def edit(ctx: CommandCtx, cmd: EditAnalysis) -> RiskAnalysis:
    analysis = await managed_analysis(ctx, cmd.analysis_id)
    rules.check_open(AnalysisStatus(analysis.status))
    changes = cmd.changes
    if "analysis_date" in changes and changes["analysis_date"] is None:
        raise invalid("analysis_date", "får inte vara tomt", "Analysen behöver ett datum")
    if "change_description" in changes:
        rules.check_trigger(Trigger(analysis.trigger), changes["change_description"])
    if "participant_ids" in changes:
        people = list(dict.fromkeys(changes["participant_ids"] or []))
        await require_people(ctx, "participant_ids", people)
        analysis.participant_ids = [str(p) for p in people]
    if "external_participants" in changes:
        analysis.external_participants = list(changes["external_participants"] or [])
    for name in EDITABLE:
        if name in changes:
            setattr(analysis, name, changes[name])
    touch(analysis, ctx)
    await ctx.commit()
    return analysis


@dataclass(frozen=True)
class CompleteAnalysis:
    """Complete the analysis (every risk it identified assessed); a yearly one meets the unit's yearly
    deadline for its year."""

    analysis_id: uuid.UUID


async def _meet_yearly_deadline(ctx: CommandCtx, analysis: RiskAnalysis) -> None:
    due = await ctx.session.scalar(
        select(YearlyAnalysisDue).where(
            YearlyAnalysisDue.unit_id == analysis.unit_id, YearlyAnalysisDue.year == analysis.year
        )
    )
    if due is None:
        ctx.session.add(
            YearlyAnalysisDue(
                id=new_id(),
                unit_id=analysis.unit_id,
                year=analysis.year,
                analysis_id=analysis.id,
                created_at=ctx.now(),
            )
        )
    else:
        due.analysis_id = analysis.id
        await ctx.parts.deadlines.meet(ctx.uow, due.id, YEARLY_RULE)


async def complete(ctx: CommandCtx, cmd: CompleteAnalysis) -> RiskAnalysis:
    analysis = await managed_analysis(ctx, cmd.analysis_id)
    risks = (
        await ctx.session.execute(select(Risk.reference, Risk.status).where(Risk.analysis_id == analysis.id))
    ).all()
    status = rules.complete(AnalysisStatus(analysis.status), [(ref, RiskStatus(s)) for ref, s in risks])
    if analysis.trigger == Trigger.ARLIG.value:
        await _meet_yearly_deadline(ctx, analysis)
    analysis.status = status.value
    now = ctx.now()
    analysis.completed_at, analysis.completed_by = now, ctx.caller.id
    touch(analysis, ctx)
    ctx.emit(
        RiskAnalysisCompleted(
            analysis_id=analysis.id,
            unit_id=analysis.unit_id,
            trigger=analysis.trigger,
            year=analysis.year,
            risk_count=len(risks),
            completed_at=now,
        )
    )
    await ctx.commit()
    return analysis
