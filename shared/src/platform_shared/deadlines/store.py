"""Deadlines stored with the object they belong to, tenant overrides of the rules, and the scheduler
that emits DeadlineApproaching and DeadlineMissed once each."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Index,
    Integer,
    MetaData,
    Row,
    String,
    Table,
    Uuid,
    bindparam,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared import metrics
from platform_shared.contracts.common import DeadlineApproaching, DeadlineMissed
from platform_shared.db import UtcDateTime
from platform_shared.deadlines.overrides import Override, OverrideCache
from platform_shared.deadlines.rules import LAW_DEFAULTS, DeadlineRule, Unit, deadline_status, due_at
from platform_shared.ids import new_id
from platform_shared.messaging.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class DeadlineTables:
    deadline: Table
    override: Table


def attach_deadline_tables(metadata: MetaData) -> DeadlineTables:
    deadline = Table(
        "deadline",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("rule", String(60), nullable=False),
        Column("object_type", String(40), nullable=False),
        Column("object_id", Uuid, nullable=False),
        Column("reference", String(40), nullable=True),
        Column("unit_id", Uuid, nullable=False),
        Column("due_at", UtcDateTime(), nullable=False),
        Column("met_at", UtcDateTime(), nullable=True),
        Column("cancelled_at", UtcDateTime(), nullable=True),
        Column("responsible_person_id", Uuid, nullable=True),
        Column("responsible_role", String(40), nullable=True),
        Column("approaching_sent_at", UtcDateTime(), nullable=True),
        Column("missed_sent_at", UtcDateTime(), nullable=True),
        Column("warn_at", UtcDateTime(), nullable=False),
        Index("ix_deadline_object", "object_id", "rule"),
        Index("ix_deadline_open_due", "met_at", "cancelled_at", "due_at"),
    )
    override = Table(
        "deadline_rule_override",
        metadata,
        Column("rule", String(60), primary_key=True),
        Column("amount", Integer, nullable=False),
        Column("unit", String(20), nullable=False),
    )
    return DeadlineTables(deadline=deadline, override=override)


@dataclass(frozen=True)
class DeadlineView:
    rule: str
    due_at: datetime
    met_at: datetime | None
    status: str


class Deadlines:
    """Open, meet and list the deadlines of an object inside the caller's UnitOfWork."""

    def __init__(self, tables: DeadlineTables, overrides: OverrideCache | None = None) -> None:
        self._t = tables
        self._overrides = overrides  # the tenant's overrides kept per process (see overrides.py)
        o = tables.override.c
        self._override_query = select(o.amount, o.unit).where(o.rule == bindparam("rule_id"))
        self._insert = tables.deadline.insert()  # built once: executed with each row's values

    @property
    def overrides(self) -> OverrideCache | None:
        return self._overrides

    async def rule(self, session: AsyncSession, rule_id: str) -> DeadlineRule:
        base = LAW_DEFAULTS[rule_id]
        cache = self._overrides
        if cache is None:
            override = await self._read_override(session, rule_id)
        else:
            hit, override = cache.lookup(rule_id)
            if not hit:
                generation = cache.generation()
                override = await self._read_override(session, rule_id)
                cache.keep(rule_id, override, generation)
        return base.with_override(override[0], Unit(override[1])) if override else base

    async def _read_override(self, session: AsyncSession, rule_id: str) -> Override:
        row = (await session.execute(self._override_query, {"rule_id": rule_id})).first()
        return (row.amount, row.unit) if row else None

    async def close(self) -> None:
        if self._overrides is not None:
            await self._overrides.close()

    async def open(
        self,
        uow: UnitOfWork,
        rule_id: str,
        *,
        start: datetime,
        object_type: str,
        object_id: uuid.UUID,
        unit_id: uuid.UUID,
        reference: str | None = None,
        responsible_person_id: uuid.UUID | None = None,
        responsible_role: str | None = None,
    ) -> datetime:
        rule = await self.rule(uow.session, rule_id)
        due = due_at(rule, start)
        await uow.session.execute(
            self._insert,
            {
                "id": new_id(),
                "rule": rule_id,
                "object_type": object_type,
                "object_id": object_id,
                "reference": reference,
                "unit_id": unit_id,
                "due_at": due,
                "warn_at": due - rule.warn_before,
                "responsible_person_id": responsible_person_id,
                "responsible_role": responsible_role,
            },
        )
        return due

    async def meet(self, uow: UnitOfWork, object_id: uuid.UUID, *rule_ids: str) -> None:
        d = self._t.deadline.c
        await uow.session.execute(
            update(self._t.deadline)
            .where(
                d.object_id == object_id, d.rule.in_(rule_ids), d.met_at.is_(None), d.cancelled_at.is_(None)
            )
            .values(met_at=uow.clock())
        )

    async def cancel(self, uow: UnitOfWork, object_id: uuid.UUID, *rule_ids: str) -> None:
        """No longer applies (e.g. the case was voided); kept for the record."""
        d = self._t.deadline.c
        stmt = update(self._t.deadline).where(
            d.object_id == object_id, d.met_at.is_(None), d.cancelled_at.is_(None)
        )
        if rule_ids:
            stmt = stmt.where(d.rule.in_(rule_ids))
        await uow.session.execute(stmt.values(cancelled_at=uow.clock()))

    async def of(self, session: AsyncSession, object_id: uuid.UUID, now: datetime) -> list[DeadlineView]:
        d = self._t.deadline.c
        rows = await session.execute(
            select(d.rule, d.due_at, d.met_at)
            .where(d.object_id == object_id, d.cancelled_at.is_(None))
            .order_by(d.due_at, d.rule)
        )
        return [
            DeadlineView(r.rule, r.due_at, r.met_at, deadline_status(r.due_at, r.met_at, now)) for r in rows
        ]


class DeadlineScheduler:
    """Emits DeadlineApproaching when the warning time passes and DeadlineMissed when the due time
    passes, each exactly once per deadline, also with several replicas: a tick claims the due rows
    (`UPDATE … SET <sent> = now WHERE <sent> IS NULL … RETURNING`, the candidates locked with SKIP
    LOCKED on PostgreSQL) and writes their events to the outbox in the same transaction, so a row
    another replica claimed is neither returned nor emitted twice."""

    def __init__(
        self,
        tables: DeadlineTables,
        uow_factory: Callable[[], UnitOfWork],
        batch: int = 500,
        *,
        service: str = "platform",
    ):
        self._t = tables
        self._uow_factory = uow_factory
        self._batch = batch
        self._missed = metrics.counter(
            f"{service}_deadlines_missed_total", "Legal deadlines that passed unmet (once each)", ("rule",)
        )

    async def tick(self) -> int:
        async with self._uow_factory() as uow:
            now = uow.clock()
            d = self._t.deadline.c
            open_ = (d.met_at.is_(None), d.cancelled_at.is_(None))
            approaching = await self._claim(
                uow, d.approaching_sent_at, now, *open_, d.warn_at <= now, d.due_at > now
            )
            missed = await self._claim(uow, d.missed_sent_at, now, *open_, d.due_at <= now)
            for row in approaching:
                uow.emit(DeadlineApproaching(**_payload(row)))
            for row in missed:
                uow.emit(DeadlineMissed(**_payload(row)))
            await uow.commit()
        for row in missed:
            self._missed.labels(row.rule).inc()
        return len(approaching) + len(missed)

    async def _claim(
        self, uow: UnitOfWork, sent: Column[Any], now: datetime, *due: ColumnElement[bool]
    ) -> list[Row[Any]]:
        table = self._t.deadline
        candidates = (
            select(table.c.id)
            .where(*due, sent.is_(None))
            .order_by(table.c.due_at, table.c.id)
            .limit(self._batch)
            .with_for_update(skip_locked=True)
        )
        result = await uow.session.execute(
            update(table)
            .where(table.c.id.in_(candidates.scalar_subquery()), sent.is_(None))
            .values({sent.name: now})
            .returning(*table.c)
        )
        return sorted(result.all(), key=lambda row: (row.due_at, row.id))


_PAYLOAD_FIELDS = (
    "rule",
    "object_type",
    "object_id",
    "reference",
    "unit_id",
    "due_at",
    "responsible_person_id",
    "responsible_role",
)


def _payload(row: Row[Any]) -> dict[str, Any]:
    values = row._mapping
    return {"deadline_id": values["id"], **{name: values[name] for name in _PAYLOAD_FIELDS}}
