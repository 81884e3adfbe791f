"""/api/v1/reports: tertial and annual reports, kvalitetsberättelse, patientsäkerhetsberättelse and
kvalitetsråd material, with their lifecycle and documents."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response, status
from sqlalchemy import select

from platform_shared.access import Action
from platform_shared.api.decisions import RecordedDecisionRead
from platform_shared.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, page_by_id
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Year
from platform_shared.errors import Forbidden, NotFound, PreconditionFailed
from reporting_svc.adapters.documents import DOCX_MEDIA_TYPE, PDF_MEDIA_TYPE
from reporting_svc.adapters.exports import XLSX_MEDIA_TYPE
from reporting_svc.adapters.orm import Report
from reporting_svc.domain.figures import PatternTable
from reporting_svc.domain.report_templates import sections_of
from reporting_svc.domain.reports import (
    STATUS_TITLES,
    TYPE_TITLES,
    ReportCommand,
    ReportStatus,
    ReportType,
    due_date,
    report_period,
)
from reporting_svc.domain.tables import CountTable, LeadTimeTable
from reporting_svc.entrypoints.api.deps import Context, ContextDep
from reporting_svc.entrypoints.api.files import attachment
from reporting_svc.entrypoints.api.schemas import (
    CountTableRead,
    FigureRead,
    LeadTimeTableRead,
    PatternTableRead,
    ReportAdoptBody,
    ReportCreate,
    ReportPage,
    ReportPatch,
    ReportRead,
    ReportSectionRead,
    ReportSummaryRead,
)
from reporting_svc.service_layer import adoption
from reporting_svc.service_layer import reports as service
from reporting_svc.service_layer.errors import domain_rules
from reporting_svc.service_layer.scope import require_unit

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], responses=PROBLEM_RESPONSES)

READ_ACTIONS = (Action.STATS_READ, Action.REPORT_WRITE, Action.REPORT_APPROVE, Action.REPORT_ADOPT)
IfMatch = Annotated[str | None, Header(description="The report's ETag; 412 when it has changed")]


async def _may_read(ctx: Context, unit_id: uuid.UUID) -> bool:
    for action in READ_ACTIONS:
        if await ctx.authz.can_aggregate(ctx.principal, action, unit_id):
            return True
    return False


async def _visible(ctx: Context, report_id: uuid.UUID) -> Report:
    report = await ctx.session.get(Report, report_id)
    if report is None or not await _may_read(ctx, report.unit_id):
        raise NotFound("Report not found")
    return report


def _check_version(report: Report, if_match: str | None) -> None:
    if if_match is not None and if_match.strip().strip('"').removeprefix("W/").strip('"') != str(
        report.version
    ):
        raise PreconditionFailed("The report has changed since it was read")


async def _unit_name(ctx: Context, unit_id: uuid.UUID) -> str:
    u = ctx.runtime.replica.unit.c
    return str(await ctx.session.scalar(select(u.name).where(u.id == unit_id)) or unit_id)


def _summary(report: Report) -> ReportSummaryRead:
    report_type = ReportType(report.type)
    first, last = report_period(report_type, report.year, report.tertial)
    return ReportSummaryRead(
        id=report.id,
        type=report_type,
        year=report.year,
        tertial=report.tertial,
        unit_id=report.unit_id,
        title=report.title,
        status=ReportStatus(report.status),
        period_from=first,
        period_to=last,
        due_date=due_date(report_type, report.year),
        superseded_by=report.superseded_by,
        superseded_at=report.superseded_at,
        version=report.version,
        created_at=report.created_at,
        updated_at=report.updated_at,
    )


def _figure(key: str, table: object) -> FigureRead:
    if isinstance(table, CountTable):
        return FigureRead(key=key, kind="counts", counts=CountTableRead.model_validate(table.as_json()))
    if isinstance(table, LeadTimeTable):
        return FigureRead(
            key=key, kind="lead_times", lead_times=LeadTimeTableRead.model_validate(table.as_json())
        )
    assert isinstance(table, PatternTable)
    return FigureRead(key=key, kind="patterns", patterns=PatternTableRead.model_validate(table.as_json()))


async def _view(ctx: Context, report: Report) -> service.ReportView:
    aggregates_only = not await ctx.authz.can(ctx.principal, Action.STATS_READ, report.unit_id)
    return await service.view(
        ctx.session,
        ctx.runtime.replica,
        report,
        await ctx.tenant(),
        reader_sees_aggregates_only=aggregates_only,
        unit_name=await _unit_name(ctx, report.unit_id),
    )


async def _read(ctx: Context, report: Report, response: Response) -> ReportRead:
    view = await _view(ctx, report)
    response.headers["ETag"] = f'"{report.version}"'
    texts = report.sections or {}
    return ReportRead(
        **_summary(report).model_dump(),
        unit_name=view.unit_name,
        status_label=STATUS_TITLES[ReportStatus(report.status)],
        type_label=TYPE_TITLES[ReportType(report.type)],
        figures_frozen_at=report.frozen_at,
        figures_suppressed=view.suppressed,
        sections=[
            ReportSectionRead(
                key=s.key,
                heading=s.heading,
                guidance=s.guidance,
                text=texts.get(s.key, ""),
                figures=list(s.figures),
            )
            for s in sections_of(ReportType(report.type))
        ],
        figures=[_figure(key, table) for key, table in view.figures],
        reviewed_by=report.reviewed_by,
        reviewed_at=report.reviewed_at,
        adopted_by=report.adopted_by,
        adopted_at=report.adopted_at,
        reported_by=report.reported_by,
        reported_at=report.reported_at,
        decision=RecordedDecisionRead.of(report.decision, "Fastställd av"),
    )


@router.post("", status_code=status.HTTP_201_CREATED, summary="Start a report (draft) for a unit and period")
async def create_report(body: ReportCreate, ctx: ContextDep, response: Response) -> ReportRead:
    await require_unit(ctx.directory, body.unit_id)
    await ctx.authz.require(ctx.principal, Action.REPORT_WRITE, body.unit_id)
    with domain_rules():
        report = service.new_report(
            service.CreateReport(
                body.type, body.year, body.unit_id, body.tertial, body.title, ctx.principal.person_id
            ),
            await _unit_name(ctx, body.unit_id),
            ctx.runtime.clock(),
        )
    ctx.session.add(report)
    await ctx.session.commit()
    return await _read(ctx, report, response)


@router.get("", summary="Reports the caller may read, oldest first (keyset)")
async def list_reports(
    ctx: ContextDep,
    unit_id: uuid.UUID | None = None,
    type: ReportType | None = None,
    status_: Annotated[ReportStatus | None, Query(alias="status")] = None,
    year: Year | None = None,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> ReportPage:
    units: set[uuid.UUID] = set()
    everything = False
    for action in READ_ACTIONS:
        found = await ctx.authz.aggregate_units(ctx.principal, action)
        if found is None:
            everything = True
            break
        units |= found
    stmt = select(Report)
    if not everything:
        stmt = stmt.where(Report.unit_id.in_(sorted(units, key=str)))
    if unit_id is not None:
        stmt = stmt.where(Report.unit_id == unit_id)
    if type is not None:
        stmt = stmt.where(Report.type == type.value)
    if status_ is not None:
        stmt = stmt.where(Report.status == status_.value)
    if year is not None:
        stmt = stmt.where(Report.year == year)
    rows, next_cursor = await page_by_id(ctx.session, stmt, Report.id, cursor, limit)
    return ReportPage(items=[_summary(r) for r in rows], next_cursor=next_cursor)


@router.get("/{report_id}", summary="One report: its sections, text and figures (frozen once adopted)")
async def get_report(report_id: uuid.UUID, ctx: ContextDep, response: Response) -> ReportRead:
    return await _read(ctx, await _visible(ctx, report_id), response)


@router.patch("/{report_id}", summary="Edit the title or the analysis text of a draft")
async def patch_report(
    report_id: uuid.UUID, body: ReportPatch, ctx: ContextDep, response: Response, if_match: IfMatch = None
) -> ReportRead:
    report = await _visible(ctx, report_id)
    await ctx.authz.require(ctx.principal, Action.REPORT_WRITE, report.unit_id)
    _check_version(report, if_match)
    with domain_rules():
        service.edit(report, title=body.title, sections=body.sections, now=ctx.runtime.clock())
    await ctx.session.commit()
    return await _read(ctx, report, response)


_COMMAND_ACTION = {
    ReportCommand.REVIEW: Action.REPORT_APPROVE,
    ReportCommand.REOPEN: Action.REPORT_APPROVE,
    ReportCommand.ADOPT: Action.REPORT_ADOPT,
    ReportCommand.REPORT_TO_NAMND: Action.REPORT_ADOPT,
}


async def _command(
    ctx: Context,
    report_id: uuid.UUID,
    command: ReportCommand,
    if_match: str | None,
    response: Response,
    adopt: adoption.AdoptReport | None = None,
) -> ReportRead:
    report = await _visible(ctx, report_id)
    action = _COMMAND_ACTION[command]
    if not await ctx.authz.can(ctx.principal, action, report.unit_id):
        raise Forbidden(f"Din roll ger inte behörighet till '{action.value}' för denna rapport")
    _check_version(report, if_match)
    settings = await ctx.tenant()
    with domain_rules():
        if adopt is not None:
            await adoption.adopt(
                ctx.session,
                ctx.runtime.replica,
                report,
                adopt,
                principal=ctx.principal,
                now=ctx.runtime.clock(),
                settings=settings,
            )
        else:
            await service.transition(
                ctx.session,
                ctx.runtime.replica,
                report,
                command,
                by=ctx.principal.person_id,
                now=ctx.runtime.clock(),
                settings=settings,
            )
    await ctx.session.commit()
    if command is ReportCommand.ADOPT:
        # The archived documents are the nämnd's: suppressed, whoever adopted.
        view = await service.view(
            ctx.session,
            ctx.runtime.replica,
            report,
            settings,
            reader_sees_aggregates_only=True,
            unit_name=await _unit_name(ctx, report.unit_id),
        )
        await service.archive(ctx.settings.reports_path, view)
    return await _read(ctx, report, response)


@router.post("/{report_id}/review", summary="Mark a draft as reviewed (socialchef / förvaltningschef)")
async def review_report(
    report_id: uuid.UUID, ctx: ContextDep, response: Response, if_match: IfMatch = None
) -> ReportRead:
    return await _command(ctx, report_id, ReportCommand.REVIEW, if_match, response)


@router.post("/{report_id}/reopen", summary="Send a reviewed report back to draft for corrections")
async def reopen_report(
    report_id: uuid.UUID, ctx: ContextDep, response: Response, if_match: IfMatch = None
) -> ReportRead:
    return await _command(ctx, report_id, ReportCommand.REOPEN, if_match, response)


@router.post(
    "/{report_id}/adopt",
    summary="Record the adoption of a reviewed report: the nämnd's decision (meeting_date, paragraph; "
    "recorded by socialchef or kvalitetsledare) or the deciding role's (decided_on); figures are frozen and "
    "an earlier adopted version of the same type, unit and period is marked as replaced",
)
async def adopt_report(
    report_id: uuid.UUID,
    ctx: ContextDep,
    response: Response,
    body: ReportAdoptBody | None = None,
    if_match: IfMatch = None,
) -> ReportRead:
    cmd = adoption.AdoptReport(**(body or ReportAdoptBody()).model_dump())
    return await _command(ctx, report_id, ReportCommand.ADOPT, if_match, response, cmd)


@router.post(
    "/{report_id}/report-to-namnd", summary="Record that the adopted report was reported to the nämnd"
)
async def report_to_namnd(
    report_id: uuid.UUID, ctx: ContextDep, response: Response, if_match: IfMatch = None
) -> ReportRead:
    return await _command(ctx, report_id, ReportCommand.REPORT_TO_NAMND, if_match, response)


@router.get(
    "/{report_id}/document",
    summary="The report as a document to open: DOCX, PDF or XLSX (with charts), in Swedish",
    responses={200: {"content": {DOCX_MEDIA_TYPE: {}, PDF_MEDIA_TYPE: {}, XLSX_MEDIA_TYPE: {}}}},
    response_class=Response,
)
async def report_document(
    report_id: uuid.UUID, ctx: ContextDep, format: Literal["docx", "pdf", "xlsx"] = "docx"
) -> Response:
    report = await _visible(ctx, report_id)
    view = await _view(ctx, report)
    content = await asyncio.to_thread(service.render_file, view, format)  # CPU work: off the event loop
    media = {"docx": DOCX_MEDIA_TYPE, "pdf": PDF_MEDIA_TYPE, "xlsx": XLSX_MEDIA_TYPE}[format]
    return attachment(content, media, f"{report.title}.{format}")
