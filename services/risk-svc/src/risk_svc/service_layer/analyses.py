"""Risk analysis commands: prepare, edit, complete (which meets the unit's yearly deadline)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from platform_shared.contracts.risk import RiskAnalysisCompleted
from platform_shared.deadlines.store import Deadlines
from platform_shared.errors import Conflict
from platform_shared.ids import new_id
from platform_shared.messaging.unit_of_work import UnitOfWork
from risk_svc.adapters.orm import Risk, RiskAnalysis, YearlyAnalysisDue, deadlines
from risk_svc.domain import analyses as rules_
from risk_svc.domain.analyses import AnalysisStatus, Trigger
from risk_svc.domain.risks import RiskStatus
from risk_svc.service_layer.common import commit, invalid, reference, require_people, rules

REFERENCE_PREFIX = "RA"
YEARLY_RULE = "risk_analysis_yearly"


@dataclass(frozen=True)
class PrepareAnalysis:
    unit_id: uuid.UUID
    trigger: Trigger
    analysis_date: date
    created_by: uuid.UUID
    year: int | None = None
    change_description: str | None = None
    participant_ids: list[uuid.UUID] = field(default_factory=list)
    external_participants: list[str] = field(default_factory=list)
    action_plan: str | None = None


async def _yearly_exists(uow: UnitOfWork, unit_id: uuid.UUID, year: int) -> bool:
    stmt = select(RiskAnalysis.id).where(
        RiskAnalysis.unit_id == unit_id,
        RiskAnalysis.year == year,
        RiskAnalysis.trigger == Trigger.ARLIG.value,
    )
    return (await uow.session.scalar(stmt.limit(1))) is not None


async def prepare(uow: UnitOfWork, cmd: PrepareAnalysis) -> RiskAnalysis:
    with rules():
        rules_.check_trigger(cmd.trigger, cmd.change_description)
    year = cmd.year or cmd.analysis_date.year
    if not cmd.analysis_date.year - 1 <= year <= cmd.analysis_date.year + 1:
        raise invalid("year", "an analysis is made during its year or the year before or after it")
    if cmd.trigger is Trigger.ARLIG and await _yearly_exists(uow, cmd.unit_id, year):
        raise Conflict(f"The unit already has a yearly risk analysis for {year}")
    await require_people(uow.session, "participant_ids", list(cmd.participant_ids))
    now = uow.clock()
    analysis = RiskAnalysis(
        id=new_id(),
        reference=await reference(uow, REFERENCE_PREFIX),
        unit_id=cmd.unit_id,
        trigger=cmd.trigger.value,
        year=year,
        analysis_date=cmd.analysis_date,
        change_description=cmd.change_description,
        participant_ids=[str(p) for p in dict.fromkeys(cmd.participant_ids)],
        external_participants=list(cmd.external_participants),
        action_plan=cmd.action_plan,
        status=AnalysisStatus.DRAFT.value,
        created_by=cmd.created_by,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(analysis)
    await commit(uow)
    return analysis


EDITABLE = ("analysis_date", "change_description", "external_participants", "action_plan")


async def edit(uow: UnitOfWork, analysis: RiskAnalysis, changes: dict[str, Any]) -> RiskAnalysis:
    with rules():
        rules_.check_open(AnalysisStatus(analysis.status))
        if "change_description" in changes:
            rules_.check_trigger(Trigger(analysis.trigger), changes["change_description"])
    if "participant_ids" in changes:
        people = list(dict.fromkeys(changes["participant_ids"] or []))
        await require_people(uow.session, "participant_ids", people)
        analysis.participant_ids = [str(p) for p in people]
    for name in EDITABLE:
        if name in changes:
            setattr(
                analysis,
                name,
                changes[name] if name != "external_participants" else list(changes[name] or []),
            )
    analysis.updated_at = uow.clock()
    await commit(uow)
    return analysis


async def complete(uow: UnitOfWork, analysis: RiskAnalysis, by: uuid.UUID) -> RiskAnalysis:
    """Completing a yearly analysis meets the unit's yearly deadline for its year."""
    risks = (
        await uow.session.execute(select(Risk.reference, Risk.status).where(Risk.analysis_id == analysis.id))
    ).all()
    with rules():
        analysis.status = rules_.complete(
            AnalysisStatus(analysis.status), [(ref, RiskStatus(state)) for ref, state in risks]
        ).value
    now = uow.clock()
    analysis.completed_at, analysis.completed_by, analysis.updated_at = now, by, now
    if analysis.trigger == Trigger.ARLIG.value:
        due = await uow.session.scalar(
            select(YearlyAnalysisDue).where(
                YearlyAnalysisDue.unit_id == analysis.unit_id, YearlyAnalysisDue.year == analysis.year
            )
        )
        if due is None:
            uow.session.add(
                YearlyAnalysisDue(
                    id=new_id(),
                    unit_id=analysis.unit_id,
                    year=analysis.year,
                    analysis_id=analysis.id,
                    created_at=now,
                )
            )
        else:
            due.analysis_id = analysis.id
            await Deadlines(deadlines).meet(uow, due.id, YEARLY_RULE)
    uow.emit(
        RiskAnalysisCompleted(
            analysis_id=analysis.id,
            unit_id=analysis.unit_id,
            trigger=analysis.trigger,
            year=analysis.year,
            risk_count=len(risks),
            completed_at=now,
        )
    )
    await commit(uow)
    return analysis
