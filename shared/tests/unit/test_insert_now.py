"""A new aggregate's row inserted at once through Core: stored as the object shows it, defaults set on
the object, the object outside the session; a database default the object would not show is refused."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, String, false, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from platform_shared.db import make_engine, make_session_factory
from platform_shared.sqlutil import insert_now
from platform_shared.testing import database_url


class Base(DeclarativeBase):
    pass


class Case(Base):
    __tablename__ = "case_row"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))
    note: Mapped[str | None] = mapped_column(String(50))
    version: Mapped[int] = mapped_column(default=1)
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    __mapper_args__ = {"version_id_col": version}


class Flagged(Base):
    __tablename__ = "flagged_row"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    flag: Mapped[bool] = mapped_column(server_default=false())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def session(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncSession]:
    async with database_url(request.param, tmp_path, "insert_now") as url:
        engine = make_engine(url)
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        async with make_session_factory(engine)() as session:
            yield session
        await engine.dispose()


async def test_the_row_is_stored_as_the_object_shows_it_with_its_defaults(session: AsyncSession) -> None:
    case = Case(id=uuid.uuid4(), title="Fall")
    async with session.begin():
        await insert_now(session, case)
        assert case not in session  # nothing left for a flush
    assert (case.version, case.tags, case.note) == (1, [], None)
    stored = await session.get(Case, case.id)
    assert stored is not None and stored is not case
    assert (stored.title, stored.note, stored.version, stored.tags) == ("Fall", None, 1, [])


async def test_a_database_default_the_object_would_not_show_is_refused(session: AsyncSession) -> None:
    with pytest.raises(ValueError, match=r"Flagged\.flag"):
        await insert_now(session, Flagged(id=uuid.uuid4()))
    async with session.begin():
        await insert_now(session, Flagged(id=uuid.uuid4(), flag=True))
    assert (await session.scalars(select(Flagged.flag))).all() == [True]
