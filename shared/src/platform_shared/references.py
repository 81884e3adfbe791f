"""Human references such as AVV-2026-000123: unique per deployment, prefix and year, never reused."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.sqlutil import insert_ignore


def attach_reference_counter(metadata: MetaData) -> Table:
    return Table(
        "reference_counter",
        metadata,
        Column("prefix", String(20), primary_key=True),
        Column("year", Integer, primary_key=True),
        Column("last_number", Integer, nullable=False),
    )


async def next_reference(session: AsyncSession, counter: Table, prefix: str, year: int) -> str:
    """Takes the next number inside the caller's transaction (the row lock serialises writers)."""
    await insert_ignore(session, counter, {"prefix": prefix, "year": year, "last_number": 0})
    number = await session.scalar(
        update(counter)
        .where(counter.c.prefix == prefix, counter.c.year == year)
        .values(last_number=counter.c.last_number + 1)
        .returning(counter.c.last_number)
    )
    if number is None:  # pragma: no cover - the row was inserted just above
        number = await session.scalar(select(counter.c.last_number))
    return f"{prefix}-{year}-{number:06d}"
