"""Egenkontroll commands: plan it (draft), edit, complete with result, analysis, figures and actions."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from platform_shared.contracts.risk import SelfAssessmentCompleted
from platform_shared.ids import new_id
from platform_shared.messaging.unit_of_work import UnitOfWork
from risk_svc.adapters.orm import SelfAssessment
from risk_svc.domain import self_assessments as rules_
from risk_svc.domain.self_assessments import (
    Figure,
    SelfAssessmentMethod,
    SelfAssessmentResult,
    SelfAssessmentStatus,
)
from risk_svc.service_layer.common import commit, invalid, reference, require_people, rules
from risk_svc.service_layer.risks import ActionInput

REFERENCE_PREFIX = "EK"


@dataclass(frozen=True)
class PlanSelfAssessment:
    unit_id: uuid.UUID
    area: str
    method: SelfAssessmentMethod
    created_by: uuid.UUID
    period_from: date | None = None
    period_to: date | None = None


def _check_period(period_from: date | None, period_to: date | None) -> None:
    if period_from and period_to and period_to < period_from:
        raise invalid("period_to", "the period ends before it starts")


async def plan(uow: UnitOfWork, cmd: PlanSelfAssessment) -> SelfAssessment:
    _check_period(cmd.period_from, cmd.period_to)
    now = uow.clock()
    assessment = SelfAssessment(
        id=new_id(),
        reference=await reference(uow, REFERENCE_PREFIX),
        unit_id=cmd.unit_id,
        area=cmd.area,
        method=cmd.method.value,
        period_from=cmd.period_from,
        period_to=cmd.period_to,
        status=SelfAssessmentStatus.DRAFT.value,
        figures=[],
        actions=[],
        created_by=cmd.created_by,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(assessment)
    await commit(uow)
    return assessment


EDITABLE = ("area", "method", "period_from", "period_to")


async def edit(uow: UnitOfWork, assessment: SelfAssessment, changes: dict[str, Any]) -> SelfAssessment:
    with rules():
        rules_.check_open(SelfAssessmentStatus(assessment.status))
    _check_period(
        changes.get("period_from", assessment.period_from), changes.get("period_to", assessment.period_to)
    )
    for name in EDITABLE:
        if name in changes and (changes[name] is not None or name.startswith("period")):
            value = changes[name]
            setattr(assessment, name, value.value if isinstance(value, SelfAssessmentMethod) else value)
    assessment.updated_at = uow.clock()
    await commit(uow)
    return assessment


@dataclass(frozen=True)
class CompleteSelfAssessment:
    result: SelfAssessmentResult
    analysis: str
    completed_by: uuid.UUID
    figures: list[Figure] = field(default_factory=list)
    actions: list[ActionInput] = field(default_factory=list)


async def complete(
    uow: UnitOfWork, assessment: SelfAssessment, cmd: CompleteSelfAssessment
) -> SelfAssessment:
    await require_people(uow.session, "actions", [a.responsible_id for a in cmd.actions])
    with rules():
        assessment.status = rules_.complete(
            SelfAssessmentStatus(assessment.status),
            SelfAssessmentMethod(assessment.method),
            cmd.figures,
            cmd.analysis,
        ).value
    now = uow.clock()
    assessment.result, assessment.analysis = cmd.result.value, cmd.analysis
    assessment.figures = [asdict(f) for f in cmd.figures]
    assessment.actions = [
        {
            "description": a.description,
            "responsible_id": str(a.responsible_id) if a.responsible_id else None,
            "due_date": a.due_date.isoformat() if a.due_date else None,
        }
        for a in cmd.actions
    ]
    assessment.completed_by, assessment.completed_at, assessment.updated_at = cmd.completed_by, now, now
    uow.emit(
        SelfAssessmentCompleted(
            assessment_id=assessment.id,
            unit_id=assessment.unit_id,
            area=assessment.area,
            method=assessment.method,
            result=assessment.result,
            completed_at=now,
            figures={f.indicator: f.value for f in cmd.figures},
        )
    )
    await commit(uow)
    return assessment
