"""Publishes outbox rows in order; retries with backoff while the bus is down; loses nothing."""

from __future__ import annotations

import asyncio
import contextlib

import orjson
import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from platform_shared import metrics
from platform_shared.messaging.tables import MessagingTables
from platform_shared.messaging.transport import OutgoingMessage, Transport
from platform_shared.timeutil import utc_now

log = structlog.get_logger(__name__)


class OutboxRelay:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        transport: Transport,
        *,
        service: str,
        batch_size: int = 200,
        poll_interval_s: float = 0.5,
        initial_backoff_s: float = 0.05,
        max_backoff_s: float = 10.0,
    ) -> None:
        self._factory = session_factory
        self._outbox = tables.outbox
        self._transport = transport
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._initial_backoff_s = initial_backoff_s
        self._max_backoff_s = max_backoff_s
        self._wakeup = asyncio.Event()
        self._published = metrics.counter(
            f"{service}_outbox_published_total", "Outbox events published to the bus"
        )
        self._failures = metrics.counter(
            f"{service}_outbox_publish_failures_total", "Failed attempts to publish outbox events"
        )

    def wake(self) -> None:
        self._wakeup.set()

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows, oldest first. Raises if the bus refuses them."""
        async with self._factory() as session, session.begin():
            rows = (
                await session.execute(
                    select(self._outbox)
                    .where(self._outbox.c.published_at.is_(None))
                    .order_by(self._outbox.c.seq)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            messages = [
                OutgoingMessage(
                    topic=row.topic,
                    key=row.key,
                    value=orjson.dumps(row.payload),
                    headers=dict(row.headers),
                )
                for row in rows
            ]
            failure: Exception | None = None
            try:
                await self._transport.send_batch(messages)
            except Exception as exc:
                failure = exc
            else:
                await session.execute(
                    update(self._outbox)
                    .where(self._outbox.c.seq.in_([row.seq for row in rows]))
                    .values(published_at=utc_now())
                )
        if failure is not None:
            # Recorded after the claiming transaction ended, so its row locks are released.
            self._failures.inc()
            await self._record_failure(rows[0].seq, failure)
            raise failure
        self._published.inc(len(rows))
        return len(rows)

    async def _record_failure(self, seq: int, exc: Exception) -> None:
        async with self._factory() as session, session.begin():
            await session.execute(
                update(self._outbox)
                .where(self._outbox.c.seq == seq)
                .values(attempts=self._outbox.c.attempts + 1, last_error=repr(exc)[:2000])
            )

    async def drain(self) -> int:
        total = 0
        while count := await self.publish_pending():
            total += count
        return total

    async def run(self) -> None:
        backoff = self._initial_backoff_s
        while True:
            self._wakeup.clear()
            try:
                published = await self.publish_pending()
                backoff = self._initial_backoff_s
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox relay could not publish; retrying", error=repr(exc), retry_in_s=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff_s)
                continue
            if published == self._batch_size:
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_interval_s):  # not wait_for: see local.py
                    await self._wakeup.wait()
