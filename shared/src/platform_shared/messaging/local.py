"""In-process transport for the embedded default and fast tests.

A durable log in one SQLite file (or in memory): one partition per topic, committed offsets per
consumer group. It keeps Kafka's semantics where our code depends on them: at-least-once delivery,
order per topic (so per key), resume from the committed offset after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable

import orjson
from sqlalchemy import (
    BigInteger,
    Column,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    func,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.schema import CreateTable

from platform_shared.db import make_engine
from platform_shared.messaging.transport import (
    Held,
    IncomingMessage,
    OutgoingMessage,
    Refused,
    SendOutcome,
    TransportUnavailable,
    send_all,
)

_metadata = MetaData()
_record = Table(
    "bus_record",
    _metadata,
    Column("topic", String(200), primary_key=True),
    Column("offset", BigInteger, primary_key=True),
    Column("key", String(200)),
    Column("value", LargeBinary, nullable=False),
    Column("headers", Text, nullable=False),
)
_group_offset = Table(
    "bus_group_offset",
    _metadata,
    Column("group_id", String(200), primary_key=True),
    Column("topic", String(200), primary_key=True),
    Column("next_offset", BigInteger, nullable=False),
)


class LocalTransport:
    name = "local"

    def __init__(self, url: str = "sqlite+aiosqlite://") -> None:
        self._url = url
        self._engine: AsyncEngine | None = None
        self._append_lock = asyncio.Lock()
        self._arrived = asyncio.Condition()
        self._generation = 0  # bumped on every append, so a fetch never sleeps past new records
        # bumped per topic on every append: a subscription reads only the topics that had any
        self._appended: dict[str, int] = {}
        self.fail_sends: bool = False  # lets tests take the bus "down"
        # lets tests make the bus refuse a message: returns the reason, or None to accept it
        self.refuse: Callable[[OutgoingMessage], str | None] | None = None

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("LocalTransport not started")
        return self._engine

    async def start(self) -> None:
        if self._engine is not None:
            return
        self._engine = make_engine(self._url)
        async with self._engine.begin() as conn:
            # IF NOT EXISTS: the workers of `serve --workers N` start on the same file at once.
            for table in _metadata.sorted_tables:
                await conn.execute(CreateTable(table, if_not_exists=True))

    async def stop(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def ping(self) -> bool:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    async def send_batch(self, messages: list[OutgoingMessage]) -> None:
        await send_all(self, messages)

    async def send_each(self, messages: list[OutgoingMessage]) -> list[SendOutcome]:
        if self.fail_sends:
            raise TransportUnavailable("local bus is down (test switch)")
        outcomes: list[SendOutcome] = [None] * len(messages)
        refused_keys: set[tuple[str, str]] = set()
        accepted: list[OutgoingMessage] = []
        for index, message in enumerate(messages):
            reason = self.refuse(message) if self.refuse is not None else None
            if (message.topic, message.key) in refused_keys:
                outcomes[index] = Held(f"an earlier message of key {message.key} was refused")
            elif reason is not None:
                outcomes[index] = Refused(reason)
                refused_keys.add((message.topic, message.key))
            else:
                accepted.append(message)
        if accepted:
            await self._append(accepted)
        return outcomes

    async def _append(self, messages: list[OutgoingMessage]) -> None:
        async with self._append_lock, self.engine.begin() as conn:
            next_by_topic: dict[str, int] = {}
            rows = []
            for message in messages:
                if message.topic not in next_by_topic:
                    current = await conn.scalar(
                        select(func.max(_record.c.offset)).where(_record.c.topic == message.topic)
                    )
                    next_by_topic[message.topic] = -1 if current is None else current
                next_by_topic[message.topic] += 1
                rows.append(
                    {
                        "topic": message.topic,
                        "offset": next_by_topic[message.topic],
                        "key": message.key,
                        "value": message.value,
                        "headers": orjson.dumps(message.headers).decode(),
                    }
                )
            await conn.execute(_record.insert(), rows)
        async with self._arrived:
            self._generation += 1
            for topic in next_by_topic:
                self._appended[topic] = self._appended.get(topic, 0) + 1
            self._arrived.notify_all()

    async def subscribe(self, topics: list[str], group: str) -> LocalSubscription:
        positions: dict[str, int] = {}
        async with self.engine.connect() as conn:
            for topic in topics:
                committed = await conn.scalar(
                    select(_group_offset.c.next_offset).where(
                        _group_offset.c.group_id == group, _group_offset.c.topic == topic
                    )
                )
                positions[topic] = committed or 0
        return LocalSubscription(self, group, positions)

    async def reset_group(self, group: str) -> None:
        """Forget a group's committed offsets, so it re-reads every topic from the start."""
        async with self.engine.begin() as conn:
            await conn.execute(_group_offset.delete().where(_group_offset.c.group_id == group))

    async def _read(self, positions: dict[str, int], limit: int) -> list[IncomingMessage]:
        """Up to `limit` records of each topic from its position, in one statement."""
        if not positions:
            return []
        parts = [
            select(_record)
            .where(_record.c.topic == topic, _record.c.offset >= position)
            .order_by(_record.c.offset)
            .limit(limit)
            .subquery()
            .select()
            for topic, position in positions.items()
        ]
        async with self.engine.connect() as conn:
            rows = await conn.execute(parts[0] if len(parts) == 1 else union_all(*parts))
            return [
                IncomingMessage(
                    topic=row.topic,
                    partition=0,
                    offset=row.offset,
                    key=row.key,
                    value=row.value,
                    headers=orjson.loads(row.headers),
                )
                for row in rows
            ]

    async def _wait_for_records(self, seen_generation: int, timeout_s: float) -> None:
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation (gh-86296).
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s), self._arrived:
                await self._arrived.wait_for(lambda: self._generation != seen_generation)

    async def _commit(self, group: str, next_offsets: dict[str, int]) -> None:
        rows = [{"group_id": group, "topic": t, "next_offset": o} for t, o in next_offsets.items()]
        stmt = sqlite_insert(_group_offset)
        async with self.engine.begin() as conn:
            await conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["group_id", "topic"], set_={"next_offset": stmt.excluded.next_offset}
                ),
                rows,
            )


class LocalSubscription:
    def __init__(self, transport: LocalTransport, group: str, positions: dict[str, int]) -> None:
        self._transport = transport
        self._group = group
        self._positions = positions
        # per topic, the transport's append count up to which everything has been read (None: read it)
        self._read_up_to: dict[str, int | None] = dict.fromkeys(positions)
        self._all_read_at = -math.inf

    async def fetch(self, max_records: int, timeout_s: float) -> list[IncomingMessage]:
        """The next records of the subscribed topics. Only the topics appended to in this process since
        they were last read to the end are read, and every topic at least once per `timeout_s` (another
        process may append to the same file)."""
        for attempt in range(2):
            appended = dict(self._transport._appended)
            generation = self._transport._generation
            if time.monotonic() - self._all_read_at >= timeout_s:
                self._read_up_to = dict.fromkeys(self._positions)
                self._all_read_at = time.monotonic()
            due = {
                topic: position
                for topic, position in self._positions.items()
                if self._read_up_to[topic] is None or self._read_up_to[topic] != appended.get(topic, 0)
            }
            records = await self._transport._read(due, max_records)
            by_topic: dict[str, list[IncomingMessage]] = {topic: [] for topic in due}
            for record in records:
                by_topic[record.topic].append(record)
            for read in by_topic.values():
                read.sort(key=lambda r: r.offset)  # a compound SELECT promises no order of its own
            batch: list[IncomingMessage] = []
            for topic, read in by_topic.items():
                taken = read[: max_records - len(batch)]
                if taken:
                    self._positions[topic] = taken[-1].offset + 1
                    batch.extend(taken)
                whole = len(taken) == len(read) and len(read) < max_records
                self._read_up_to[topic] = appended.get(topic, 0) if whole else None
            if batch or attempt == 1:
                return batch
            await self._transport._wait_for_records(generation, timeout_s)
        return []

    async def commit(self, messages: list[IncomingMessage]) -> None:
        next_offsets = {m.topic: m.offset + 1 for m in messages}
        if next_offsets:
            await self._transport._commit(self._group, next_offsets)

    # One member per group and process: its partitions never move.
    assignments = 1

    def assigned(self, topic: str, partition: int) -> bool:
        return topic in self._positions

    async def close(self) -> None:
        return None
