"""A pooled PostgreSQL connection dropped by the server (a restart, an administrator, a proxy's idle
timeout) is replaced before it is handed out: the next request does not fail on it."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import text

from platform_shared.testing import PG_ADMIN_DSN

from ..conftest import Db  # type: ignore[import-not-found]

pytestmark = pytest.mark.postgres


async def _pids(db: Db, n: int) -> list[int]:
    """Check out n connections at once and return them to the pool; their backends' pids."""
    conns = [await db.engine.connect() for _ in range(n)]
    try:
        return [int((await c.execute(text("SELECT pg_backend_pid()"))).scalar_one()) for c in conns]
    finally:
        for c in conns:
            await c.close()


async def test_every_pooled_connection_dropped_by_the_server_is_replaced_before_use(pg_db: Db) -> None:
    before = await _pids(pg_db, 3)
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        for pid in before:  # as a restart does: every backend gone (waits until each has exited)
            assert await admin.fetchval("SELECT pg_terminate_backend($1, 5000)", pid)
    finally:
        await admin.close()
    after = await _pids(pg_db, 3)  # no error: each dead connection was seen at checkout and replaced
    assert not set(after) & set(before)
    async with pg_db.factory() as session, session.begin():
        assert (await session.execute(text("SELECT 1"))).scalar_one() == 1


async def test_a_checkout_pings_in_one_round_trip_outside_any_transaction(pg_db: Db) -> None:
    await _pids(pg_db, 1)
    statements: list[str] = []
    raw = await pg_db.engine.raw_connection()  # checked out: pinged
    try:
        driver = raw.driver_connection
        assert driver is not None
        driver.add_query_logger(lambda record: statements.append(record.query))
    finally:
        raw.close()
    async with pg_db.engine.connect():  # the next checkout's ping is logged
        pass
    assert statements == [";"]
