"""Human references such as AVV-2026-000123: unique per deployment, prefix and year, never reused."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert


def attach_reference_counter(metadata: MetaData) -> Table:
    return Table(
        "reference_counter",
        metadata,
        Column("prefix", String(20), primary_key=True),
        Column("year", Integer, primary_key=True),
        Column("last_number", Integer, nullable=False),
    )


@lru_cache(maxsize=32)
def _take_next(counter: Table, dialect: str) -> ReturningInsert[tuple[int]]:
    """The upsert, built once per table and dialect (its compiled form is then cached by SQLAlchemy)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(counter)
        .values(prefix=bindparam("prefix"), year=bindparam("year"), last_number=1)
        .on_conflict_do_update(
            index_elements=[counter.c.prefix, counter.c.year],
            set_={"last_number": counter.c.last_number + 1},
        )
        .returning(counter.c.last_number)
    )


async def next_reference(session: AsyncSession, counter: Table, prefix: str, year: int) -> str:
    """Takes the next number inside the caller's transaction (the row lock serialises writers): one
    statement, the year's first number inserting its row."""
    stmt = _take_next(counter, session.get_bind().dialect.name)
    number = await session.scalar(stmt, {"prefix": prefix, "year": year})
    return f"{prefix}-{year}-{number:06d}"
