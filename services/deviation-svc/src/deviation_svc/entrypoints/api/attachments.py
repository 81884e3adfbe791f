"""Attachments on a deviation: upload (multipart, Idempotency-Key like every creating POST), list,
download."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Response, UploadFile, status

from deviation_svc.entrypoints.api.deps import Command, Query
from deviation_svc.entrypoints.api.schemas.attachments import AttachmentList, AttachmentRead
from deviation_svc.service_layer.attachments import commands, queries
from platform_shared.api.limits import body_limit
from platform_shared.api.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1/deviations", tags=["attachments"], responses=PROBLEM_RESPONSES)


@router.post(
    "/{deviation_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    summary="Upload an attachment: the reporter on her own report, the case's handlers (types and size limit "
    "in the settings; the content must be of the declared type)",
)
@body_limit(setting="attachment_max_bytes")
async def upload(
    deviation_id: uuid.UUID, file: Annotated[UploadFile, File()], ctx: Command, response: Response
) -> AttachmentRead:
    data = await file.read(ctx.parts.settings.attachment_max_bytes + 1)  # a byte over is enough to refuse
    cmd = commands.Upload(deviation_id, file.filename, file.content_type or "", data)
    created = await commands.upload(ctx, cmd)
    response.status_code = created.status
    return AttachmentRead.model_validate(created.value)


@router.get("/{deviation_id}/attachments", summary="The deviation's attachments")
async def list_attachments(deviation_id: uuid.UUID, ctx: Query) -> AttachmentList:
    rows = await queries.attachments(ctx, deviation_id)
    return AttachmentList(items=[AttachmentRead.model_validate(a) for a in rows])


@router.get(
    "/{deviation_id}/attachments/{attachment_id}",
    summary="Download an attachment",
    response_class=Response,
    responses={
        200: {
            "description": "The file, as the content type it was stored with (one of the tenant's "
            "attachment types)",
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def download(deviation_id: uuid.UUID, attachment_id: uuid.UUID, ctx: Query) -> Response:
    a, data = await queries.download(ctx, deviation_id, attachment_id)
    disposition = f"attachment; filename*=UTF-8''{quote(a.filename)}"
    headers = {"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"}
    return Response(data, media_type=a.content_type, headers=headers)
