"""A service's org replica in a real database (SQLite, and PostgreSQL where marked), fed with org
events by the projector every service uses; directory, authorizer and principals over it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from platform_shared.access import Authorizer, Principal, principal_for
from platform_shared.auth.tokens import DevTokens
from platform_shared.contracts.base import EventPayload
from platform_shared.db import make_engine, make_metadata, make_session_factory
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.orgreplica.projector import ReplicaProjector
from platform_shared.orgreplica.tables import attach_replica_tables
from platform_shared.testing import OrgFixture, database_url
from platform_shared.timeutil import utc_now

metadata = make_metadata()
tables = attach_replica_tables(metadata)


@dataclass
class Replica:
    engine: AsyncEngine
    factory: async_sessionmaker[AsyncSession]
    session: AsyncSession
    tokens: DevTokens

    @property
    def directory(self) -> OrgDirectory:
        return OrgDirectory(self.session, tables)

    @property
    def authorizer(self) -> Authorizer:
        return Authorizer(self.directory)

    def org(self) -> OrgFixture:
        return OrgFixture(self.tokens)

    async def apply(self, *events: EventPayload) -> None:
        projector = ReplicaProjector(tables)
        async with self.factory() as session, session.begin():
            for event in events:
                await projector.apply(session, event)
        await self.session.rollback()  # the next read sees them

    async def principal(self, subject: str, at: datetime | None = None) -> Principal:
        found = await principal_for(self.directory, subject, at or utc_now())
        assert found is not None, f"no active person or client with subject {subject}"
        return found


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def replica(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Replica]:
    async with database_url(request.param, tmp_path, "replica") as url, _opened(url, tmp_path) as opened:
        yield opened


@pytest.fixture
async def sqlite_replica(tmp_path: Path) -> AsyncIterator[Replica]:
    async with database_url("sqlite", tmp_path, "replica") as url, _opened(url, tmp_path) as opened:
        yield opened


@asynccontextmanager
async def _opened(url: str, tmp_path: Path) -> AsyncIterator[Replica]:
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)  # tests only; services use Alembic
    factory = make_session_factory(engine)
    session = factory()
    try:
        yield Replica(engine, factory, session, DevTokens(tmp_path))
    finally:
        await session.close()
        await engine.dispose()


def tree(replica: Replica) -> OrgFixture:
    org = replica.org()
    org.unit("namnd", "namnd")
    org.unit("forvaltning", "forvaltning", "namnd", ("SoL", "LSS", "HSL"))
    org.unit("omsorg", "verksamhetsomrade", "forvaltning", ("SoL", "HSL"))
    org.unit("lss", "verksamhetsomrade", "forvaltning", ("LSS",))
    org.unit("enhet_a", "enhet", "omsorg", ("SoL", "HSL"))
    org.unit("enhet_b", "enhet", "omsorg", ("SoL",))
    org.unit("enhet_c", "enhet", "lss", ("LSS",))
    return org
