"""The shared request pipeline's plain parts: errors by kind, If-Match, keyset pages, Idempotency-Key,
the test clock."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Column, Table, Uuid, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.api.deps import parse_if_match
from platform_shared.db import UtcDateTime, make_engine, make_metadata, make_session_factory
from platform_shared.errors import (
    InvalidTransition,
    PreconditionFailed,
    RuleViolation,
    ValidationFailed,
    check_version,
)
from platform_shared.idempotency import FirstAnswer, Idempotency, attach_idempotency_table
from platform_shared.pagination import PageRequest, keyset_page
from platform_shared.testing import TestClock

metadata = make_metadata()
row = Table(
    "row", metadata, Column("id", Uuid, primary_key=True), Column("at", UtcDateTime(), nullable=False)
)
keys = attach_idempotency_table(metadata)
T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
async def session() -> AsyncIterator[AsyncSession]:
    engine = make_engine("sqlite+aiosqlite://")
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    async with make_session_factory(engine)() as s:
        yield s
    await engine.dispose()


def test_a_rule_refused_in_the_current_state_is_409_and_bad_input_is_422_naming_the_field() -> None:
    state = RuleViolation("Inte nu", state=True)
    assert (state.status, state.type_) == (InvalidTransition.status, "/problems/invalid-transition")
    assert state.errors == [] and state.message == "Inte nu"
    field = RuleViolation("Fel", "degree")
    assert (field.status, field.type_) == (422, ValidationFailed.type_)
    assert field.errors[0].field == "degree"


def test_if_match_names_a_version_or_nothing_and_anything_else_is_422() -> None:
    assert parse_if_match('"3"') == 3 and parse_if_match('W/"4"') == 4
    assert parse_if_match(None) is None and parse_if_match("*") is None
    with pytest.raises(ValidationFailed):
        parse_if_match("abc")
    check_version(None, 7)
    check_version(7, 7)
    with pytest.raises(PreconditionFailed):
        check_version(6, 7)


async def test_keyset_pages_newest_first_are_stable_with_the_id_as_tie_breaker(session: AsyncSession) -> None:
    made = [(uuid.UUID(int=i), T0 + timedelta(minutes=i // 2)) for i in range(7)]
    await session.execute(row.insert(), [{"id": i, "at": at} for i, at in made])
    seen: list[uuid.UUID] = []
    cursor = None
    while True:
        rows, cursor = await keyset_page(
            session, select(row), [row.c.at, row.c.id], PageRequest(cursor, 3), descending=True, scalars=False
        )
        seen += [r.id for r in rows]
        if cursor is None:
            break
    assert seen == [i for i, _ in sorted(made, key=lambda m: (m[1], m[0]), reverse=True)]
    with pytest.raises(ValidationFailed):
        await keyset_page(session, select(row), [row.c.at, row.c.id], PageRequest("garbage", 3))


async def test_an_idempotency_key_answers_as_the_first_time_and_refuses_another_request(
    session: AsyncSession,
) -> None:
    actor, created = uuid.uuid4(), uuid.uuid4()
    first = Idempotency.of(keys, "app-1", actor, [b"POST", b"/things", b'{"a": 1}'])
    assert await first.first_answer(session) is None
    await first.remember(session, FirstAnswer(201, created), T0)
    again = Idempotency.of(keys, "app-1", actor, [b"POST", b"/things", b'{"a": 1}'])
    assert await again.first_answer(session) == FirstAnswer(201, created)
    other = Idempotency.of(keys, "app-1", actor, [b"POST", b"/things", b'{"a": 2}'])
    with pytest.raises(ValidationFailed) as err:
        await other.first_answer(session)
    assert err.value.errors[0].field == "Idempotency-Key"
    someone_else = Idempotency.of(keys, "app-1", uuid.uuid4(), [b"POST", b"/things", b'{"a": 2}'])
    assert await someone_else.first_answer(session) is None
    stored = (await session.execute(select(keys.c.key_hash))).scalars().all()
    assert stored == [first.key_hash] and "app-1" not in stored[0]
    assert await session.scalar(select(func.count()).select_from(keys)) == 1
    with pytest.raises(ValidationFailed):
        Idempotency.of(keys, "k" * 201, actor, [])


def test_the_test_clock_stands_still_until_moved() -> None:
    clock = TestClock(T0)
    assert clock() == T0
    clock.advance(hours=2)
    clock.advance(timedelta(minutes=30))
    assert clock() == T0 + timedelta(hours=2, minutes=30)
    clock.set(T0)
    assert clock() == T0
    assert TestClock()().tzinfo is not None  # real time while unset
