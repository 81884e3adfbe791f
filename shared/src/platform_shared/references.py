"""Human references such as AVV-2026-000123: unique per deployment, prefix and year, never reused."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def attach_reference_counter(metadata: MetaData) -> Table:
    return Table(
        "reference_counter",
        metadata,
        Column("prefix", String(20), primary_key=True),
        Column("year", Integer, primary_key=True),
        Column("last_number", Integer, nullable=False),
    )


async def next_reference(session: AsyncSession, counter: Table, prefix: str, year: int) -> str:
    """Takes the next number inside the caller's transaction (the row lock serialises writers): one
    statement, the year's first number inserting its row."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(counter).values(prefix=prefix, year=year, last_number=1)
    number = await session.scalar(
        stmt.on_conflict_do_update(
            index_elements=[counter.c.prefix, counter.c.year],
            set_={"last_number": counter.c.last_number + 1},
        ).returning(counter.c.last_number)
    )
    return f"{prefix}-{year}-{number:06d}"
