"""Uploading an attachment to a deviation: the reporter on her own report and the case's handlers
(case.attach), a type the tenant takes whose bytes are what they claim, never an executable."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from deviation_svc.adapters.attachments import storage_key
from deviation_svc.adapters.orm import Attachment, Deviation
from deviation_svc.domain.attachments import check_content, clean_filename
from deviation_svc.domain.lifecycle import Step
from deviation_svc.service_layer.access import load_for_step
from deviation_svc.service_layer.context import CommandCtx, touch
from platform_shared.context import Created
from platform_shared.ids import new_id


@dataclass(frozen=True)
class Upload:
    deviation_id: uuid.UUID
    filename: str | None
    content_type: str
    data: bytes


async def upload(ctx: CommandCtx, cmd: Upload) -> Created[Attachment]:
    d = await load_for_step(ctx, cmd.deviation_id, Step.ATTACH, precondition=False)
    settings = ctx.parts.settings
    kind = check_content(
        cmd.content_type, cmd.data, settings.attachment_content_types, settings.attachment_max_bytes
    )
    return await ctx.once(Attachment, lambda: _store(ctx, cmd, d, kind))


async def _store(ctx: CommandCtx, cmd: Upload, d: Deviation, kind: str) -> Created[Attachment]:
    attachment_id = new_id()
    a = Attachment(
        id=attachment_id,
        deviation_id=d.id,
        filename=clean_filename(cmd.filename),
        content_type=kind,
        size=len(cmd.data),
        sha256=hashlib.sha256(cmd.data).hexdigest(),
        storage_key=storage_key(str(attachment_id)),
        uploaded_by=ctx.caller.id,
        uploaded_at=ctx.now(),
    )
    ctx.session.add(a)
    touch(d, ctx)
    await ctx.created(a.id)
    await ctx.audit("deviation", d.id, "attach")
    await ctx.parts.attachments.put(a.storage_key, cmd.data)
    try:
        await ctx.commit()
    except BaseException:
        await ctx.parts.attachments.delete(a.storage_key)  # nothing kept when the row is not
        raise
    return Created(a)
