"""/api/v1/kvalitetsrad: kvalitetsråd meetings and their protokoll. If-Match names the meeting's ETag
(every change to the meeting, its items, actions and follow-ups moves it)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status
from fastapi import Query as Param

from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Day
from reporting_svc.adapters.documents import DOCX_MEDIA_TYPE, PDF_MEDIA_TYPE
from reporting_svc.adapters.orm import KvalitetsradMeeting
from reporting_svc.domain.kvalitetsrad import FollowUpOutcome, MeetingStatus, Occasion
from reporting_svc.entrypoints.api.deps import Command, Query
from reporting_svc.entrypoints.api.files import attachment
from reporting_svc.entrypoints.api.kvalitetsrad_schemas import (
    KvalitetsradActionCreate,
    KvalitetsradActionRead,
    KvalitetsradCreate,
    KvalitetsradFollowUpWrite,
    KvalitetsradHeldBody,
    KvalitetsradItemWrite,
    KvalitetsradPage,
    KvalitetsradPatch,
    KvalitetsradRead,
    KvalitetsradSummaryRead,
)
from reporting_svc.service_layer.context import Ctx
from reporting_svc.service_layer.kvalitetsrad import commands, protokoll, queries

router = APIRouter(prefix="/api/v1/kvalitetsrad", tags=["kvalitetsråd"], responses=PROBLEM_RESPONSES)


async def read_model(ctx: Ctx, m: KvalitetsradMeeting, response: Response) -> KvalitetsradRead:
    return with_etag(response, KvalitetsradRead.model_validate(await queries.view(ctx, m)))


@router.post(
    "", status_code=status.HTTP_201_CREATED, summary="Plan a kvalitetsråd: its agenda from the template"
)
async def plan_meeting(body: KvalitetsradCreate, ctx: Command, response: Response) -> KvalitetsradRead:
    fields = body.model_dump()
    fields["participant_ids"] = tuple(fields["participant_ids"])
    fields["occasion"] = Occasion(fields["occasion"])
    created = await commands.plan(ctx, commands.Plan(**fields))
    response.status_code = created.status
    return await read_model(ctx, created.value, response)


@router.get("", summary="Kvalitetsråd the caller may read, in the order planned (keyset)")
async def list_meetings(
    ctx: Query,
    page: PageDep,
    unit_id: uuid.UUID | None = None,
    status_: Annotated[MeetingStatus | None, Param(alias="status")] = None,
    first: Annotated[Day | None, Param(alias="from")] = None,
    last: Annotated[Day | None, Param(alias="to")] = None,
) -> KvalitetsradPage:
    rows, next_cursor = await queries.meetings_page(
        ctx, queries.MeetingFilter(unit_id, status_, first, last), page
    )
    return KvalitetsradPage(
        items=[KvalitetsradSummaryRead.model_validate(r) for r in rows], next_cursor=next_cursor
    )


@router.get(
    "/{meeting_id}", summary="One kvalitetsråd: agenda, figures, actions, balanslista, protokoll announced"
)
async def get_meeting(meeting_id: uuid.UUID, ctx: Query, response: Response) -> KvalitetsradRead:
    return await read_model(ctx, await queries.meeting(ctx, meeting_id), response)


@router.patch("/{meeting_id}", summary="Change date, occasion, participants, secretary, chef or underlag")
async def patch_meeting(
    meeting_id: uuid.UUID, body: KvalitetsradPatch, ctx: Command, response: Response
) -> KvalitetsradRead:
    m = await commands.edit(ctx, commands.Edit(meeting_id, body.model_dump(exclude_unset=True)))
    return await read_model(ctx, m, response)


@router.put("/{meeting_id}/items/{key}", summary="Write an agenda item's notes and decisions")
async def write_item(
    meeting_id: uuid.UUID, key: str, body: KvalitetsradItemWrite, ctx: Command, response: Response
) -> KvalitetsradRead:
    m = await commands.write_item(ctx, commands.WriteItem(meeting_id, key, body.notes, body.decisions))
    return await read_model(ctx, m, response)


@router.post(
    "/{meeting_id}/actions",
    status_code=status.HTTP_201_CREATED,
    summary="Record an action decided under an item (owner, due date)",
)
async def decide_action(
    meeting_id: uuid.UUID, body: KvalitetsradActionCreate, ctx: Command, response: Response
) -> KvalitetsradActionRead:
    created = await commands.decide_action(ctx, commands.DecideAction(meeting_id, **body.model_dump()))
    response.status_code = created.status
    return KvalitetsradActionRead.model_validate(protokoll.action_json(created.value))


@router.post("/{meeting_id}/follow-ups", summary="Follow up an open action of an earlier kvalitetsråd here")
async def follow_up(
    meeting_id: uuid.UUID, body: KvalitetsradFollowUpWrite, ctx: Command, response: Response
) -> KvalitetsradRead:
    cmd = commands.FollowUp(meeting_id, body.action_id, FollowUpOutcome(body.outcome), body.note)
    m = await commands.follow_up(ctx, cmd)
    return await read_model(ctx, m, response)


@router.post("/{meeting_id}/held", summary="Record that the meeting was held, and who attended")
async def mark_held(
    meeting_id: uuid.UUID, ctx: Command, response: Response, body: KvalitetsradHeldBody | None = None
) -> KvalitetsradRead:
    ids = (body or KvalitetsradHeldBody()).participant_ids
    m = await commands.mark_held(ctx, commands.MarkHeld(meeting_id, tuple(ids) if ids is not None else None))
    return await read_model(ctx, m, response)


@router.post("/{meeting_id}/justera", summary="The chef justerar the protokoll: locked from then on")
async def justera(meeting_id: uuid.UUID, ctx: Command, response: Response) -> KvalitetsradRead:
    return await read_model(ctx, await commands.justera(ctx, meeting_id), response)


@router.get(
    "/{meeting_id}/protokoll",
    summary="The protokoll as a document to open: PDF or DOCX, in Swedish",
    responses={200: {"content": {DOCX_MEDIA_TYPE: {}, PDF_MEDIA_TYPE: {}}}},
    response_class=Response,
)
async def protokoll_document(
    meeting_id: uuid.UUID, ctx: Query, format: queries.ProtokollFormat = "pdf"
) -> Response:
    doc = await queries.document(ctx, meeting_id, format)
    return attachment(doc.content, doc.media_type, doc.filename)
