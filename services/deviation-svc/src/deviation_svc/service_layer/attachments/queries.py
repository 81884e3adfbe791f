"""Reading a deviation's attachments (its handlers only): the list, and one file's bytes."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from deviation_svc.adapters.orm import Attachment
from deviation_svc.service_layer.access import readable
from deviation_svc.service_layer.context import QueryCtx
from platform_shared.errors import NotFound


async def attachments(ctx: QueryCtx, deviation_id: uuid.UUID) -> list[Attachment]:
    d, _ = await readable(ctx, deviation_id, handlers_only=True)
    await ctx.audited("deviation", d.id, "list_attachments")
    rows = await ctx.session.scalars(
        select(Attachment)
        .where(Attachment.deviation_id == d.id)
        .order_by(Attachment.uploaded_at, Attachment.id)
    )
    return list(rows.all())


async def download(
    ctx: QueryCtx, deviation_id: uuid.UUID, attachment_id: uuid.UUID
) -> tuple[Attachment, bytes]:
    d, _ = await readable(ctx, deviation_id, handlers_only=True)
    a = await ctx.session.get(Attachment, attachment_id)
    if a is None or a.deviation_id != d.id:
        raise NotFound("Bilagan finns inte")
    await ctx.audited("deviation", d.id, "download_attachment")
    return a, await ctx.parts.attachments.get(a.storage_key)
