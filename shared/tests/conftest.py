from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Column, String, Table, Uuid
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from platform_shared.db import make_engine, make_metadata, make_session_factory
from platform_shared.deadlines.store import attach_deadline_tables
from platform_shared.messaging.tables import MessagingTables, attach_messaging_tables
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.testing import database_url

metadata = make_metadata()
thing = Table("thing", metadata, Column("id", Uuid, primary_key=True), Column("name", String(50)))
tables = attach_messaging_tables(metadata)
deadline_tables = attach_deadline_tables(metadata)


@dataclass
class Db:
    engine: AsyncEngine
    factory: async_sessionmaker[AsyncSession]
    tables: MessagingTables

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.factory, self.tables, source="test-svc")


@asynccontextmanager
async def _db(kind: str, tmp_path: Path) -> AsyncIterator[Db]:
    async with database_url(kind, tmp_path, "shared") as url:
        engine = make_engine(url)
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)  # tests only; services use Alembic
        yield Db(engine, make_session_factory(engine), tables)
        await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Db]:
    async with _db(request.param, tmp_path) as found:
        yield found


@pytest.fixture
async def pg_db(tmp_path: Path) -> AsyncIterator[Db]:
    """PostgreSQL only: for what replicas sharing one database do."""
    async with _db("postgres", tmp_path) as found:
        yield found
