"""Egenkontroll commands: plan one (a draft), edit it, complete it with result, analysis, figures and
actions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts.risk import SelfAssessmentCompleted
from platform_shared.errors import invalid
from platform_shared.ids import new_id
from risk_svc.adapters.orm import SelfAssessment
from risk_svc.domain import self_assessments as rules
from risk_svc.domain.self_assessments import (
    Figure,
    SelfAssessmentMethod,
    SelfAssessmentResult,
    SelfAssessmentStatus,
)
from risk_svc.service_layer.access import managed_self_assessment
from risk_svc.service_layer.context import CommandCtx, new_reference, require_people, require_unit, touch
from risk_svc.service_layer.risks.commands import ActionInput

REFERENCE_PREFIX = "EK"


def _check_period(period_from: date | None, period_to: date | None) -> None:
    if period_from and period_to and period_to < period_from:
        raise invalid("period_to", "perioden slutar innan den börjar", "Perioden slutar innan den börjar")


@dataclass(frozen=True)
class PlanSelfAssessment:
    unit_id: uuid.UUID
    area: str
    method: SelfAssessmentMethod
    period_from: date | None = None
    period_to: date | None = None


async def plan(ctx: CommandCtx, cmd: PlanSelfAssessment) -> Created[SelfAssessment]:
    await require_unit(ctx, cmd.unit_id)
    await ctx.caller.require(Action.RISK_MANAGE, cmd.unit_id)
    return await ctx.once(SelfAssessment, lambda: _plan(ctx, cmd))


async def _plan(ctx: CommandCtx, cmd: PlanSelfAssessment) -> Created[SelfAssessment]:
    _check_period(cmd.period_from, cmd.period_to)
    now = ctx.now()
    assessment = SelfAssessment(
        id=new_id(),
        reference=await new_reference(ctx, REFERENCE_PREFIX),
        unit_id=cmd.unit_id,
        area=cmd.area,
        method=cmd.method.value,
        period_from=cmd.period_from,
        period_to=cmd.period_to,
        status=SelfAssessmentStatus.DRAFT.value,
        figures=[],
        actions=[],
        created_by=ctx.caller.id,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(assessment)
    await ctx.created(assessment.id)
    await ctx.commit()
    return Created(assessment)


REQUIRED = ("area", "method")


@dataclass(frozen=True)
class EditSelfAssessment:
    """PATCH a planned egenkontroll's fields."""

    assessment_id: uuid.UUID
    changes: dict[str, Any] = field(default_factory=dict)


async def edit(ctx: CommandCtx, cmd: EditSelfAssessment) -> SelfAssessment:
    assessment = await managed_self_assessment(ctx, cmd.assessment_id)
    rules.check_open(SelfAssessmentStatus(assessment.status))
    for name in REQUIRED:
        if name in cmd.changes and cmd.changes[name] is None:
            raise invalid(name, "får inte vara tomt", "Egenkontrollen behöver område och metod")
    _check_period(
        cmd.changes.get("period_from", assessment.period_from),
        cmd.changes.get("period_to", assessment.period_to),
    )
    for name, value in cmd.changes.items():
        setattr(assessment, name, value.value if isinstance(value, SelfAssessmentMethod) else value)
    touch(assessment, ctx)
    await ctx.commit()
    return assessment


@dataclass(frozen=True)
class CompleteSelfAssessment:
    """Complete with result (ok | brister), analysis, figures (comparisons) and actions."""

    assessment_id: uuid.UUID
    result: SelfAssessmentResult
    analysis: str
    figures: Sequence[Figure] = ()
    actions: Sequence[ActionInput] = ()


async def complete(ctx: CommandCtx, cmd: CompleteSelfAssessment) -> SelfAssessment:
    assessment = await managed_self_assessment(ctx, cmd.assessment_id)
    status = rules.complete(
        SelfAssessmentStatus(assessment.status),
        SelfAssessmentMethod(assessment.method),
        cmd.figures,
        cmd.analysis,
    )
    await require_people(ctx, "actions", [a.responsible_id for a in cmd.actions])
    now = ctx.now()
    assessment.status = status.value
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
    assessment.completed_by, assessment.completed_at = ctx.caller.id, now
    touch(assessment, ctx)
    ctx.emit(
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
    await ctx.commit()
    return assessment
