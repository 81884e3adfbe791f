"""Attachments on a deviation: upload (multipart), list, download."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Response, UploadFile, status

from deviation_svc.adapters.orm import Attachment
from deviation_svc.entrypoints.api.creating import create_once
from deviation_svc.entrypoints.api.deps import CtxDep, IdemDep
from deviation_svc.entrypoints.api.schemas import AttachmentList, AttachmentRead
from deviation_svc.service_layer import attachments as cmds
from deviation_svc.service_layer import views
from platform_shared.errors import PROBLEM_RESPONSES, NotFound

router = APIRouter(prefix="/api/v1/deviations", tags=["attachments"], responses=PROBLEM_RESPONSES)


@router.post(
    "/{deviation_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    summary="Upload an attachment (size limit and content types in the settings)",
)
async def upload(
    deviation_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="The file")],
    ctx: CtxDep,
    idem: IdemDep,
    response: Response,
) -> AttachmentRead:
    limit = ctx.parts.settings.attachment_max_bytes
    data = await file.read(limit + 1)  # one byte over the limit is enough to refuse it

    async def create() -> AttachmentRead:
        a = await cmds.upload(
            ctx,
            cmds.Upload(deviation_id, file.filename or "bilaga", file.content_type or "", data),
            idem,
        )
        return AttachmentRead.model_validate(a)

    async def replay(attachment_id: uuid.UUID) -> AttachmentRead:
        await views.read(ctx, deviation_id, "list_attachments", handlers_only=True)
        a = await ctx.uow.session.get(Attachment, attachment_id)
        if a is None:
            raise NotFound("Attachment not found")
        return AttachmentRead.model_validate(a)

    return await create_once(ctx, idem, response, create, replay)


@router.get("/{deviation_id}/attachments", summary="The deviation's attachments")
async def list_attachments(deviation_id: uuid.UUID, ctx: CtxDep) -> AttachmentList:
    rows = await cmds.listing(ctx, deviation_id)
    return AttachmentList(items=[AttachmentRead.model_validate(a) for a in rows])


@router.get(
    "/{deviation_id}/attachments/{attachment_id}",
    summary="Download an attachment",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download(deviation_id: uuid.UUID, attachment_id: uuid.UUID, ctx: CtxDep) -> Response:
    a, data = await cmds.download(ctx, deviation_id, attachment_id)
    return Response(
        data,
        media_type=a.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(a.filename)}",
            "X-Content-Type-Options": "nosniff",
        },
    )
