"""Human references such as AVV-2026-000123: unique per deployment, prefix and year, never reused.

On SQLite (one process, one writer) a counter row per prefix and year is taken inside the caller's
transaction. On PostgreSQL each prefix and year has a sequence of its own (`reference_counter_avv_2026`),
made the first time it is needed and started after the counter row, if there is one: a counter row
would be locked from the report's first write until its commit, so concurrent reports (and worker
processes) would wait for one another. A sequence is never rolled back, so a failed command leaves
an unused number: numbers are unique and rising, not gapless.
"""

from __future__ import annotations

import re
import weakref
from functools import lru_cache
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Select, String, Table, bindparam, cast, func, select, text
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

_PREFIX = re.compile(r"[A-Z]{1,10}")


def attach_reference_counter(metadata: MetaData) -> Table:
    return Table(
        "reference_counter",
        metadata,
        Column("prefix", String(20), primary_key=True),
        Column("year", Integer, primary_key=True),
        Column("last_number", Integer, nullable=False),
    )


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"


async def next_reference(session: AsyncSession, counter: Table, prefix: str, year: int) -> str:
    """The next reference of the prefix and year, inside the caller's transaction: one statement."""
    return (await next_references(session, counter, prefix, year, 1))[0]


async def next_references(
    session: AsyncSession, counter: Table, prefix: str, year: int, count: int
) -> list[str]:
    """`count` new references of the prefix and year in one statement, in rising order."""
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"a reference prefix is 1–10 capital letters: {prefix!r}")
    if count < 1:
        return []
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    if engine.dialect.name == "postgresql":
        name = await _sequence(engine, counter, prefix, year)
        taken = await session.scalars(_take_from_sequence(), {"sequence": name, "count": count})
        numbers = [int(n) for n in taken]
    else:
        stmt = _take_from_counter(counter)
        last = int(await session.scalar(stmt, {"prefix": prefix, "year": year, "count": count}) or 0)
        numbers = list(range(last - count + 1, last + 1))
    return [format_reference(prefix, year, n) for n in sorted(numbers)]


@lru_cache(maxsize=32)
def _take_from_counter(counter: Table) -> ReturningInsert[Any]:
    """SQLite's counter upsert, built once per table (its compiled form is then cached)."""
    return (
        sqlite_insert(counter)
        .values(prefix=bindparam("prefix"), year=bindparam("year"), last_number=bindparam("count"))
        .on_conflict_do_update(
            index_elements=[counter.c.prefix, counter.c.year],
            set_={"last_number": counter.c.last_number + bindparam("count")},
        )
        .returning(counter.c.last_number)
    )


@lru_cache(maxsize=1)
def _take_from_sequence() -> Select[Any]:
    numbers = func.generate_series(1, bindparam("count", type_=Integer)).table_valued("n")
    return select(func.nextval(cast(bindparam("sequence", type_=String), REGCLASS))).select_from(numbers)


# The sequences known to exist, per engine (a test may make several databases in one process).
_made: weakref.WeakKeyDictionary[Engine, set[str]] = weakref.WeakKeyDictionary()


async def _sequence(bind: Engine, counter: Table, prefix: str, year: int) -> str:
    name = f"{counter.name}_{prefix.lower()}_{year}"
    made = _made.setdefault(bind, set())
    if name not in made:
        await _make_sequence(AsyncEngine(bind), counter, name, prefix, year)
        made.add(name)
    return name


async def _make_sequence(engine: AsyncEngine, counter: Table, name: str, prefix: str, year: int) -> None:
    """Made on a connection of its own and committed at once, so that concurrent first reports of a
    year do not wait on (or fail with) one another's uncommitted DDL."""
    exists = text("SELECT to_regclass(:name) IS NOT NULL")
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        if await conn.scalar(exists, {"name": name}):
            return
        last = await conn.scalar(
            select(counter.c.last_number).where(counter.c.prefix == prefix, counter.c.year == year)
        )
        try:
            await conn.execute(
                text(f'CREATE SEQUENCE IF NOT EXISTS "{name}" START WITH {int(last or 0) + 1}')
            )
        except DBAPIError:
            if not await conn.scalar(exists, {"name": name}):
                raise  # not a concurrent maker that won
