"""One transaction for a state change and its events: outbox rows are inserted in the same commit."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from types import TracebackType

from opentelemetry.trace import Tracer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from platform_shared import tracing
from platform_shared.context import correlation_id_var
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope, structured_headers, wrap
from platform_shared.messaging.tables import MessagingTables
from platform_shared.timeutil import Clock, utc_now


class UnitOfWork:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        *,
        source: str,
        actor_id: uuid.UUID | None = None,
        on_commit: Callable[[], None] | None = None,
        clock: Clock = utc_now,
        default_topic: str | None = None,
        tracer: Tracer | None = None,
    ) -> None:
        self._factory = session_factory
        self._tables = tables
        self._source = source
        self._default_topic = default_topic or f"{source.removesuffix('-svc')}.events"
        self._on_commit = on_commit
        self.actor_id = actor_id
        self.clock = clock
        self._tracer = tracer or tracing.tracer(source.removesuffix("-svc"))
        self._pending: list[tuple[str, EventEnvelope, dict[str, str]]] = []
        self._before_commit: dict[str, Callable[[], Awaitable[None]]] = {}
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside 'async with'")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._session = self._factory()
        await self._session.begin()
        self._pending = []
        self._before_commit = {}
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._session is not None
        try:
            # close() detaches loaded objects and rolls back whatever was not committed.
            await self._session.close()
        finally:
            self._session = None

    def emit(self, payload: EventPayload, *, anonymous: bool = False) -> EventEnvelope:
        """Queue an event; it is written to the outbox by commit(), in the same transaction.
        `anonymous`: the envelope does not name the actor (whoever acted chose not to be known)."""
        envelope = wrap(
            payload,
            source=self._source,
            actor_id=None if anonymous else self.actor_id,
            correlation_id=correlation_id_var.get(),
            time=self.clock(),
        )
        topic = payload.topic or self._default_topic
        # In the trace of what caused this event (a request, or the event a consumer is handling).
        with tracing.producing(self._tracer, topic, envelope.type, str(envelope.id)) as trace_headers:
            self._pending.append((topic, envelope, trace_headers))
        return envelope

    def before_commit(self, key: str, action: Callable[[], Awaitable[None]]) -> None:
        """Run `action` in this transaction just before it commits (once per `key`): lets a consumer
        batch write what its events add up to, e.g. counters, in one statement instead of one each."""
        self._before_commit.setdefault(key, action)

    async def commit(self) -> None:
        session = self.session
        actions, self._before_commit = self._before_commit, {}
        for action in actions.values():
            await action()
        if self._pending:
            await session.execute(
                self._tables.outbox.insert(),
                [
                    {
                        "event_id": env.id,
                        "topic": topic,
                        "key": env.subject,
                        "event_type": env.type,
                        "payload": env.model_dump(mode="json"),
                        "headers": structured_headers(trace_headers.get("traceparent")),
                        "created_at": env.time,
                    }
                    for topic, env, trace_headers in self._pending
                ],
            )
        await session.commit()
        had_events = bool(self._pending)
        self._pending = []
        if had_events and self._on_commit is not None:
            self._on_commit()
