"""Idempotent event consumer: inbox claim + handler in one transaction, then the offset commit.

- **Transient is not poison.** When the database or the bus fails (connection lost, timeout,
  deadlock, serialisation failure: `transient.is_transient`), `poll_once` raises and keeps the
  fetched messages; the supervising loop backs off and the next step applies the same messages
  again, for as long as the failure lasts. Nothing is skipped and the partition is held, so order
  per key is kept.
- **Poison goes to dead letters.** A message that cannot be decoded, or whose handler fails
  `max_attempts` times in a row with a non-transient error, is written to `dead_letter` (and copied
  to `<topic>.dlq`) and consumption goes on. It is *not* recorded in the inbox: `redrive` applies
  it once its cause is fixed. While it is open, the later events of the same key (aggregate) are
  held behind it as dead letters too, and a redrive applies them in order.
- Event types the consumer has no handler for are acknowledged and skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from platform_shared import metrics, tracing
from platform_shared.context import correlation_id_var
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.registry import decode
from platform_shared.contracts.topics import dead_letter_topic
from platform_shared.db import writer_turn
from platform_shared.loops import describe
from platform_shared.messaging.inbox import claim, claim_many
from platform_shared.messaging.tables import MessagingTables
from platform_shared.messaging.transient import is_transient
from platform_shared.messaging.transport import IncomingMessage, OutgoingMessage, Subscription, Transport
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.timeutil import utc_now

log = structlog.get_logger(__name__)

Handler = Callable[[UnitOfWork, EventEnvelope, EventPayload], Awaitable[None]]
DLQ_COPY_TIMEOUT_S = 5.0
FINAL_COMMIT_TIMEOUT_S = 5.0  # on stop, the offsets applied since the last commit
# The keys of the group's open dead letters are read again at least this often (and after every
# rebalance that gave this member partitions); what this consumer dead-letters itself is known at once.
OPEN_KEYS_MAX_AGE_S = 1.0


@dataclass(frozen=True)
class ConsumerSpec:
    """What a consumer group reads and how each event type is handled. `ignores` names the event
    types of its topics it leaves alone on purpose (they are acknowledged and skipped)."""

    group: str
    topics: tuple[str, ...]
    handlers: Mapping[str, Handler]
    ignores: frozenset[str] = field(default_factory=frozenset)


class HeldBehind(RuntimeError):
    """A dead letter cannot be redriven before an earlier open dead letter of its key."""


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
        max_records: int = 100,
        commit_interval_s: float = 0.1,
    ) -> None:
        self.spec = spec
        self._commit_interval_s = commit_interval_s
        self._last_commit_at = -math.inf
        self._factory = session_factory
        self._tables = tables
        self._transport = transport
        self._uow_factory = uow_factory
        self._max_attempts = max_attempts
        self._retry_delay_s = retry_delay_s
        self._fetch_timeout_s = fetch_timeout_s
        self._max_records = max_records
        self._subscription: Subscription | None = None
        self._pending: list[IncomingMessage] = []  # fetched, not yet applied
        self._done: dict[tuple[str, int], IncomingMessage] = {}  # applied, offset not yet committed
        self._committing: asyncio.Task[None] | None = None  # the last batch's offsets, on their way
        # Keys held behind an open dead letter of this group, as last read (None: read before use).
        self._open_keys: set[str] | None = None
        self._open_keys_read_at = -math.inf
        self._open_keys_assignments = -1
        self.processed_total = 0
        self._tracer = tracing.tracer(service)
        self._lag = metrics.gauge(
            f"{service}_consumer_lag_seconds",
            "Seconds from the creation of the last event handled to its processing (0: caught up)",
            ("consumer",),
        ).labels(spec.group)
        self._dead = metrics.counter(
            f"{service}_consumer_dead_letters_total", "Messages moved to dead letters", ("consumer",)
        ).labels(spec.group)

    @property
    def loop_name(self) -> str:
        return f"consumer:{self.spec.group}"

    async def start(self) -> None:
        self._open_keys = None  # a new subscription counts its assignments from the start again
        self._subscription = await self._transport.subscribe(list(self.spec.topics), self.spec.group)

    async def stop(self) -> None:
        committing, self._committing = self._committing, None
        if committing is not None:
            with contextlib.suppress(Exception):  # not committed: redelivered, and the inbox drops it
                await committing
        if self._subscription is not None and self._done:
            with contextlib.suppress(Exception):  # the same; a bus that does not answer holds no shutdown
                async with asyncio.timeout(FINAL_COMMIT_TIMEOUT_S):
                    await self._commit(self._subscription, dict(self._done))
        self._pending = []
        self._done = {}
        if self._subscription is not None:
            await self._subscription.close()
            self._subscription = None

    async def step(self) -> None:
        """One round for the supervising loop (subscribes first, so a bus that is down at start
        is just a step that fails and is retried)."""
        if self._subscription is None:
            await self.start()
        await self.poll_once(self._max_records, overlap_commit=True)

    async def poll_once(self, max_records: int = 100, *, overlap_commit: bool = False) -> int:
        """Apply one fetched batch (or the batch a transient failure left): in one transaction when
        it can, else message by message. Offsets are committed after the database. Returns how
        many messages the batch had; raises on a transient failure, keeping the batch.

        `overlap_commit` (the supervised loop): a batch's offset commit, a round trip to the broker,
        runs while the next batch is fetched and applied instead of before it; it is awaited before
        the next commit starts, so offsets still go forward only after their database commit and
        in order. What a crash loses is an uncommitted offset: redelivered, dropped by the inbox."""
        subscription = self._subscription
        assert subscription is not None, "call start() first"
        if not overlap_commit:
            await self._commit_done(subscription)
        if self._pending:
            # A rebalance may have moved a partition to another member meanwhile: it applies them.
            self._pending = [m for m in self._pending if subscription.assigned(m.topic, m.partition)]
        else:
            self._pending = await subscription.fetch(max_records, self._fetch_timeout_s)
            if not self._pending:
                self._lag.set(0)  # caught up
        count = len(self._pending)
        if self._pending:
            await self._apply_pending()
        if overlap_commit and count:
            # At most one offset commit per interval: an offset not yet committed is only redelivered
            # after a crash, and the inbox drops it; a caught-up consumer commits at its next empty fetch.
            if time.monotonic() - self._last_commit_at >= self._commit_interval_s:
                await self._settle_commit()
                self._last_commit_at = time.monotonic()
                self._committing = asyncio.create_task(self._commit(subscription, dict(self._done)))
        else:
            await self._commit_done(subscription)
        return count

    async def _settle_commit(self) -> None:
        """Wait for the commit in flight; its failure is raised here (its offsets stay in `_done`)."""
        committing, self._committing = self._committing, None
        if committing is not None:
            await committing

    async def _commit_done(self, subscription: Subscription) -> None:
        await self._settle_commit()
        await self._commit(subscription, dict(self._done))

    async def _commit(self, subscription: Subscription, done: dict[tuple[str, int], IncomingMessage]) -> None:
        if done:
            await subscription.commit(list(done.values()))
            for partition, message in done.items():
                if self._done.get(partition) is message:
                    del self._done[partition]

    def _mark_done(self, message: IncomingMessage) -> None:
        self._done[(message.topic, message.partition)] = message

    async def _apply_pending(self) -> None:
        if await self._apply_batch(self._pending):
            for message in self._pending:
                self._mark_done(message)
            self._pending = []
            return
        while self._pending:
            message = self._pending[0]
            await self._apply_one(message)
            self._mark_done(message)
            self._pending.pop(0)

    async def _apply_batch(self, messages: list[IncomingMessage]) -> bool:
        """The fast path: every message of the batch in one transaction. False (nothing applied)
        when a message cannot be decoded or handled, or its key is held; the caller then goes one
        by one. Raises on a transient failure."""
        work: list[tuple[IncomingMessage, EventEnvelope, Handler]] = []
        for message in messages:
            try:
                envelope = EventEnvelope.from_json(message.value)
            except Exception:
                return False
            handler = self.spec.handlers.get(envelope.type)
            if handler is not None:
                work.append((message, envelope, handler))
        if not work:
            return True
        try:
            async with writer_turn(self._factory), self._uow_factory() as uow:
                if await self._held_keys(uow.session, {m.key for m, _, _ in work}):
                    return False
                fresh = await claim_many(
                    uow.session, self._tables, self.spec.group, [(e.id, e.type) for _, e, _ in work]
                )
                for message, envelope, handler in work:
                    if envelope.id not in fresh:
                        continue  # applied before: a redelivery
                    fresh.discard(envelope.id)  # the same event twice in one batch: once
                    with self._handling(envelope, message.topic, message.headers):
                        await handler(uow, envelope, decode(envelope))
                await uow.commit()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if is_transient(exc):
                raise
            log.info(
                "batch not applied as a whole; applying one by one",
                consumer=self.spec.group,
                size=len(work),
                error=describe(exc),
            )
            return False
        self.processed_total += len(work)  # handled: applied, or found already applied
        self._lag.set(max(0.0, (utc_now() - work[-1][1].time).total_seconds()))
        return True

    async def _apply_one(self, message: IncomingMessage) -> None:
        try:
            envelope = EventEnvelope.from_json(message.value)
        except Exception as exc:
            await self._dead_letter(message, None, f"undecodable envelope: {describe(exc)}", attempts=1)
            return
        handler = self.spec.handlers.get(envelope.type)
        if handler is None:
            return
        last_error = ""
        attempt = 0
        while attempt < self._max_attempts:
            try:
                with self._handling(envelope, message.topic, message.headers):
                    outcome = await self._apply(handler, envelope, message.key)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if is_transient(exc):
                    raise
                attempt += 1
                last_error = describe(exc)
                log.warning(
                    "event handler failed",
                    consumer=self.spec.group,
                    event_type=envelope.type,
                    event_id=str(envelope.id),
                    attempt=attempt,
                    error=last_error,
                )
                await asyncio.sleep(self._retry_delay_s * attempt)
                continue
            if isinstance(outcome, int):
                error = f"held: dead letter {outcome} of the same aggregate comes first"
                await self._dead_letter(message, envelope, error, attempts=0)
            else:
                self.processed_total += 1
                self._lag.set(max(0.0, (utc_now() - envelope.time).total_seconds()))
            return
        await self._dead_letter(message, envelope, last_error, attempts=self._max_attempts)

    async def _apply(
        self, handler: Handler, envelope: EventEnvelope, key: str | None
    ) -> Literal["applied", "duplicate"] | int:
        """Applied, a duplicate (already applied: a redelivery), or the id of the open dead letter
        of the same key it is held behind."""
        async with writer_turn(self._factory), self._uow_factory() as uow:
            held = await self._held_by(uow.session, key)
            if held is not None:
                return held
            if not await claim(uow.session, self._tables, self.spec.group, envelope.id, envelope.type):
                return "duplicate"
            await handler(uow, envelope, decode(envelope))
            await uow.commit()
        return "applied"

    async def _held_keys(self, session: AsyncSession, keys: set[str | None]) -> set[str]:
        """Those of `keys` held behind an open dead letter (the batch path: without a statement
        per batch; the path one by one asks the database itself)."""
        wanted = {k for k in keys if k}
        if not wanted:
            return set()
        return wanted & await self._open_dead_letter_keys(session)

    async def _open_dead_letter_keys(self, session: AsyncSession) -> set[str]:
        """The keys of the group's open dead letters: read again after a rebalance gave this member
        partitions (their previous owner may have dead-lettered keys of them) and at least every
        OPEN_KEYS_MAX_AGE_S; what this consumer dead-letters is added at once, what it redrives
        makes it read them again."""
        assignments = self._subscription.assignments if self._subscription is not None else -1
        stale = time.monotonic() - self._open_keys_read_at >= OPEN_KEYS_MAX_AGE_S
        if self._open_keys is None or stale or assignments != self._open_keys_assignments:
            dl = self._tables.dead_letter.c
            rows = await session.scalars(
                select(dl.key)
                .distinct()
                .where(dl.consumer == self.spec.group, dl.resolved_at.is_(None), dl.key.is_not(None))
            )
            self._open_keys = {k for k in rows.all() if k}
            self._open_keys_read_at = time.monotonic()
            self._open_keys_assignments = assignments
        return self._open_keys

    async def _held_by(self, session: AsyncSession, key: str | None, before: int | None = None) -> int | None:
        if not key:
            return None
        dl = self._tables.dead_letter.c
        query = select(dl.id).where(dl.consumer == self.spec.group, dl.resolved_at.is_(None), dl.key == key)
        if before is not None:
            query = query.where(dl.id < before)
        return await session.scalar(query.order_by(dl.id).limit(1))

    async def _dead_letter(
        self, message: IncomingMessage, envelope: EventEnvelope | None, error: str, *, attempts: int
    ) -> None:
        dl = self._tables.dead_letter
        async with self._factory() as session, session.begin():
            # A message redelivered after a crash is not dead-lettered twice.
            known = await session.scalar(
                select(dl.c.id).where(
                    dl.c.consumer == self.spec.group,
                    dl.c.topic == message.topic,
                    dl.c.partition == message.partition,
                    dl.c.offset == message.offset,
                    dl.c.resolved_at.is_(None),
                )
            )
            if known is None:
                await session.execute(
                    dl.insert().values(
                        consumer=self.spec.group,
                        topic=message.topic,
                        partition=message.partition,
                        offset=message.offset,
                        key=message.key,
                        event_id=envelope.id if envelope else None,
                        event_type=envelope.type if envelope else None,
                        value=message.value,
                        headers=dict(message.headers),
                        error=error[:4000],
                        attempts=attempts,
                        failed_at=utc_now(),
                    )
                )
        if known is not None:
            return
        if self._open_keys is not None and message.key:
            self._open_keys.add(message.key)
        self._dead.inc()
        log.error(
            "message moved to dead letters",
            consumer=self.spec.group,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            event_type=envelope.type if envelope else None,
            error=error,
        )
        copy = OutgoingMessage(
            topic=dead_letter_topic(message.topic),
            key=message.key or "",
            value=message.value,
            headers={**message.headers, "dlq_consumer": self.spec.group, "dlq_error": error[:500]},
        )
        try:  # the table row is the record; the topic copy is for operators
            async with asyncio.timeout(DLQ_COPY_TIMEOUT_S):
                await self._transport.send_batch([copy])
        except Exception as exc:
            log.warning("could not copy dead letter to topic", topic=copy.topic, error=describe(exc))

    async def redrive(self, dead_letter: Any) -> Literal["applied", "already_applied", "not_handled"]:
        """Apply a dead letter (a row of `dead_letter` of this group) once its cause is fixed, and
        mark it resolved in the same transaction. Returns "applied", "already_applied" or
        "not_handled"; raises `HeldBehind` when an earlier dead letter of its key is still open,
        and the handler's error when it fails again."""
        envelope = EventEnvelope.from_json(dead_letter.value)
        handler = self.spec.handlers.get(envelope.type)
        with self._handling(envelope, dead_letter.topic, dead_letter.headers):
            resolution = await self._redrive(dead_letter, envelope, handler)
        self._open_keys = None  # its key may be free now
        if resolution == "applied":
            self.processed_total += 1
        return resolution

    async def _redrive(
        self, dead_letter: Any, envelope: EventEnvelope, handler: Handler | None
    ) -> Literal["applied", "already_applied", "not_handled"]:
        dl = self._tables.dead_letter
        resolution: Literal["applied", "already_applied", "not_handled"]
        async with self._uow_factory() as uow:
            earlier = await self._held_by(uow.session, dead_letter.key, before=dead_letter.id)
            if earlier is not None:
                raise HeldBehind(f"dead letter {earlier} of the same aggregate comes first")
            if handler is None:
                resolution = "not_handled"
            elif await claim(uow.session, self._tables, self.spec.group, envelope.id, envelope.type):
                await handler(uow, envelope, decode(envelope))
                resolution = "applied"
            else:
                resolution = "already_applied"
            await uow.session.execute(
                update(dl)
                .where(dl.c.id == dead_letter.id)
                .values(resolved_at=utc_now(), resolution=resolution)
            )
            await uow.commit()
        return resolution

    @contextmanager
    def _handling(
        self, envelope: EventEnvelope, topic: str, headers: Mapping[str, str] | None
    ) -> Iterator[None]:
        """The event's correlation id and its span, continuing the producer's trace, for the logs and
        the events a handler emits."""
        correlation_id_var.set(envelope.correlationid)
        with tracing.consuming(
            self._tracer, topic, self.spec.group, headers, envelope.type, str(envelope.id)
        ):
            yield
