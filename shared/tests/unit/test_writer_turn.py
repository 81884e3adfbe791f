"""Background writers of one SQLite file take turns in process (awake, in order) instead of
sleeping in SQLite's busy handler; another database needs no turn."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from platform_shared.db import make_engine, make_session_factory, writer_turn


async def test_writers_of_one_sqlite_file_take_turns_in_order(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'a.sqlite'}")
    factory, again = make_session_factory(engine), make_session_factory(engine)
    order: list[str] = []

    async def writer(name: str, factory_used: object) -> None:
        async with writer_turn(factory_used):  # type: ignore[arg-type]
            order.append(f"{name} in")
            await asyncio.sleep(0.01)
            order.append(f"{name} out")

    await asyncio.gather(writer("a", factory), writer("b", again), writer("c", factory))
    assert order == ["a in", "a out", "b in", "b out", "c in", "c out"]
    other = make_session_factory(make_engine(f"sqlite+aiosqlite:///{tmp_path / 'b.sqlite'}"))
    assert writer_turn(other) is not writer_turn(factory)
    await engine.dispose()


async def test_a_postgresql_writer_takes_no_turn() -> None:
    factory = make_session_factory(make_engine("postgresql+asyncpg://127.0.0.1/nothing"))
    assert isinstance(writer_turn(factory), contextlib.nullcontext)
