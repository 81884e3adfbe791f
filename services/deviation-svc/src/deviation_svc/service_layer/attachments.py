"""Attachments on a deviation: upload within the configured size and content types, list, download."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from deviation_svc.adapters.attachments import storage_key
from deviation_svc.adapters.orm import Attachment
from deviation_svc.domain.lifecycle import Step
from deviation_svc.service_layer import views
from deviation_svc.service_layer.context import Ctx, load_for_step, touch
from deviation_svc.service_layer.idempotency import Answer, IdempotencyKey
from platform_shared.errors import FieldError, NotFound, ValidationFailed
from platform_shared.ids import new_id


@dataclass(frozen=True)
class Upload:
    deviation_id: uuid.UUID
    filename: str
    content_type: str
    data: bytes


def _check(ctx: Ctx, cmd: Upload) -> None:
    settings = ctx.parts.settings
    content_type = cmd.content_type.split(";")[0].strip().lower()
    if content_type not in settings.attachment_content_types:
        raise ValidationFailed(
            "Content type not allowed",
            errors=[FieldError("file", f"allowed: {', '.join(settings.attachment_content_types)}")],
        )
    if len(cmd.data) > settings.attachment_max_bytes:
        raise ValidationFailed(
            "File too large", errors=[FieldError("file", f"at most {settings.attachment_max_bytes} bytes")]
        )
    if not cmd.data:
        raise ValidationFailed("Empty file", errors=[FieldError("file", "empty")])


async def upload(ctx: Ctx, cmd: Upload, idem: IdempotencyKey | None = None) -> Attachment:
    d = await load_for_step(ctx, cmd.deviation_id, Step.ATTACH)
    _check(ctx, cmd)
    attachment_id = new_id()
    a = Attachment(
        id=attachment_id,
        deviation_id=d.id,
        filename=(cmd.filename or "bilaga")[-255:],
        content_type=cmd.content_type.split(";")[0].strip().lower(),
        size=len(cmd.data),
        sha256=hashlib.sha256(cmd.data).hexdigest(),
        storage_key=storage_key(str(attachment_id)),
        uploaded_by=ctx.caller.id,
        uploaded_at=ctx.now(),
    )
    ctx.uow.session.add(a)
    touch(d, ctx)
    if idem is not None:
        idem.remember(ctx.uow, Answer(201, a.id))
    await ctx.audit("deviation", d.id, "attach")
    await ctx.parts.attachments.put(a.storage_key, cmd.data)
    try:
        await ctx.uow.commit()
    except BaseException:
        await ctx.parts.attachments.delete(a.storage_key)  # nothing kept when the row is not
        raise
    return a


async def listing(ctx: Ctx, deviation_id: uuid.UUID) -> list[Attachment]:
    d, _ = await views.read(ctx, deviation_id, "list_attachments", handlers_only=True)
    rows = await ctx.uow.session.scalars(
        select(Attachment)
        .where(Attachment.deviation_id == d.id)
        .order_by(Attachment.uploaded_at, Attachment.id)
    )
    return list(rows.all())


async def download(ctx: Ctx, deviation_id: uuid.UUID, attachment_id: uuid.UUID) -> tuple[Attachment, bytes]:
    d, _ = await views.readable(ctx, deviation_id, handlers_only=True)
    a = await ctx.uow.session.get(Attachment, attachment_id)
    if a is None or a.deviation_id != d.id:
        raise NotFound("Attachment not found")
    await views.audited(ctx, d, "download_attachment")
    return a, await ctx.parts.attachments.get(a.storage_key)
