"""Idempotent event consumer: inbox claim + handler in one transaction, then the offset commit.

A message that cannot be decoded, or whose handler keeps failing, goes to dead letters (a table in
the consumer's database and the `<topic>.dlq` topic) and consumption goes on.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from platform_shared import metrics
from platform_shared.context import correlation_id_var, traceparent_var
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.registry import decode
from platform_shared.contracts.topics import dead_letter_topic
from platform_shared.db import is_database_busy
from platform_shared.messaging.inbox import claim
from platform_shared.messaging.tables import MessagingTables
from platform_shared.messaging.transport import IncomingMessage, OutgoingMessage, Subscription, Transport
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.timeutil import utc_now

log = structlog.get_logger(__name__)

Handler = Callable[[UnitOfWork, EventEnvelope, EventPayload], Awaitable[None]]


@dataclass(frozen=True)
class ConsumerSpec:
    """What a consumer group reads and how each event type is handled."""

    group: str
    topics: tuple[str, ...]
    handlers: Mapping[str, Handler]


class EventConsumer:
    def __init__(
        self,
        spec: ConsumerSpec,
        *,
        service: str,
        session_factory: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        transport: Transport,
        uow_factory: Callable[[], UnitOfWork],
        max_attempts: int = 3,
        retry_delay_s: float = 0.1,
        fetch_timeout_s: float = 0.5,
    ) -> None:
        self.spec = spec
        self._factory = session_factory
        self._tables = tables
        self._transport = transport
        self._uow_factory = uow_factory
        self._max_attempts = max_attempts
        self._retry_delay_s = retry_delay_s
        self._fetch_timeout_s = fetch_timeout_s
        self._subscription: Subscription | None = None
        self.processed_total = 0
        self._lag = metrics.gauge(
            f"{service}_consumer_lag_seconds",
            "Seconds from an event's creation to its processing by this consumer",
            ("consumer",),
        ).labels(spec.group)
        self._dead = metrics.counter(
            f"{service}_consumer_dead_letters_total", "Messages moved to dead letters", ("consumer",)
        ).labels(spec.group)

    async def start(self) -> None:
        self._subscription = await self._transport.subscribe(list(self.spec.topics), self.spec.group)

    async def stop(self) -> None:
        if self._subscription is not None:
            await self._subscription.close()
            self._subscription = None

    async def run(self) -> None:
        if self._subscription is None:
            await self.start()
        while True:
            await self.poll_once()

    async def poll_once(self, max_records: int = 100) -> int:
        """Apply one fetched batch: in one transaction when every handler succeeds, else message by
        message (with retries and dead letters). Offsets are committed after the database."""
        assert self._subscription is not None, "call start() first"
        messages = await self._subscription.fetch(max_records, self._fetch_timeout_s)
        if not messages:
            return 0
        if not await self._apply_batch(messages):
            for message in messages:
                await self._process(message)
        last_per_partition = {(m.topic, m.partition): m for m in messages}
        for message in last_per_partition.values():
            await self._subscription.commit(message)
        return len(messages)

    async def _apply_batch(self, messages: list[IncomingMessage]) -> bool:
        """The fast path: every message of the batch in one transaction. False (nothing applied)
        when any message cannot be decoded or handled; the caller then goes one by one."""
        work: list[tuple[EventEnvelope, Handler]] = []
        for message in messages:
            try:
                envelope = EventEnvelope.from_json(message.value)
            except Exception:
                return False
            handler = self.spec.handlers.get(envelope.type)
            if handler is not None:
                work.append((envelope, handler))
        if not work:
            return True
        try:
            async with self._uow_factory() as uow:
                for envelope, handler in work:
                    correlation_id_var.set(envelope.correlationid)
                    if not await claim(
                        uow.session, self._tables, self.spec.group, envelope.id, envelope.type
                    ):
                        continue
                    await handler(uow, envelope, decode(envelope))
                await uow.commit()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info(
                "batch not applied as a whole; applying one by one",
                consumer=self.spec.group,
                size=len(work),
                error=repr(exc),
            )
            return False
        self.processed_total += len(work)
        self._lag.set(max(0.0, (utc_now() - work[-1][0].time).total_seconds()))
        return True

    async def _process(self, message: IncomingMessage) -> None:
        try:
            envelope = EventEnvelope.from_json(message.value)
        except Exception as exc:
            await self._dead_letter(message, None, f"undecodable envelope: {exc!r}", attempts=1)
            return
        handler = self.spec.handlers.get(envelope.type)
        if handler is None:
            return
        correlation_id_var.set(envelope.correlationid)
        traceparent_var.set(message.headers.get("traceparent"))
        last_error = ""
        attempt = 0
        while attempt < self._max_attempts:
            try:
                await self._apply(handler, envelope)
                self.processed_total += 1
                self._lag.set(max(0.0, (utc_now() - envelope.time).total_seconds()))
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if is_database_busy(exc):  # an overloaded service, not a bad event: wait, no attempt used
                    await asyncio.sleep(self._retry_delay_s * self._max_attempts)
                    continue
                attempt += 1
                last_error = repr(exc)
                log.warning(
                    "event handler failed",
                    consumer=self.spec.group,
                    event_type=envelope.type,
                    event_id=str(envelope.id),
                    attempt=attempt,
                    error=last_error,
                )
                await asyncio.sleep(self._retry_delay_s * attempt)
        await self._dead_letter(message, envelope, last_error, attempts=self._max_attempts)

    async def _apply(self, handler: Handler, envelope: EventEnvelope) -> None:
        async with self._uow_factory() as uow:
            if not await claim(uow.session, self._tables, self.spec.group, envelope.id, envelope.type):
                return
            payload = decode(envelope)
            await handler(uow, envelope, payload)
            await uow.commit()

    async def _dead_letter(
        self, message: IncomingMessage, envelope: EventEnvelope | None, error: str, *, attempts: int
    ) -> None:
        self._dead.inc()
        log.error(
            "message moved to dead letters",
            consumer=self.spec.group,
            topic=message.topic,
            offset=message.offset,
            error=error,
        )
        event_id: uuid.UUID | None = envelope.id if envelope else None
        async with self._factory() as session, session.begin():
            if envelope is not None:
                await claim(session, self._tables, self.spec.group, envelope.id, envelope.type)
            await session.execute(
                self._tables.dead_letter.insert().values(
                    consumer=self.spec.group,
                    topic=message.topic,
                    partition=message.partition,
                    offset=message.offset,
                    event_id=event_id,
                    event_type=envelope.type if envelope else None,
                    value=message.value,
                    error=error[:4000],
                    attempts=attempts,
                    failed_at=utc_now(),
                )
            )
        try:
            await self._transport.send_batch(
                [
                    OutgoingMessage(
                        topic=dead_letter_topic(message.topic),
                        key=message.key or "",
                        value=message.value,
                        headers={
                            **message.headers,
                            "dlq_consumer": self.spec.group,
                            "dlq_error": error[:500],
                        },
                    )
                ]
            )
        except Exception as exc:  # the table row is the record; the topic copy is for operators
            log.warning("could not copy dead letter to topic", error=repr(exc))
