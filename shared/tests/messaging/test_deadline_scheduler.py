from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import timedelta

import orjson
import pytest
from sqlalchemy import select

from platform_shared.db import make_engine, make_session_factory
from platform_shared.deadlines.store import DeadlineScheduler
from platform_shared.ids import new_id
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.timeutil import utc_now

from ..conftest import Db, deadline_tables  # type: ignore[import-not-found]


async def open_deadlines(db: Db, count: int) -> None:
    now = utc_now()
    async with db.factory() as session, session.begin():
        await session.execute(
            deadline_tables.deadline.insert(),
            [
                {
                    "id": new_id(),
                    "rule": "receive",
                    "object_type": "deviation",
                    "object_id": uuid.uuid4(),
                    "unit_id": uuid.uuid4(),
                    "due_at": now - timedelta(minutes=n % 7) if n % 3 else now + timedelta(minutes=5),
                    "warn_at": now - timedelta(hours=1),
                }
                for n in range(count)
            ],
        )


async def emitted(db: Db) -> Counter[tuple[str, str]]:
    outbox = db.tables.outbox
    async with db.factory() as session:
        payloads = await session.scalars(select(outbox.c.payload))
        return Counter(
            (p["type"], p["data"]["deadline_id"])
            for p in (orjson.loads(orjson.dumps(raw)) for raw in payloads.all())
        )


async def test_a_scheduler_emits_each_deadline_event_once(db: Db) -> None:
    await open_deadlines(db, 30)
    scheduler = DeadlineScheduler(deadline_tables, db.uow)
    assert await scheduler.tick() == 30  # 20 missed, 10 approaching
    assert await scheduler.tick() == 0
    counts = await emitted(db)
    assert set(counts.values()) == {1} and len(counts) == 30


@pytest.mark.postgres
async def test_two_schedulers_on_one_database_emit_each_deadline_event_exactly_once(pg_db: Db) -> None:
    await open_deadlines(pg_db, 600)
    url = pg_db.engine.url.render_as_string(hide_password=False)
    replicas = [make_engine(url) for _ in range(2)]
    schedulers = [
        DeadlineScheduler(
            deadline_tables,
            lambda factory=make_session_factory(engine): UnitOfWork(factory, pg_db.tables, source="test-svc"),
            batch=50,
        )
        for engine in replicas
    ]

    async def run(scheduler: DeadlineScheduler) -> int:
        total = 0
        while count := await scheduler.tick():
            total += count
        return total

    try:
        totals = await asyncio.gather(*(run(s) for s in schedulers))
    finally:
        for engine in replicas:
            await engine.dispose()
    counts = await emitted(pg_db)
    assert sum(totals) == 600 == len(counts)
    assert set(counts.values()) == {1}, "a deadline event emitted twice"
