"""Klagomål och synpunkter (/api/v1/complaints). If-Match names the complaint's ETag."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from deviation_svc.adapters.orm import Complaint
from deviation_svc.domain.complaints import ComplaintKind, ComplaintStatus
from deviation_svc.entrypoints.api.deps import Command
from deviation_svc.entrypoints.api.deps import Query as QueryDep
from deviation_svc.entrypoints.api.proposals import MOVED_HEADERS, link_moved_complaint
from deviation_svc.entrypoints.api.schemas.complaints import (
    ComplaintCreate,
    ComplaintListItem,
    ComplaintPage,
    ComplaintPatch,
    ComplaintRead,
    EscalateBody,
    EscalationRead,
    RespondBody,
)
from deviation_svc.service_layer.complaints import commands, queries
from deviation_svc.service_layer.context import Ctx
from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Day

router = APIRouter(prefix="/api/v1/complaints", tags=["complaints"], responses=PROBLEM_RESPONSES)


async def read_model(ctx: Ctx, c: Complaint, response: Response) -> ComplaintRead:
    return with_etag(response, ComplaintRead.model_validate(await queries.view(ctx, c)))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Register a complaint, synpunkt or beröm (kind forbattringsforslag, deprecated: a proposal)",
    responses={201: {"headers": MOVED_HEADERS}},
)
async def register(body: ComplaintCreate, ctx: Command, response: Response) -> ComplaintRead:
    created = await commands.register(ctx, body.command())
    response.status_code = created.status
    link_moved_complaint(response, created.value.moved_to_proposal_id, created=True)
    return await read_model(ctx, created.value, response)


@router.get("", summary="List complaints visible to the caller (newest first)")
async def list_complaints(
    ctx: QueryDep,
    page: PageDep,
    status_: Annotated[list[ComplaintStatus] | None, Query(alias="status")] = None,
    kind: Annotated[list[ComplaintKind] | None, Query()] = None,
    unit_id: uuid.UUID | None = None,
    first: Annotated[Day | None, Query(alias="from")] = None,
    last: Annotated[Day | None, Query(alias="to")] = None,
    overdue: bool | None = None,
) -> ComplaintPage:
    f = queries.CaseFilter(tuple(status_ or ()), tuple(kind or ()), unit_id, first, last, overdue)
    rows, next_cursor = await queries.complaints(ctx, f, page)
    return ComplaintPage(items=[ComplaintListItem.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/{complaint_id}", summary="One complaint (one moved to a proposal links to it)")
async def get_complaint(complaint_id: uuid.UUID, ctx: QueryDep, response: Response) -> ComplaintRead:
    c = with_etag(response, ComplaintRead.model_validate(await queries.complaint(ctx, complaint_id)))
    link_moved_complaint(response, c.moved_to_proposal_id)
    return c


@router.patch("/{complaint_id}", summary="Edit a complaint's fields")
async def patch_complaint(
    complaint_id: uuid.UUID, body: ComplaintPatch, ctx: Command, response: Response
) -> ComplaintRead:
    c = await commands.edit(ctx, commands.EditComplaint(complaint_id, body.model_dump(exclude_unset=True)))
    return await read_model(ctx, c, response)


@router.post("/{complaint_id}/acknowledge", summary="Acknowledge receipt (not for an anonymous complainant)")
async def acknowledge(complaint_id: uuid.UUID, ctx: Command, response: Response) -> ComplaintRead:
    return await read_model(
        ctx, await commands.acknowledge(ctx, commands.Acknowledge(complaint_id)), response
    )


@router.post("/{complaint_id}/start-investigation", summary="Start looking into the complaint")
async def start_investigation(complaint_id: uuid.UUID, ctx: Command, response: Response) -> ComplaintRead:
    c = await commands.start_investigation(ctx, commands.StartInvestigation(complaint_id))
    return await read_model(ctx, c, response)


@router.post("/{complaint_id}/respond", summary="Reply to the complainant")
async def respond(
    complaint_id: uuid.UUID, body: RespondBody, ctx: Command, response: Response
) -> ComplaintRead:
    c = await commands.respond(ctx, commands.Respond(complaint_id, **body.model_dump()))
    return await read_model(ctx, c, response)


@router.post(
    "/{complaint_id}/escalate",
    summary="A missförhållande or vårdskada came to light: report a linked lex_sarah or hsl deviation",
)
async def escalate(
    complaint_id: uuid.UUID, body: EscalateBody, ctx: Command, response: Response
) -> EscalationRead:
    c, deviation_id = await commands.escalate(ctx, commands.Escalate(complaint_id, **body.model_dump()))
    return EscalationRead(complaint=await read_model(ctx, c, response), deviation_id=deviation_id)


@router.post("/{complaint_id}/close", summary="Close the complaint")
async def close(complaint_id: uuid.UUID, ctx: Command, response: Response) -> ComplaintRead:
    return await read_model(ctx, await commands.close(ctx, commands.Close(complaint_id)), response)
