"""/api/v1/reports: tertial and annual reports, kvalitetsberättelse, patientsäkerhetsberättelse and
kvalitetsråd material, with their lifecycle and documents. If-Match names the report's ETag."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status
from fastapi import Query as Param

from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Year
from reporting_svc.adapters.documents import DOCX_MEDIA_TYPE, PDF_MEDIA_TYPE
from reporting_svc.adapters.exports import XLSX_MEDIA_TYPE
from reporting_svc.adapters.orm import Report
from reporting_svc.domain.reports import ReportCommand, ReportStatus, ReportType
from reporting_svc.entrypoints.api.deps import Command, Query
from reporting_svc.entrypoints.api.files import attachment
from reporting_svc.entrypoints.api.schemas import (
    ReportAdoptBody,
    ReportCreate,
    ReportPage,
    ReportPatch,
    ReportRead,
    ReportSummaryRead,
)
from reporting_svc.service_layer import adoption
from reporting_svc.service_layer.context import Ctx
from reporting_svc.service_layer.reports import commands, queries

router = APIRouter(prefix="/api/v1/reports", tags=["reports"], responses=PROBLEM_RESPONSES)


async def read_model(ctx: Ctx, report: Report, response: Response) -> ReportRead:
    return with_etag(response, ReportRead.model_validate(await queries.view(ctx, report)))


@router.post("", status_code=status.HTTP_201_CREATED, summary="Start a report (draft) for a unit and period")
async def create_report(body: ReportCreate, ctx: Command, response: Response) -> ReportRead:
    created = await commands.start(ctx, commands.StartReport(**body.model_dump()))
    response.status_code = created.status
    return await read_model(ctx, created.value, response)


@router.get("", summary="Reports the caller may read, oldest first (keyset)")
async def list_reports(
    ctx: Query,
    page: PageDep,
    unit_id: uuid.UUID | None = None,
    type: ReportType | None = None,
    status_: Annotated[ReportStatus | None, Param(alias="status")] = None,
    year: Year | None = None,
) -> ReportPage:
    f = queries.ReportFilter(unit_id, type, status_, year)
    rows, next_cursor = await queries.reports_page(ctx, f, page)
    return ReportPage(items=[ReportSummaryRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/{report_id}", summary="One report: its sections, text and figures (frozen once adopted)")
async def get_report(report_id: uuid.UUID, ctx: Query, response: Response) -> ReportRead:
    return await read_model(ctx, await queries.report(ctx, report_id), response)


@router.patch("/{report_id}", summary="Edit the title or the analysis text of a draft")
async def patch_report(
    report_id: uuid.UUID, body: ReportPatch, ctx: Command, response: Response
) -> ReportRead:
    report = await commands.edit(ctx, commands.EditReport(report_id, body.title, body.sections))
    return await read_model(ctx, report, response)


async def _step(ctx: Command, report_id: uuid.UUID, step: ReportCommand, response: Response) -> ReportRead:
    report = await commands.take_step(ctx, commands.TakeStep(report_id, step))
    return await read_model(ctx, report, response)


@router.post("/{report_id}/review", summary="Mark a draft as reviewed (socialchef / förvaltningschef)")
async def review_report(report_id: uuid.UUID, ctx: Command, response: Response) -> ReportRead:
    return await _step(ctx, report_id, ReportCommand.REVIEW, response)


@router.post("/{report_id}/reopen", summary="Send a reviewed report back to draft for corrections")
async def reopen_report(report_id: uuid.UUID, ctx: Command, response: Response) -> ReportRead:
    return await _step(ctx, report_id, ReportCommand.REOPEN, response)


@router.post(
    "/{report_id}/adopt",
    summary="Record the adoption of a reviewed report: the nämnd's decision (meeting_date, paragraph; "
    "recorded by socialchef or kvalitetsledare) or the deciding role's (decided_on); figures are frozen and "
    "an earlier adopted version of the same type, unit and period is marked as replaced",
)
async def adopt_report(
    report_id: uuid.UUID, ctx: Command, response: Response, body: ReportAdoptBody | None = None
) -> ReportRead:
    decision = adoption.AdoptReport(**(body or ReportAdoptBody()).model_dump())
    report = await commands.adopt(ctx, commands.Adopt(report_id, decision))
    return await read_model(ctx, report, response)


@router.post(
    "/{report_id}/report-to-namnd", summary="Record that the adopted report was reported to the nämnd"
)
async def report_to_namnd(report_id: uuid.UUID, ctx: Command, response: Response) -> ReportRead:
    return await _step(ctx, report_id, ReportCommand.REPORT_TO_NAMND, response)


@router.get(
    "/{report_id}/document",
    summary="The report as a document to open: DOCX, PDF or XLSX (with charts), in Swedish",
    responses={200: {"content": {DOCX_MEDIA_TYPE: {}, PDF_MEDIA_TYPE: {}, XLSX_MEDIA_TYPE: {}}}},
    response_class=Response,
)
async def report_document(
    report_id: uuid.UUID, ctx: Query, format: queries.DocumentFormat = "docx"
) -> Response:
    doc = await queries.document(ctx, report_id, format)
    return attachment(doc.content, doc.media_type, doc.filename)
