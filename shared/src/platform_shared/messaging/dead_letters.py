"""The dead letters of a service's consumers: list them, and redrive them once their cause is fixed.

Used by `<name>-svc dead-letters list|redrive` and by `/api/v1/ops/<service>/dead-letters`. A redrive
applies each dead letter through its consumer's own handler, once (the inbox claim is in the same
transaction as the handler and the resolved mark), oldest first, so the events of one aggregate are
applied in their order.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from platform_shared.loops import describe
from platform_shared.messaging.consumer import EventConsumer, HeldBehind
from platform_shared.messaging.tables import MessagingTables
from platform_shared.messaging.transient import is_transient
from platform_shared.timeutil import utc_now

Outcome = Literal["applied", "already_applied", "not_handled", "failed", "held", "not_found", "resolved"]


@dataclass(frozen=True)
class DeadLetter:
    id: int
    consumer: str
    topic: str
    partition: int
    offset: int
    key: str | None
    event_id: uuid.UUID | None
    event_type: str | None
    error: str
    attempts: int
    failed_at: datetime
    resolved_at: datetime | None
    resolution: str | None


@dataclass(frozen=True)
class RedriveResult:
    id: int
    outcome: Outcome
    error: str | None = None


class DeadLetters:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        consumers: Sequence[EventConsumer],
    ) -> None:
        self._factory = session_factory
        self._table = tables.dead_letter
        self._consumers = {c.spec.group: c for c in consumers}

    async def entries(self, *, include_resolved: bool = False, limit: int = 100) -> list[DeadLetter]:
        """Oldest first: the open ones (and, asked for, the resolved ones too)."""
        c = self._table.c
        query = select(*(getattr(c, f) for f in DeadLetter.__dataclass_fields__)).order_by(c.id).limit(limit)
        if not include_resolved:
            query = query.where(c.resolved_at.is_(None))
        async with self._factory() as session:
            rows = (await session.execute(query)).all()
        return [DeadLetter(**row._mapping) for row in rows]

    async def redrive(self, ids: Sequence[int] | None = None) -> list[RedriveResult]:
        """Apply the given dead letters (None: every open one), oldest first."""
        c = self._table.c
        query = select(self._table).order_by(c.id)
        query = query.where(c.resolved_at.is_(None)) if ids is None else query.where(c.id.in_(list(ids)))
        async with self._factory() as session:
            rows = (await session.execute(query)).all()
        results: list[RedriveResult] = []
        found = {row.id for row in rows}
        results.extend(RedriveResult(i, "not_found") for i in (ids or []) if i not in found)
        for row in rows:
            results.append(await self._redrive_one(row))
        return sorted(results, key=lambda r: r.id)

    async def _redrive_one(self, row: Any) -> RedriveResult:
        dead_id: int = row.id
        if row.resolved_at is not None:
            return RedriveResult(dead_id, "resolved")
        consumer = self._consumers.get(row.consumer)
        if consumer is None:
            return RedriveResult(dead_id, "failed", f"no consumer {row.consumer} runs here")
        try:
            outcome = await consumer.redrive(row)
        except HeldBehind as exc:
            return RedriveResult(dead_id, "held", str(exc))
        except Exception as exc:
            error = describe(exc)
            if not is_transient(exc):
                await self._record_failure(dead_id, error)
            return RedriveResult(dead_id, "failed", error)
        return RedriveResult(dead_id, outcome)

    async def _record_failure(self, dead_id: int, error: str) -> None:
        c = self._table.c
        async with self._factory() as session, session.begin():
            await session.execute(
                update(self._table)
                .where(c.id == dead_id)
                .values(error=error[:4000], attempts=c.attempts + 1, failed_at=utc_now())
            )
