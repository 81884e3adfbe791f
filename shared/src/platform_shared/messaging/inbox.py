from __future__ import annotations

import uuid

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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


async def claim_many(
    session: AsyncSession, tables: MessagingTables, consumer: str, events: list[tuple[uuid.UUID, str]]
) -> set[uuid.UUID]:
    """Record a batch of events as processed by `consumer` in one statement; returns the ids that
    were not processed before (the others are redeliveries)."""
    if not events:
        return set()
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    now = utc_now()
    rows = [
        {"consumer": consumer, "event_id": event_id, "event_type": event_type, "received_at": now}
        for event_id, event_type in dict(events).items()
    ]
    inbox = tables.inbox
    result = await session.execute(
        insert(inbox).values(rows).on_conflict_do_nothing().returning(inbox.c.event_id)
    )
    return set(result.scalars().all())
