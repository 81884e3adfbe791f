"""Reading reports: the list a caller may read (keyset pages), one report as its read model (figures
live while a draft, frozen once adopted, suppressed for aggregate-only readers), and its document."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select

from platform_shared.access import Action
from platform_shared.decisions import Decision
from platform_shared.pagination import PageRequest, page_by_id
from reporting_svc.adapters.documents import DOCX_MEDIA_TYPE, PDF_MEDIA_TYPE
from reporting_svc.adapters.exports import XLSX_MEDIA_TYPE
from reporting_svc.adapters.orm import Report, replica
from reporting_svc.domain.adoption import decision_text
from reporting_svc.domain.figures import PatternTable
from reporting_svc.domain.report_templates import sections_of
from reporting_svc.domain.reports import (
    STATUS_TITLES,
    TYPE_TITLES,
    ReportStatus,
    ReportType,
    due_date,
    report_period,
)
from reporting_svc.domain.tables import CountTable, LeadTimeTable
from reporting_svc.service_layer import reports
from reporting_svc.service_layer.access import readable_report, report_readable_units
from reporting_svc.service_layer.context import Ctx, QueryCtx, tenant_settings, unit_name

DocumentFormat = Literal["docx", "pdf", "xlsx"]
MEDIA_TYPES = {"docx": DOCX_MEDIA_TYPE, "pdf": PDF_MEDIA_TYPE, "xlsx": XLSX_MEDIA_TYPE}


@dataclass(frozen=True)
class ReportFilter:
    unit_id: uuid.UUID | None = None
    type: ReportType | None = None
    status: ReportStatus | None = None
    year: int | None = None


@dataclass(frozen=True)
class Document:
    content: bytes
    media_type: str
    filename: str


async def report(ctx: QueryCtx, report_id: uuid.UUID) -> Report:
    return await readable_report(ctx, report_id)


async def reports_page(
    ctx: QueryCtx, f: ReportFilter, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    """Reports the caller may read, oldest first."""
    units = await report_readable_units(ctx)
    stmt = select(Report)
    if units is not None:
        stmt = stmt.where(Report.unit_id.in_(sorted(units, key=str)))
    if f.unit_id is not None:
        stmt = stmt.where(Report.unit_id == f.unit_id)
    if f.type is not None:
        stmt = stmt.where(Report.type == f.type.value)
    if f.status is not None:
        stmt = stmt.where(Report.status == f.status.value)
    if f.year is not None:
        stmt = stmt.where(Report.year == f.year)
    rows, next_cursor = await page_by_id(ctx.session, stmt, Report.id, page.cursor, page.limit)
    return [summary(r) for r in rows], next_cursor


def summary(r: Report) -> dict[str, Any]:
    report_type = ReportType(r.type)
    first, last = report_period(report_type, r.year, r.tertial)
    return {
        "id": r.id,
        "type": report_type,
        "year": r.year,
        "tertial": r.tertial,
        "unit_id": r.unit_id,
        "title": r.title,
        "status": ReportStatus(r.status),
        "period_from": first,
        "period_to": last,
        "due_date": due_date(report_type, r.year),
        "superseded_by": r.superseded_by,
        "superseded_at": r.superseded_at,
        "version": r.version,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    }


def _figure(key: str, table: object) -> dict[str, Any]:
    if isinstance(table, CountTable):
        return {"key": key, "kind": "counts", "counts": table.as_json()}
    if isinstance(table, LeadTimeTable):
        return {"key": key, "kind": "lead_times", "lead_times": table.as_json()}
    assert isinstance(table, PatternTable)
    return {"key": key, "kind": "patterns", "patterns": table.as_json()}


async def _report_view(ctx: Ctx, r: Report) -> reports.ReportView:
    aggregates_only = not await ctx.caller.can(Action.STATS_READ, r.unit_id)
    return await reports.view(
        ctx.session,
        replica,
        r,
        await tenant_settings(ctx),
        reader_sees_aggregates_only=aggregates_only,
        unit_name=await unit_name(ctx, r.unit_id),
    )


async def view(ctx: Ctx, r: Report) -> dict[str, Any]:
    """The read model of one report, as the caller may see it."""
    shown = await _report_view(ctx, r)
    texts = r.sections or {}
    return {
        **summary(r),
        "unit_name": shown.unit_name,
        "status_label": STATUS_TITLES[ReportStatus(r.status)],
        "type_label": TYPE_TITLES[ReportType(r.type)],
        "figures_frozen_at": r.frozen_at,
        "figures_suppressed": shown.suppressed,
        "sections": [
            {
                "key": s.key,
                "heading": s.heading,
                "guidance": s.guidance,
                "text": texts.get(s.key, ""),
                "figures": list(s.figures),
            }
            for s in sections_of(ReportType(r.type))
        ],
        "figures": [_figure(key, table) for key, table in shown.figures],
        "reviewed_by": r.reviewed_by,
        "reviewed_at": r.reviewed_at,
        "adopted_by": r.adopted_by,
        "adopted_at": r.adopted_at,
        "reported_by": r.reported_by,
        "reported_at": r.reported_at,
        "decision": _decision(r.decision),
    }


def _decision(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    if not stored:
        return None
    decision = Decision.from_dict(stored)
    return decision.as_dict() | {"text": decision_text(decision)}


async def document(ctx: QueryCtx, report_id: uuid.UUID, fmt: DocumentFormat) -> Document:
    """The report as a file to open, in Swedish (rendered off the event loop: CPU work)."""
    r = await readable_report(ctx, report_id)
    shown = await _report_view(ctx, r)
    content = await asyncio.to_thread(reports.render_file, shown, fmt)
    return Document(content, MEDIA_TYPES[fmt], f"{r.title}.{fmt}")
