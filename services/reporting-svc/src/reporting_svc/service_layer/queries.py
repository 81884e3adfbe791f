"""Read side of reporting's own data: a person's notifications, newest first."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.errors import FieldError, ValidationFailed
from platform_shared.pagination import decode_cursor, encode_cursor
from reporting_svc.adapters.orm import Notification


def _decode_created_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    created_at, last_id = decode_cursor(cursor, 2)
    try:
        return datetime.fromisoformat(created_at), uuid.UUID(last_id)
    except ValueError as exc:
        raise ValidationFailed(
            "Invalid cursor", errors=[FieldError("cursor", "not a cursor from this API")]
        ) from exc


async def notifications_of(
    session: AsyncSession,
    recipient_id: uuid.UUID,
    cursor: str | None,
    limit: int,
    unread: bool | None = None,
) -> tuple[list[Notification], str | None]:
    """Newest first, keyset-paged on (created_at, id) descending."""
    n = Notification
    stmt = select(n).where(n.recipient_id == recipient_id)
    if unread is True:
        stmt = stmt.where(n.read_at.is_(None))
    elif unread is False:
        stmt = stmt.where(n.read_at.is_not(None))
    if cursor:
        created_at, last_id = _decode_created_cursor(cursor)
        stmt = stmt.where(or_(n.created_at < created_at, and_(n.created_at == created_at, n.id < last_id)))
    stmt = stmt.order_by(n.created_at.desc(), n.id.desc()).limit(limit + 1)
    rows = list((await session.scalars(stmt)).all())
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, encode_cursor(rows[-1].created_at.isoformat(), rows[-1].id)
    return rows, None
