"""Reading kvalitetsråd: the meetings a caller may read (keyset pages, by unit, status and date),
one meeting as its read model, and its protokoll as PDF or DOCX."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import select

from platform_shared.pagination import PageRequest, page_by_id
from reporting_svc.adapters.documents import DOCX_MEDIA_TYPE, PDF_MEDIA_TYPE, to_docx, to_pdf
from reporting_svc.adapters.orm import KvalitetsradMeeting
from reporting_svc.domain.kvalitetsrad import MeetingStatus
from reporting_svc.service_layer.access import report_readable_units
from reporting_svc.service_layer.context import Ctx, QueryCtx
from reporting_svc.service_layer.kvalitetsrad import protokoll
from reporting_svc.service_layer.kvalitetsrad.access import readable_meeting
from reporting_svc.service_layer.reports.queries import Document

ProtokollFormat = Literal["pdf", "docx"]


@dataclass(frozen=True)
class MeetingFilter:
    unit_id: uuid.UUID | None = None
    status: MeetingStatus | None = None
    first: date | None = None
    last: date | None = None


async def meeting(ctx: QueryCtx, meeting_id: uuid.UUID) -> KvalitetsradMeeting:
    return await readable_meeting(ctx, meeting_id)


async def view(ctx: Ctx, m: KvalitetsradMeeting) -> dict[str, Any]:
    return protokoll.read_model(await protokoll.gather(ctx, m))


async def meetings_page(
    ctx: QueryCtx, f: MeetingFilter, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    """Meetings the caller may read, in the order they were planned."""
    units = await report_readable_units(ctx)
    stmt = select(KvalitetsradMeeting)
    if units is not None:
        stmt = stmt.where(KvalitetsradMeeting.unit_id.in_(sorted(units, key=str)))
    if f.unit_id is not None:
        stmt = stmt.where(KvalitetsradMeeting.unit_id == f.unit_id)
    if f.status is not None:
        stmt = stmt.where(KvalitetsradMeeting.status == f.status.value)
    if f.first is not None:
        stmt = stmt.where(KvalitetsradMeeting.meeting_on >= f.first)
    if f.last is not None:
        stmt = stmt.where(KvalitetsradMeeting.meeting_on <= f.last)
    rows, next_cursor = await page_by_id(ctx.session, stmt, KvalitetsradMeeting.id, page.cursor, page.limit)
    return [protokoll.summary(r) for r in rows], next_cursor


async def document(ctx: QueryCtx, meeting_id: uuid.UUID, fmt: ProtokollFormat) -> Document:
    """The protokoll as a file to open, in Swedish (rendered off the event loop: CPU work)."""
    m = await readable_meeting(ctx, meeting_id)
    gathered = await protokoll.gather(ctx, m)
    gathered = dataclasses.replace(gathered, people=await protokoll.people(ctx, gathered))
    doc = protokoll.document(gathered, ctx.now())
    render = to_docx if fmt == "docx" else to_pdf
    content = await asyncio.to_thread(render, doc)
    name = f"Protokoll-kvalitetsrad-{m.meeting_on.isoformat()}-{gathered.unit_name}.{fmt}"
    return Document(content, DOCX_MEDIA_TYPE if fmt == "docx" else PDF_MEDIA_TYPE, name)
