"""Database plumbing shared by every service: metadata conventions, portable column types, engines."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool
from sqlalchemy.types import TypeDecorator
from sqlalchemy.util.concurrency import await_

from platform_shared.timeutil import as_utc

SQLITE_BUSY_TIMEOUT_S = 30
# A pooled PostgreSQL connection idle longer than this is pinged (a round trip) before it is handed
# out; one returned more recently is only checked for a close its driver saw (no round trip).
PING_AFTER_IDLE_S = 1.0

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[datetime]):
    """timestamptz on PostgreSQL; on SQLite stored naive UTC and returned aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


class JsonDocument(TypeDecorator[Any]):
    """JSON on SQLite, JSONB on PostgreSQL."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else JSON())


JsonType = JsonDocument


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def pool_options(pool_size: int, max_overflow: int, pool_timeout_s: float) -> dict[str, Any]:
    """Connection pool sizes, and how long a request waits for a connection before it is refused
    (a short wait: a saturated service answers 503 at once instead of queueing for 30 s)."""
    return {"pool_size": pool_size, "max_overflow": max_overflow, "pool_timeout": pool_timeout_s}


def is_database_busy(exc: BaseException) -> bool:
    """No pool connection within the checkout timeout, or SQLite's write lock not within its busy
    timeout: the service is saturated, the work itself is not at fault."""
    if isinstance(exc, PoolTimeout):
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if is_sqlite(url):
        if ":memory:" in url or url.endswith("sqlite+aiosqlite://"):
            kwargs.setdefault("poolclass", StaticPool)
            for option in ("pool_size", "max_overflow", "pool_timeout"):
                kwargs.pop(option, None)  # one shared connection: no pool to size
        else:
            # A SQLite connection is a file handle and a thread: cheap to keep, dear to open (a thread
            # started, the file opened, the pragmas run). Keep every one the pool opens.
            kwargs["pool_size"] = kwargs.get("pool_size", 5) + kwargs.pop("max_overflow", 10)
            kwargs["max_overflow"] = 0
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_S})
        engine = create_async_engine(url, **kwargs)
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    # A database restart must not fail the next request on each pooled connection: a connection is
    # checked at checkout (_check_at_checkout); recycling keeps idle timeouts from biting.
    kwargs.setdefault("pool_recycle", 1800)
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.driver == "asyncpg":
        _check_at_checkout(engine)
    return engine


def _check_at_checkout(engine: AsyncEngine) -> None:
    """The pre-ping, only where it can find something: a connection its driver saw closed (a restart
    or an administrator ends every backend, and the server says so on each connection) is replaced
    without a round trip; one idle for PING_AFTER_IDLE_S or longer (a proxy or a network may have
    dropped it silently) is pinged with the empty query (`;`, one round trip, prepared once per
    connection) and replaced when that fails; one returned to the pool a moment ago is handed out as
    it is. Under load that is no round trip at all, where SQLAlchemy's pre-ping for asyncpg is three
    per checkout (`;` wrapped in BEGIN … ROLLBACK). Raising DisconnectionError at checkout is how
    SQLAlchemy's pool is told to replace the connection (it opens a new one in its place)."""
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "connect")
    @event.listens_for(pool, "checkin")
    def _used(_dbapi_connection: Any, record: Any) -> None:
        record.info["used_at"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        driver = dbapi_connection._connection  # the asyncpg connection
        if driver.is_closed():
            raise DisconnectionError("closed by the server")
        if time.monotonic() - record.info.get("used_at", -math.inf) < PING_AFTER_IDLE_S:
            return
        try:
            await_(driver.fetchrow(";"))
        except Exception as error:
            raise DisconnectionError(f"ping failed: {error!r}") from error


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.close()


_writer_turns: weakref.WeakKeyDictionary[
    Any, weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]
] = weakref.WeakKeyDictionary()


def writer_turn(factory: async_sessionmaker[AsyncSession]) -> contextlib.AbstractAsyncContextManager[Any]:
    """The turn of a background writer (a consumer's transaction) on its SQLite file, shared by the
    writers of the same engine in this process: they wait for one another in order, awake, instead
    of in SQLite's busy handler, which sleeps in growing steps (up to 100 ms) and so holds a waiting
    writer long after the file is free. Another database needs no turn: PostgreSQL locks rows."""
    engine = factory.kw.get("bind")
    if engine is None or engine.dialect.name != "sqlite":
        return contextlib.nullcontext()
    turns = _writer_turns.setdefault(engine.sync_engine, weakref.WeakKeyDictionary())
    loop = asyncio.get_running_loop()
    turn = turns.get(loop)
    if turn is None:
        turn = turns[loop] = asyncio.Lock()
    return turn


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session whose work is committed on success and rolled back on any error."""
    async with factory() as session, session.begin():
        yield session
