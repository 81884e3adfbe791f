"""/api/v1/notifications: the caller's own in-app notifications."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select, update

from platform_shared.api.deps import CurrentPrincipal, SessionDep
from platform_shared.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.errors import NotFound
from reporting_svc.adapters.orm import Notification
from reporting_svc.entrypoints.api.deps import ContextDep
from reporting_svc.entrypoints.api.schemas import NotificationPage, NotificationRead, UnreadCount
from reporting_svc.service_layer import queries

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"], responses=PROBLEM_RESPONSES)


@router.get("", summary="The caller's notifications, newest first")
async def list_notifications(
    principal: CurrentPrincipal,
    session: SessionDep,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    unread: Annotated[bool | None, Query(description="true: only unread ones")] = None,
) -> NotificationPage:
    rows, next_cursor = await queries.notifications_of(session, principal.person_id, cursor, limit, unread)
    return NotificationPage(items=[NotificationRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/unread-count", summary="How many of the caller's notifications are unread")
async def unread_count(principal: CurrentPrincipal, session: SessionDep) -> UnreadCount:
    n = Notification
    count = await session.scalar(
        select(func.count()).select_from(n).where(n.recipient_id == principal.person_id, n.read_at.is_(None))
    )
    return UnreadCount(unread=int(count or 0))


@router.post("/{notification_id}/read", summary="Mark one of the caller's notifications as read")
async def mark_read(notification_id: uuid.UUID, ctx: ContextDep) -> NotificationRead:
    n = Notification
    found = await ctx.session.get(n, notification_id)
    if found is None or found.recipient_id != ctx.principal.person_id:
        raise NotFound("Notification not found")
    if found.read_at is None:  # reading twice keeps the first time
        await ctx.session.execute(
            update(n).where(n.id == notification_id, n.read_at.is_(None)).values(read_at=ctx.runtime.clock())
        )
        await ctx.session.commit()
        await ctx.session.refresh(found)
    return NotificationRead.model_validate(found)
