"""The caller's own notifications (their inbox): newest first, and how many are unread."""

from __future__ import annotations

from sqlalchemy import func, select

from platform_shared.pagination import PageRequest, keyset_page
from reporting_svc.adapters.orm import Notification
from reporting_svc.service_layer.context import QueryCtx


async def notifications(
    ctx: QueryCtx, page: PageRequest, unread: bool | None = None
) -> tuple[list[Notification], str | None]:
    """Newest first, keyset-paged on (created_at, id) descending."""
    n = Notification
    stmt = select(n).where(n.recipient_id == ctx.caller.id)
    if unread is True:
        stmt = stmt.where(n.read_at.is_(None))
    elif unread is False:
        stmt = stmt.where(n.read_at.is_not(None))
    return await keyset_page(ctx.session, stmt, [n.created_at, n.id], page, descending=True)


async def unread_count(ctx: QueryCtx) -> int:
    n = Notification
    count = await ctx.session.scalar(
        select(func.count()).select_from(n).where(n.recipient_id == ctx.caller.id, n.read_at.is_(None))
    )
    return int(count or 0)
