"""/api/v1/arshjul: the year's plan of the quality work per unit, its activities, calendar feeds and the
overview. If-Match names the årshjul's or the activity's ETag."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.access import Principal
from platform_shared.api.context import query_context_or
from platform_shared.api.deps import with_etag
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Year
from reporting_svc.adapters.documents import PDF_MEDIA_TYPE
from reporting_svc.adapters.orm import Arshjul
from reporting_svc.entrypoints.api.arshjul_schemas import (
    ArshjulActivityComplete,
    ArshjulActivityCreate,
    ArshjulActivityPatch,
    ArshjulActivityRead,
    ArshjulActivityReschedule,
    ArshjulAdoptBody,
    ArshjulCreate,
    ArshjulCreatedRead,
    ArshjulGenerate,
    ArshjulGeneratedRead,
    ArshjulRead,
    CalendarFeedCreate,
    CalendarFeedCreatedRead,
    CalendarFeedPage,
    CalendarFeedRead,
)
from reporting_svc.entrypoints.api.deps import Command, Query
from reporting_svc.entrypoints.api.files import attachment
from reporting_svc.service_layer.arshjul import commands, queries
from reporting_svc.service_layer.arshjul.overview import overview_pdf
from reporting_svc.service_layer.context import Ctx, QueryCtx

router = APIRouter(prefix="/api/v1/arshjul", tags=["arshjul"], responses=PROBLEM_RESPONSES)
ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"


async def feed_caller(request: Request, session: AsyncSession, at: datetime) -> Principal | None:
    """Calendar clients cannot send a bearer token: a feed URL's secret (`?feed=`) names its person,
    as she is now."""
    secret = request.query_params.get("feed")
    return None if secret is None else await queries.feed_owner(session, secret, at)


CalendarQuery = Annotated[QueryCtx, Depends(query_context_or(feed_caller))]


async def read_wheel(ctx: Ctx, wheel: Arshjul, response: Response) -> ArshjulRead:
    return with_etag(response, ArshjulRead.model_validate(await queries.view_of(ctx, wheel)))


async def read_activity(ctx: Ctx, activity_id: uuid.UUID, response: Response) -> ArshjulActivityRead:
    return with_etag(response, ArshjulActivityRead.model_validate(await queries.activity(ctx, activity_id)))


@router.get("", summary="A unit's årshjul for a year: its own and inherited activities with their status")
async def get_arshjul(year: Year, unit_id: uuid.UUID, ctx: Query, response: Response) -> ArshjulRead:
    return await read_wheel(ctx, await queries.wheel(ctx, year, unit_id), response)


@router.post("/generate", summary="The default template for every unit of a year (idempotent per unit)")
async def generate_arshjul(body: ArshjulGenerate, ctx: Command) -> ArshjulGeneratedRead:
    done = await commands.generate(ctx, commands.Generate(body.year))
    created = [
        ArshjulCreatedRead(id=w.id, unit_id=w.unit_id, level=w.level, parent_id=w.parent_id)
        for w in done.created
    ]
    return ArshjulGeneratedRead(year=done.year, created=created, existing=done.existing)


@router.post("", status_code=status.HTTP_201_CREATED, summary="An empty årshjul for a unit and year")
async def create_arshjul(body: ArshjulCreate, ctx: Command, response: Response) -> ArshjulRead:
    created = await commands.create(ctx, commands.CreateArshjul(body.year, body.unit_id))
    response.status_code = created.status
    return await read_wheel(ctx, created.value, response)


@router.post("/{arshjul_id}/adopt", summary="Adopt the årshjul with a recorded decision")
async def adopt_arshjul(
    arshjul_id: uuid.UUID, ctx: Command, response: Response, body: ArshjulAdoptBody | None = None
) -> ArshjulRead:
    wheel = await commands.adopt(
        ctx, commands.AdoptArshjul(arshjul_id, **(body or ArshjulAdoptBody()).model_dump())
    )
    return await read_wheel(ctx, wheel, response)


@router.post("/{arshjul_id}/activities", status_code=status.HTTP_201_CREATED, summary="Plan an activity")
async def add_activity(
    arshjul_id: uuid.UUID, body: ArshjulActivityCreate, ctx: Command, response: Response
) -> ArshjulActivityRead:
    created = await commands.add_activity(ctx, commands.AddActivity(arshjul_id, **body.model_dump()))
    response.status_code = created.status
    return await read_activity(ctx, created.value.id, response)


@router.patch(
    "/activities/{activity_id}", summary="Edit an activity's title, description or responsible role"
)
async def edit_activity(
    activity_id: uuid.UUID, body: ArshjulActivityPatch, ctx: Command, response: Response
) -> ArshjulActivityRead:
    row = await commands.edit_activity(ctx, commands.EditActivity(activity_id, **body.model_dump()))
    return await read_activity(ctx, row.id, response)


@router.post("/activities/{activity_id}/reschedule", summary="Move an activity within its year")
async def reschedule_activity(
    activity_id: uuid.UUID, body: ArshjulActivityReschedule, ctx: Command, response: Response
) -> ArshjulActivityRead:
    row = await commands.reschedule(ctx, commands.Reschedule(activity_id, body.due_on))
    return await read_activity(ctx, row.id, response)


@router.post(
    "/activities/{activity_id}/cancel", summary="Strike an activity, and its copies on the levels below"
)
async def cancel_activity(activity_id: uuid.UUID, ctx: Command, response: Response) -> ArshjulActivityRead:
    row = await commands.cancel(ctx, activity_id)
    return await read_activity(ctx, row.id, response)


@router.post("/activities/{activity_id}/complete", summary="Mark an activity done by hand")
async def complete_activity(
    activity_id: uuid.UUID, ctx: Command, response: Response, body: ArshjulActivityComplete | None = None
) -> ArshjulActivityRead:
    done = body or ArshjulActivityComplete()
    row = await commands.complete(ctx, commands.Complete(activity_id, done.fulfilled_on, done.note))
    return await read_activity(ctx, row.id, response)


@router.get(
    "/calendar.ics",
    summary="The årshjul as an iCalendar feed, a unit's or the caller's own: a bearer token or a feed URL",
    responses={
        200: {"content": {"text/calendar": {}}},
        401: {"description": "Neither a valid token nor a feed URL's secret in force"},
    },
    response_class=Response,
    # A bearer token, or none: a calendar client sends the feed URL's secret (`feed`) instead.
    openapi_extra={"security": [{"bearer": []}, {}]},
)
async def calendar_feed(
    ctx: CalendarQuery, unit_id: uuid.UUID | None = None, feed: str | None = None
) -> Response:
    found = await queries.calendar(ctx, unit_id=unit_id, feed=feed)
    return Response(found.content, media_type=ICS_MEDIA_TYPE, headers={"Cache-Control": "private, no-store"})


@router.post(
    "/calendar-feeds", status_code=status.HTTP_201_CREATED, summary="A feed URL: the secret shown once"
)
async def create_feed(
    body: CalendarFeedCreate, ctx: Command, request: Request, response: Response
) -> CalendarFeedCreatedRead:
    made = await commands.create_feed(ctx, commands.CreateFeed(body.scope, body.unit_id, body.label))
    response.status_code = made.status
    secret = made.value.secret
    url = f"{request.base_url}api/v1/arshjul/calendar.ics?feed={secret}" if secret else None
    return CalendarFeedCreatedRead.model_validate(
        {**CalendarFeedRead.model_validate(made.value.token).model_dump(), "secret": secret, "url": url}
    )


@router.get("/calendar-feeds", summary="The caller's own feed URLs in force (without their secrets)")
async def list_feeds(ctx: Query) -> CalendarFeedPage:
    return CalendarFeedPage(items=[CalendarFeedRead.model_validate(t) for t in await queries.feeds(ctx)])


@router.delete(
    "/calendar-feeds/{feed_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke a feed URL: it answers 404",
)
async def revoke_feed(feed_id: uuid.UUID, ctx: Command) -> Response:
    await commands.revoke_feed(ctx, feed_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/overview.pdf",
    summary="The year as a month-column chart (PDF)",
    responses={200: {"content": {PDF_MEDIA_TYPE: {}}}},
    response_class=Response,
)
async def overview(year: Year, unit_id: uuid.UUID, ctx: Query) -> Response:
    doc = await overview_pdf(ctx, year, unit_id)
    return attachment(doc.content, PDF_MEDIA_TYPE, doc.filename)
