"""Publishes outbox rows in order per key; loses nothing while the bus is down.

- **One active relay per service.** On PostgreSQL the relay that holds a session-level advisory lock
  publishes, and does all its outbox work on the connection that holds the lock; other replicas'
  relays stand by and take over within a poll interval when that connection ends (the process died,
  the database restarted). So two relays never publish at the same time and order per key holds. On
  SQLite (the embedded default: one process) there is nothing to elect.
- **A refused row stops only its own key.** A row the bus refuses (too large, no such topic) gets its
  error, its attempt count and its next attempt on that row, with backoff; the later rows of its key
  wait behind it; every other key keeps flowing.
- **The bus unreachable** is not the rows' fault: nothing is marked, `step` raises
  `TransportUnavailable` and the supervising loop backs off and retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import orjson
import structlog
from sqlalchemy import Select, Table, Update, bindparam, exists, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from platform_shared import metrics
from platform_shared.contracts.envelope import structured_headers
from platform_shared.messaging.tables import MessagingTables
from platform_shared.messaging.transport import (
    OutgoingMessage,
    Refused,
    Transport,
    TransportUnavailable,
)
from platform_shared.timeutil import utc_now

log = structlog.get_logger(__name__)


def relay_lock_key(service: str) -> int:
    """The key of the service's relay advisory lock (stable, fits PostgreSQL's bigint)."""
    return zlib.crc32(f"outbox-relay:{service}".encode()) - 2**31


def _statements(o: Table, batch_size: int) -> tuple[Select[Any], Update]:
    """The relay's two statements, built once: each round runs them, their compiled form then found
    without building a new statement and its cache key. The due rows (oldest first, none behind a
    refused row of its key that waits for its next attempt) and marking rows published."""
    held = o.alias("held")
    now = bindparam("now", type_=o.c.created_at.type)
    behind_a_refused_row = exists().where(
        held.c.published_at.is_(None),
        held.c.next_attempt_at.is_not(None),
        held.c.next_attempt_at > now,
        held.c.topic == o.c.topic,
        held.c.key == o.c.key,
        held.c.seq <= o.c.seq,
    )
    due = (
        select(o.c.seq, o.c.topic, o.c.key, o.c.payload, o.c.headers, o.c.attempts)
        .where(o.c.published_at.is_(None), ~behind_a_refused_row)
        .order_by(o.c.seq)
        .limit(batch_size)
    )
    mark = (
        update(o)
        .where(o.c.seq.in_(bindparam("seqs", expanding=True)))
        .values(published_at=now, next_attempt_at=None)
    )
    return due, mark


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
        linger_s: float = 0.0,
        refused_backoff_s: float = 1.0,
        refused_backoff_max_s: float = 60.0,
    ) -> None:
        bind = session_factory.kw.get("bind")
        if not isinstance(bind, AsyncEngine):
            raise TypeError("the relay needs a session factory bound to an AsyncEngine")
        self._engine = bind
        self._elect = bind.dialect.name == "postgresql"
        self._lock_key = relay_lock_key(service)
        self._outbox = tables.outbox
        self._transport = transport
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._linger_s = linger_s
        self._refused_backoff_s = refused_backoff_s
        self._refused_backoff_max_s = refused_backoff_max_s
        self._wakeup = asyncio.Event()
        self._leader: AsyncConnection | None = None
        self._due_rows, self._mark_published = _statements(tables.outbox, batch_size)
        self._published = metrics.counter(
            f"{service}_outbox_published_total", "Outbox events published to the bus"
        )
        self._failures = metrics.counter(
            f"{service}_outbox_publish_failures_total", "Attempts to publish that found the bus unavailable"
        )
        self._refused = metrics.counter(
            f"{service}_outbox_refused_total", "Outbox rows the bus refused (retried with backoff)"
        )

    @property
    def active(self) -> bool:
        """This relay publishes (False: another replica's relay does; it stands by)."""
        return not self._elect or self._leader is not None

    def wake(self) -> None:
        self._wakeup.set()

    async def step(self) -> None:
        """One round for the supervising loop: publish what is due, then wait for the next commit
        (or the poll interval), and after a commit linger a moment for the commits right behind it."""
        self._wakeup.clear()
        published = await self.publish_pending()
        if published >= self._batch_size:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._poll_interval_s):  # not wait_for: see local.py
                await self._wakeup.wait()
        if self._linger_s and self._wakeup.is_set():
            # Reports arriving one by one would each cost a round of their own (read, send, mark);
            # a few milliseconds let the next ones join it, as a Kafka producer's linger.ms does.
            await asyncio.sleep(self._linger_s)

    async def drain(self) -> int:
        total = 0
        while count := await self.publish_pending():
            total += count
        return total

    async def close(self) -> None:
        """Give up the leadership (the next replica's relay takes over)."""
        await self._resign()

    async def publish_pending(self) -> int:
        """Publish the due rows, oldest first. Returns how many were published; raises
        `TransportUnavailable` (after recording what went through) when the bus did not answer.
        One transaction: read the due rows, send them, mark them (the lock, not row locks, keeps
        other relays away)."""
        async with self._connection() as conn:
            if conn is None:
                return 0
            async with conn.begin():
                rows = await self._due(conn)
                if not rows:
                    return 0
                messages = [
                    OutgoingMessage(
                        topic=row.topic,
                        key=row.key,
                        value=orjson.dumps(row.payload),
                        headers=structured_headers((row.headers or {}).get("traceparent")),
                    )
                    for row in rows
                ]
                try:
                    outcomes = await self._transport.send_each(messages)
                except TransportUnavailable:
                    self._failures.inc()
                    raise
                pairs = list(zip(rows, outcomes, strict=True))
                published = [row.seq for row, outcome in pairs if outcome is None]
                refused = [(row, outcome) for row, outcome in pairs if isinstance(outcome, Refused)]
                unavailable = [o for o in outcomes if isinstance(o, TransportUnavailable)]
                await self._record(conn, published, refused)
        self._log_refused(refused)
        if published:
            self._published.inc(len(published))
        if unavailable:
            self._failures.inc()
            raise unavailable[0]
        return len(published)

    async def _due(self, conn: AsyncConnection) -> list[Any]:
        result = await conn.execute(self._due_rows, {"now": utc_now()})
        return list(result.all())

    async def _record(
        self, conn: AsyncConnection, published: list[int], refused: list[tuple[Any, Exception]]
    ) -> None:
        o = self._outbox
        now = utc_now()
        if published:
            await conn.execute(self._mark_published, {"seqs": published, "now": now})
        for row, reason in refused:
            attempts = row.attempts + 1
            delay = min(self._refused_backoff_max_s, self._refused_backoff_s * 2 ** (attempts - 1))
            await conn.execute(
                update(o)
                .where(o.c.seq == row.seq)
                .values(
                    attempts=attempts,
                    last_error=str(reason)[:2000],
                    next_attempt_at=now + timedelta(seconds=delay),
                )
            )

    def _log_refused(self, refused: list[tuple[Any, Exception]]) -> None:
        for row, reason in refused:
            self._refused.inc()
            log.warning(
                "the bus refused an outbox row; its key waits, the others go on",
                seq=row.seq,
                topic=row.topic,
                key=row.key,
                attempts=row.attempts + 1,
                error=str(reason),
            )

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection | None]:
        if not self._elect:
            async with self._engine.connect() as own:
                yield own
            return
        leader = await self._lead()
        if leader is None:
            yield None
            return
        try:
            yield leader
        except TransportUnavailable:
            raise  # the bus, not the database: keep the leadership
        except BaseException:
            await self._resign()  # the connection may be gone: let whoever gets the lock go on
            raise

    async def _lead(self) -> AsyncConnection | None:
        if self._leader is not None:
            return self._leader
        conn = await self._engine.connect()
        try:
            acquired = await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._lock_key})
            await conn.commit()
        except BaseException:
            await conn.invalidate()
            await conn.close()
            raise
        if not acquired:
            await conn.close()
            return None
        self._leader = conn
        log.info("outbox relay is the active one")
        return conn

    async def _resign(self) -> None:
        conn = self._leader
        self._leader = None
        if conn is None:
            return
        # Closed for real (not returned to the pool), so the session-level lock is released.
        with contextlib.suppress(Exception):
            await conn.invalidate()
        with contextlib.suppress(Exception):
            await conn.close()
