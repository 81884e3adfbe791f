"""/api/v1/notifications: the caller's own in-app notifications."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter
from fastapi import Query as Param

from platform_shared.api.pagination import PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from reporting_svc.entrypoints.api.deps import Command, Query
from reporting_svc.entrypoints.api.schemas import NotificationPage, NotificationRead, UnreadCount
from reporting_svc.service_layer.inbox import commands, queries

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"], responses=PROBLEM_RESPONSES)


@router.get("", summary="The caller's notifications, newest first")
async def list_notifications(
    ctx: Query,
    page: PageDep,
    unread: Annotated[bool | None, Param(description="true: only unread ones")] = None,
) -> NotificationPage:
    rows, next_cursor = await queries.notifications(ctx, page, unread)
    return NotificationPage(items=[NotificationRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/unread-count", summary="How many of the caller's notifications are unread")
async def unread_count(ctx: Query) -> UnreadCount:
    return UnreadCount(unread=await queries.unread_count(ctx))


@router.post("/{notification_id}/read", summary="Mark one of the caller's notifications as read")
async def mark_read(notification_id: uuid.UUID, ctx: Command) -> NotificationRead:
    return NotificationRead.model_validate(await commands.mark_read(ctx, commands.MarkRead(notification_id)))
