"""The local bus (the embedded default's): a fetch reads the topics that had records, in one statement;
offsets of several topics commit together; records another process appends are still found."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from platform_shared.messaging.local import LocalTransport
from platform_shared.messaging.transport import OutgoingMessage

TOPICS = ["a.events", "b.events", "c.events"]


def record(topic: str, n: int) -> OutgoingMessage:
    return OutgoingMessage(topic=topic, key=f"k{n}", value=f"{topic}:{n}".encode(), headers={})


@pytest.fixture
async def bus(tmp_path: Path) -> AsyncIterator[LocalTransport]:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    yield transport
    await transport.stop()


def count_statements(transport: LocalTransport) -> Counter[str]:
    seen: Counter[str] = Counter()

    def _count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen[statement.split()[0].upper()] += 1

    event.listen(transport.engine.sync_engine, "before_cursor_execute", _count)
    return seen


async def test_a_fetch_reads_only_the_topics_appended_to_and_all_of_them_in_one_statement(
    bus: LocalTransport,
) -> None:
    subscription = await bus.subscribe(TOPICS, "g")
    await bus.send_batch([record("a.events", 1), record("b.events", 1), record("c.events", 1)])
    seen = count_statements(bus)
    first = await subscription.fetch(100, timeout_s=5)
    assert sorted(m.value for m in first) == [b"a.events:1", b"b.events:1", b"c.events:1"]
    assert seen["SELECT"] == 1

    await bus.send_batch([record("b.events", 2), record("b.events", 3)])
    seen.clear()
    second = await subscription.fetch(100, timeout_s=5)
    assert [m.value for m in second] == [b"b.events:2", b"b.events:3"]  # in order within its topic
    assert seen["SELECT"] == 1

    assert await subscription.fetch(100, timeout_s=0.05) == []  # nothing new: a wait, then nothing


async def test_a_topic_with_more_than_a_batch_is_read_again_until_empty(bus: LocalTransport) -> None:
    subscription = await bus.subscribe(TOPICS, "g")
    await bus.send_batch([record("a.events", n) for n in range(5)] + [record("c.events", 0)])
    got = []
    while batch := await subscription.fetch(2, timeout_s=0.05):
        assert len(batch) <= 2
        got.extend(m.value for m in batch)
    assert [v for v in got if v.startswith(b"a.")] == [f"a.events:{n}".encode() for n in range(5)]
    assert b"c.events:0" in got


async def test_offsets_of_several_topics_commit_together_and_a_new_subscription_resumes_there(
    bus: LocalTransport,
) -> None:
    subscription = await bus.subscribe(TOPICS, "g")
    await bus.send_batch([record("a.events", 1), record("b.events", 1)])
    batch = await subscription.fetch(100, timeout_s=5)
    seen = count_statements(bus)
    await subscription.commit(batch)
    assert seen["INSERT"] == 1
    await bus.send_batch([record("a.events", 2)])
    again = await bus.subscribe(TOPICS, "g")
    assert [m.value for m in await again.fetch(100, timeout_s=5)] == [b"a.events:2"]


async def test_records_another_process_appends_to_the_file_are_found_within_the_wait(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}"
    here, other = LocalTransport(url), LocalTransport(url)  # two transports: two processes' views
    await here.start()
    await other.start()
    try:
        subscription = await here.subscribe(TOPICS, "g")
        assert await subscription.fetch(100, timeout_s=0.05) == []
        await other.send_batch([record("b.events", 1)])
        assert [m.value for m in await subscription.fetch(100, timeout_s=0.2)] == [b"b.events:1"]
    finally:
        await here.stop()
        await other.stop()
