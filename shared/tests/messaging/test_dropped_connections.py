"""A pooled PostgreSQL connection dropped by the server (a restart, an administrator, a proxy's idle
timeout) is replaced before it is handed out: the next request does not fail on it. Only a connection
idle for a while costs a round trip to check."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy import text

from platform_shared import db
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


async def test_only_a_connection_idle_for_a_while_is_pinged_in_one_round_trip(
    pg_db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _pids(pg_db, 1)
    statements: list[str] = []
    raw = await pg_db.engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None
        driver.add_query_logger(lambda record: statements.append(record.query))
    finally:
        raw.close()
    async with pg_db.engine.connect():  # returned a moment ago: handed out without a round trip
        pass
    assert statements == []
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)
    async with pg_db.engine.connect():  # idle "long enough": pinged, outside any transaction
        pass
    assert statements == [";"]
