from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.messaging.tables import MessagingTables
from platform_shared.sqlutil import insert_ignore
from platform_shared.timeutil import utc_now


async def claim(
    session: AsyncSession, tables: MessagingTables, consumer: str, event_id: uuid.UUID, event_type: str
) -> bool:
    """Record the event as processed by `consumer`; False when it already was (a redelivery)."""
    return await insert_ignore(
        session,
        tables.inbox,
        {"consumer": consumer, "event_id": event_id, "event_type": event_type, "received_at": utc_now()},
    )
