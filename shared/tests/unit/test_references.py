"""References (AVV-2026-000123): unique and rising per prefix and year; on PostgreSQL concurrent
reports do not queue on a counter row, and numbering goes on after the counter."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import MetaData, text

from platform_shared.references import attach_reference_counter, next_reference, next_references

from ..conftest import Db

counter_metadata = MetaData()
counter = attach_reference_counter(counter_metadata)


async def _with_counter(db: Db) -> None:
    async with db.engine.begin() as conn:
        await conn.run_sync(counter_metadata.create_all)


async def test_references_rise_from_one_per_prefix_and_year(db: Db) -> None:
    await _with_counter(db)
    async with db.factory() as session:
        assert await next_reference(session, counter, "AVV", 2026) == "AVV-2026-000001"
        assert await next_references(session, counter, "AVV", 2026, 3) == [
            "AVV-2026-000002",
            "AVV-2026-000003",
            "AVV-2026-000004",
        ]
        assert await next_reference(session, counter, "AVV", 2027) == "AVV-2027-000001"
        assert await next_reference(session, counter, "KLA", 2026) == "KLA-2026-000001"
        await session.commit()


async def test_concurrent_reports_get_distinct_references(db: Db) -> None:
    await _with_counter(db)

    async def one() -> str:
        async with db.factory() as session:
            reference = await next_reference(session, counter, "AVV", 2026)
            await session.commit()
            return reference

    taken = await asyncio.gather(*(one() for _ in range(12)))
    assert sorted(taken) == [f"AVV-2026-{n:06d}" for n in range(1, 13)]


async def test_a_sequence_starts_after_the_counter_it_replaces(pg_db: Db) -> None:
    await _with_counter(pg_db)
    async with pg_db.engine.begin() as conn:
        await conn.execute(counter.insert().values(prefix="AVV", year=2026, last_number=41))
    async with pg_db.factory() as session:
        assert await next_reference(session, counter, "AVV", 2026) == "AVV-2026-000042"


async def test_on_postgresql_a_report_holds_no_lock_others_wait_for(pg_db: Db) -> None:
    await _with_counter(pg_db)
    async with pg_db.factory() as first, pg_db.factory() as second:
        await next_reference(first, counter, "AVV", 2026)  # first's transaction stays open
        await second.execute(text("SET LOCAL lock_timeout = '1s'"))
        assert await next_reference(second, counter, "AVV", 2026) == "AVV-2026-000002"
        await first.rollback()
        await second.commit()


async def test_a_number_is_never_reused_after_a_rollback(pg_db: Db) -> None:
    await _with_counter(pg_db)
    async with pg_db.factory() as session:
        await next_reference(session, counter, "AVV", 2026)
        await session.rollback()
        assert await next_reference(session, counter, "AVV", 2026) == "AVV-2026-000002"


def test_a_prefix_is_capital_letters() -> None:
    with pytest.raises(ValueError):
        asyncio.run(next_reference(None, counter, 'AVV"; DROP', 2026))  # type: ignore[arg-type]
