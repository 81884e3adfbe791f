"""Report commands: start a draft, edit its text, and the steps review → adopt (figures frozen, the
documents archived) → reported to the nämnd, or back to draft. Each handler loads and checks through
service_layer/access.py and commits once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from platform_shared.access import Action
from platform_shared.context import Created
from reporting_svc.adapters.orm import Report, replica
from reporting_svc.domain.arshjul.fulfilment import Evidence, evidence_from_report
from reporting_svc.domain.reports import ReportCommand, ReportType
from reporting_svc.domain.settings import TenantSettings
from reporting_svc.service_layer import adoption, arshjul, reports
from reporting_svc.service_layer.access import report_for
from reporting_svc.service_layer.context import CommandCtx, require_unit, tenant_settings, unit_name

STEP_ACTION = {
    ReportCommand.REVIEW: Action.REPORT_APPROVE,
    ReportCommand.REOPEN: Action.REPORT_APPROVE,
    ReportCommand.ADOPT: Action.REPORT_ADOPT,
    ReportCommand.REPORT_TO_NAMND: Action.REPORT_ADOPT,
}


@dataclass(frozen=True)
class StartReport:
    type: ReportType
    year: int
    unit_id: uuid.UUID
    tertial: int | None = None
    title: str | None = None


@dataclass(frozen=True)
class EditReport:
    report_id: uuid.UUID
    title: str | None = None
    sections: dict[str, str] | None = None


@dataclass(frozen=True)
class Adopt:
    report_id: uuid.UUID
    decision: adoption.AdoptReport


@dataclass(frozen=True)
class TakeStep:
    report_id: uuid.UUID
    step: ReportCommand


async def start(ctx: CommandCtx, cmd: StartReport) -> Created[Report]:
    await require_unit(ctx, cmd.unit_id)
    await ctx.caller.require(Action.REPORT_WRITE, cmd.unit_id)
    return await ctx.once(Report, lambda: _start(ctx, cmd))


async def _start(ctx: CommandCtx, cmd: StartReport) -> Created[Report]:
    create = reports.CreateReport(cmd.type, cmd.year, cmd.unit_id, cmd.tertial, cmd.title, ctx.caller.id)
    report = reports.new_report(create, await unit_name(ctx, cmd.unit_id), ctx.now())
    ctx.session.add(report)
    await ctx.created(report.id)
    await ctx.commit()
    return Created(report)


async def edit(ctx: CommandCtx, cmd: EditReport) -> Report:
    report = await report_for(ctx, cmd.report_id, Action.REPORT_WRITE)
    reports.edit(report, title=cmd.title, sections=cmd.sections, now=ctx.now())
    await ctx.commit()
    return report


async def take_step(ctx: CommandCtx, cmd: TakeStep) -> Report:
    report = await report_for(ctx, cmd.report_id, STEP_ACTION[cmd.step])
    settings = await tenant_settings(ctx)
    by, now = ctx.caller.id, ctx.now()
    await reports.transition(ctx.session, replica, report, cmd.step, by=by, now=now, settings=settings)
    await ctx.commit()
    if cmd.step is ReportCommand.ADOPT:
        await _archive(ctx, report, settings)
    return report


async def adopt(ctx: CommandCtx, cmd: Adopt) -> Report:
    """The adoption as a recorded decision (service_layer/adoption.py); an earlier adopted version of
    the same type, unit and period is marked as replaced in the same transaction."""
    report = await report_for(ctx, cmd.report_id, Action.REPORT_ADOPT)
    settings = await tenant_settings(ctx)
    await adoption.adopt(
        ctx.session,
        replica,
        report,
        cmd.decision,
        principal=ctx.caller.principal,
        now=ctx.now(),
        settings=settings,
    )
    await arshjul.fulfil(ctx.uow, _evidence(report))
    await ctx.commit()
    await _archive(ctx, report, settings)
    return report


def _evidence(report: Report) -> Evidence:
    """The adopted report as the årshjul's evidence, dated by its decision (reporting emits no
    ReportAdopted event yet: the årshjul is fulfilled in the adopting transaction)."""
    return evidence_from_report(
        report_id=report.id,
        report_type=report.type,
        unit_id=report.unit_id,
        year=report.year,
        tertial=report.tertial,
        adopted_on=date.fromisoformat(str((report.decision or {})["decided_on"])),
    )


async def _archive(ctx: CommandCtx, report: Report, settings: TenantSettings) -> None:
    # The archived documents are the nämnd's: suppressed, whoever adopted.
    name = await unit_name(ctx, report.unit_id)
    view = await reports.view(
        ctx.session, replica, report, settings, reader_sees_aggregates_only=True, unit_name=name
    )
    await reports.archive(ctx.parts.settings.reports_path, view)
