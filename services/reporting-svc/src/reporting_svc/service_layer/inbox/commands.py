"""Marking one of the caller's notifications as read (reading twice keeps the first time)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import update

from reporting_svc.adapters.orm import Notification
from reporting_svc.service_layer.access import own_notification
from reporting_svc.service_layer.context import CommandCtx


@dataclass(frozen=True)
class MarkRead:
    notification_id: uuid.UUID


async def mark_read(ctx: CommandCtx, cmd: MarkRead) -> Notification:
    found = await own_notification(ctx, cmd.notification_id)
    if found.read_at is None:
        n = Notification
        await ctx.session.execute(
            update(n).where(n.id == found.id, n.read_at.is_(None)).values(read_at=ctx.now())
        )
        await ctx.commit()
        await ctx.session.refresh(found)
    return found
