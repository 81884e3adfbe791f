"""Klagomål och synpunkter (/api/v1/complaints)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from deviation_svc.adapters.orm import Complaint
from deviation_svc.domain.complaints import ComplaintKind, ComplaintStatus
from deviation_svc.entrypoints.api.case_schemas import (
    ComplaintCreate,
    ComplaintListItem,
    ComplaintPage,
    ComplaintPatch,
    ComplaintRead,
    EscalateBody,
    EscalationRead,
    RespondBody,
)
from deviation_svc.entrypoints.api.creating import create_once
from deviation_svc.entrypoints.api.deps import CtxDep, IdemDep, IfMatch, ScopeDep, etag
from deviation_svc.service_layer import complaints as cmds
from deviation_svc.service_layer import deadlines, queries, subjects, views
from deviation_svc.service_layer.context import Ctx
from platform_shared.access import Action
from platform_shared.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from platform_shared.errors import PROBLEM_RESPONSES, FieldError, ValidationFailed

router = APIRouter(prefix="/api/v1/complaints", tags=["complaints"], responses=PROBLEM_RESPONSES)


async def render(ctx: Ctx, c: Complaint, response: Response) -> ComplaintRead:
    etag(response, c.version)
    people = await subjects.of(ctx.uow.session, ctx.parts.cipher, c.id)
    return ComplaintRead.model_validate(
        views.columns_of(c)
        | {
            "subjects": [asdict(s) for s in people],
            "deadlines": [asdict(v) for v in await deadlines.views(ctx, c.id)],
        }
    )


@router.post("", status_code=status.HTTP_201_CREATED, summary="Register a complaint, synpunkt or beröm")
async def register(body: ComplaintCreate, ctx: CtxDep, idem: IdemDep, response: Response) -> ComplaintRead:
    if not await ctx.caller.directory.unit_exists(body.unit_id):
        raise ValidationFailed("Unknown unit", errors=[FieldError("unit_id", "no such org unit")])
    await ctx.caller.require(Action.CASE_CREATE, body.unit_id)

    async def create() -> ComplaintRead:
        subject = body.subject
        c = await cmds.register(
            ctx,
            cmds.RegisterComplaint(
                kind=body.kind,
                channel=body.channel,
                complainant_type=body.complainant_type,
                unit_id=body.unit_id,
                text=body.text,
                received_at=body.received_at,
                category=body.category,
                subject=subjects.SubjectInput(subject.name, subject.personnummer, subject.protected_identity)
                if subject
                else None,
            ),
            idem,
        )
        return await render(ctx, c, response)

    async def replay(complaint_id: uuid.UUID) -> ComplaintRead:
        return await render(ctx, await cmds.read(ctx, complaint_id), response)

    return await create_once(ctx, idem, response, create, replay)


@router.get("", summary="List complaints visible to the caller (newest first)")
async def list_complaints(
    scope: ScopeDep,
    ctx: CtxDep,
    status_: Annotated[list[ComplaintStatus] | None, Query(alias="status")] = None,
    kind: Annotated[list[ComplaintKind] | None, Query()] = None,
    unit_id: uuid.UUID | None = None,
    first: Annotated[date | None, Query(alias="from")] = None,
    last: Annotated[date | None, Query(alias="to")] = None,
    overdue: bool | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> ComplaintPage:
    rows, next_cursor = await queries.complaints(
        ctx.uow.session,
        scope,
        queries.CaseFilter(
            status=tuple(s.value for s in status_ or ()),
            kind=tuple(k.value for k in kind or ()),
            unit_id=unit_id,
            first=first,
            last=last,
            overdue=overdue,
            cursor=cursor,
            limit=limit,
        ),
    )
    return ComplaintPage(items=[ComplaintListItem.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/{complaint_id}", summary="One complaint")
async def get_complaint(complaint_id: uuid.UUID, ctx: CtxDep, response: Response) -> ComplaintRead:
    return await render(ctx, await cmds.read(ctx, complaint_id), response)


@router.patch("/{complaint_id}", summary="Edit a complaint's fields")
async def patch_complaint(
    complaint_id: uuid.UUID, body: ComplaintPatch, ctx: CtxDep, if_match: IfMatch, response: Response
) -> ComplaintRead:
    c = await cmds.edit(ctx, cmds.EditComplaint(complaint_id, body.model_dump(exclude_unset=True), if_match))
    return await render(ctx, c, response)


@router.post("/{complaint_id}/acknowledge", summary="Acknowledge receipt (not for an anonymous complainant)")
async def acknowledge(
    complaint_id: uuid.UUID, ctx: CtxDep, if_match: IfMatch, response: Response
) -> ComplaintRead:
    return await render(ctx, await cmds.acknowledge(ctx, complaint_id, if_match), response)


@router.post("/{complaint_id}/start-investigation", summary="Start looking into the complaint")
async def start_investigation(
    complaint_id: uuid.UUID, ctx: CtxDep, if_match: IfMatch, response: Response
) -> ComplaintRead:
    return await render(ctx, await cmds.start_investigation(ctx, complaint_id, if_match), response)


@router.post("/{complaint_id}/respond", summary="Reply to the complainant")
async def respond(
    complaint_id: uuid.UUID, body: RespondBody, ctx: CtxDep, if_match: IfMatch, response: Response
) -> ComplaintRead:
    c = await cmds.respond(ctx, cmds.Respond(complaint_id, body.response, if_match))
    return await render(ctx, c, response)


@router.post(
    "/{complaint_id}/escalate",
    summary="A missförhållande or vårdskada came to light: report a linked lex_sarah or hsl deviation",
)
async def escalate(
    complaint_id: uuid.UUID, body: EscalateBody, ctx: CtxDep, if_match: IfMatch, response: Response
) -> EscalationRead:
    c, deviation_id = await cmds.escalate(
        ctx,
        cmds.Escalate(complaint_id, body.type, body.description, body.occurred_at, body.category, if_match),
    )
    return EscalationRead(complaint=await render(ctx, c, response), deviation_id=deviation_id)


@router.post("/{complaint_id}/close", summary="Close the complaint")
async def close(complaint_id: uuid.UUID, ctx: CtxDep, if_match: IfMatch, response: Response) -> ComplaintRead:
    return await render(ctx, await cmds.close(ctx, complaint_id, if_match), response)
