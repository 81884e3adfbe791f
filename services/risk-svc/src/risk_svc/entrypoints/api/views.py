"""ORM rows → response models (the extra reads each needs happen here, on the caller's session)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from risk_svc.adapters.orm import (
    Control,
    ControlFinding,
    ControlPlan,
    ControlPlanFollowUp,
    ControlPlanRow,
    Risk,
    RiskAction,
    RiskAnalysis,
    SelfAssessment,
)
from risk_svc.domain.control_plans import OCCASION_ORDER, ControlStatus, Occasion, control_status
from risk_svc.domain.model import CONSEQUENCE_LABELS, PROBABILITY_LABELS
from risk_svc.domain.self_assessments import Figure
from risk_svc.domain.settings import TenantSettings
from risk_svc.entrypoints.api import schemas as s
from risk_svc.service_layer import queries


def action_read(a: RiskAction) -> s.ActionRead:
    return s.ActionRead(
        id=a.id,
        description=a.description,
        responsible_id=a.responsible_id,
        due_date=a.due_date,
        status=a.status,
        finding_id=a.finding_id,
        created_at=a.created_at,
        completed_at=a.completed_at,
        completion_note=a.completion_note,
    )


async def risk_read(session: AsyncSession, risk: Risk, settings: TenantSettings) -> s.RiskRead:
    details = await queries.risk_details(session, risk.id)
    meets = (
        settings.prioritisation.proposes(risk.risk_value, risk.consequence)
        if risk.risk_value is not None and risk.consequence is not None
        else None
    )
    return s.RiskRead(
        id=risk.id,
        reference=risk.reference,
        unit_id=risk.unit_id,
        responsible_unit_id=risk.responsible_unit_id,
        escalated=risk.responsible_unit_id != risk.unit_id,
        analysis_id=risk.analysis_id,
        title=risk.title,
        description=risk.description,
        process=risk.process,
        source=risk.source,
        owner_id=risk.owner_id,
        identified_by=risk.identified_by,
        identified_at=risk.identified_at,
        probability=risk.probability,
        probability_label=PROBABILITY_LABELS.get(risk.probability or 0),
        consequence=risk.consequence,
        consequence_label=CONSEQUENCE_LABELS.get(risk.consequence or 0),
        risk_value=risk.risk_value,
        band=risk.band,
        status=risk.status,
        assessed_by=risk.assessed_by,
        assessed_at=risk.assessed_at,
        meets_priority_rule=meets,
        prioritised=risk.prioritised,
        prioritised_by=risk.prioritised_by,
        prioritised_at=risk.prioritised_at,
        decision_motivation=risk.decision_motivation,
        followed_up_at=risk.followed_up_at,
        closed_at=risk.closed_at,
        linked_deviation_ids=details.deviation_ids,
        linked_complaint_ids=details.complaint_ids,
        actions=[action_read(a) for a in details.actions],
        suggestion_key=risk.suggestion_key,
        version=risk.version,
    )


def risk_summary(risk: Risk) -> s.RiskSummary:
    return s.RiskSummary(
        id=risk.id,
        reference=risk.reference,
        unit_id=risk.unit_id,
        responsible_unit_id=risk.responsible_unit_id,
        title=risk.title,
        status=risk.status,
        risk_value=risk.risk_value,
        band=risk.band,
        prioritised=risk.prioritised,
        analysis_id=risk.analysis_id,
        version=risk.version,
    )


async def analysis_read(session: AsyncSession, analysis: RiskAnalysis) -> s.AnalysisRead:
    risks = await queries.analysis_risks(session, analysis.id)
    return s.AnalysisRead(
        id=analysis.id,
        reference=analysis.reference,
        unit_id=analysis.unit_id,
        trigger=analysis.trigger,
        year=analysis.year,
        analysis_date=analysis.analysis_date,
        change_description=analysis.change_description,
        participant_ids=[uuid.UUID(str(p)) for p in analysis.participant_ids or []],
        external_participants=list(analysis.external_participants or []),
        action_plan=analysis.action_plan,
        status=analysis.status,
        risks=[risk_summary(r) for r in risks],
        created_by=analysis.created_by,
        created_at=analysis.created_at,
        completed_by=analysis.completed_by,
        completed_at=analysis.completed_at,
        version=analysis.version,
    )


async def plan_read(session: AsyncSession, plan: ControlPlan) -> s.PlanRead:
    rows = (
        await session.execute(
            select(ControlPlanRow, Risk.reference, Risk.title, Risk.risk_value)
            .outerjoin(Risk, Risk.id == ControlPlanRow.risk_id)
            .where(ControlPlanRow.plan_id == plan.id)
            .order_by(ControlPlanRow.id)
        )
    ).all()
    scheduled = dict(
        (
            await session.execute(
                select(Control.row_id, func.count())
                .where(Control.plan_id == plan.id)
                .group_by(Control.row_id)
            )
        ).all()
    )
    follow_ups = (
        await session.scalars(
            select(ControlPlanFollowUp)
            .where(ControlPlanFollowUp.plan_id == plan.id)
            .order_by(ControlPlanFollowUp.followed_up_at)
        )
    ).all()
    done = {Occasion(f.occasion) for f in follow_ups}
    upcoming = [o for o in OCCASION_ORDER if o not in done]
    return s.PlanRead(
        id=plan.id,
        reference=plan.reference,
        unit_id=plan.unit_id,
        year=plan.year,
        status=plan.status,
        decision_reference=plan.decision_reference,
        decided_on=plan.decided_on,
        adopted_by=plan.adopted_by,
        adopted_at=plan.adopted_at,
        rows=[
            s.RowRead(
                id=row.id,
                risk_id=row.risk_id,
                risk_reference=ref,
                risk_title=title,
                risk_value=value,
                unit_id=row.unit_id,
                control_activity=row.control_activity,
                method=row.method,
                frequency=row.frequency,
                responsible_id=row.responsible_id,
                reporting_occasion=row.reporting_occasion,
                controls_scheduled=int(scheduled.get(row.id, 0)),
            )
            for row, ref, title, value in rows
        ],
        follow_ups=[
            s.PlanFollowUpRead(
                occasion=f.occasion,
                note=f.note,
                figures=dict(f.figures or {}),
                followed_up_by=f.followed_up_by,
                followed_up_at=f.followed_up_at,
            )
            for f in follow_ups
        ],
        next_occasion=upcoming[0] if upcoming and plan.status != "draft" else None,
        created_by=plan.created_by,
        created_at=plan.created_at,
        version=plan.version,
    )


def plan_summary(plan: ControlPlan) -> s.PlanSummary:
    return s.PlanSummary(
        id=plan.id,
        reference=plan.reference,
        unit_id=plan.unit_id,
        year=plan.year,
        status=plan.status,
        version=plan.version,
    )


async def control_read(session: AsyncSession, control: Control, today: date, details: bool) -> s.ControlRead:
    findings = (
        await session.scalars(
            select(ControlFinding).where(ControlFinding.control_id == control.id).order_by(ControlFinding.id)
        )
    ).all()
    status: ControlStatus = control_status(control.performed, control.due_date, today)
    return s.ControlRead(
        id=control.id,
        reference=control.reference,
        plan_id=control.plan_id,
        row_id=control.row_id,
        risk_id=control.risk_id,
        unit_id=control.unit_id,
        period_start=control.period_start,
        period_end=control.period_end,
        due_date=control.due_date,
        status=status,
        result=control.result,
        on_time=control.on_time,
        performed_on=control.performed_on,
        performed_by=control.performed_by,
        note=control.note if details else None,
        finding_count=len(findings),
        findings=[
            s.FindingRead(
                id=f.id,
                description=f.description if details else None,
                action_id=f.action_id,
                recorded_by=f.recorded_by,
                recorded_at=f.recorded_at,
            )
            for f in findings
        ],
        version=control.version,
    )


def self_assessment_read(a: SelfAssessment) -> s.SelfAssessmentRead:
    figures = [Figure(**f) for f in a.figures or []]
    return s.SelfAssessmentRead(
        id=a.id,
        reference=a.reference,
        unit_id=a.unit_id,
        area=a.area,
        method=a.method,
        period_from=a.period_from,
        period_to=a.period_to,
        status=a.status,
        result=a.result,
        analysis=a.analysis,
        figures=[
            s.FigureRead(
                indicator=f.indicator,
                value=f.value,
                reference_value=f.reference_value,
                higher_is_better=f.higher_is_better,
                below_reference=f.below_reference,
            )
            for f in figures
        ],
        actions=[s.SelfAssessmentActionRead.model_validate(x) for x in a.actions or []],
        created_by=a.created_by,
        created_at=a.created_at,
        completed_by=a.completed_by,
        completed_at=a.completed_at,
        version=a.version,
    )


def settings_read(settings: TenantSettings, version: int) -> s.SettingsRead:
    return s.SettingsRead.model_validate({**settings.to_document(), "version": version})
