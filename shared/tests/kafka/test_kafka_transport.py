"""The Kafka transport's own guarantees, against the mock cluster or a real broker.

Records are produced before subscribing, so a new consumer finds its topics at once; on the mock a
group join takes about 3 s and a restarted member joins after about 2 s (see conftest).
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from platform_shared.contracts.topics import TopicSpec
from platform_shared.messaging.kafka import KafkaSubscription, KafkaTransport
from platform_shared.messaging.transport import (
    Held,
    IncomingMessage,
    OutgoingMessage,
    Refused,
    TransportUnavailable,
)

MakeTransport = Callable[..., KafkaTransport]
Names = Callable[[str], str]
NewTopic = Callable[..., Awaitable[str]]


def record(topic: str, key: str, seq: int, headers: dict[str, str] | None = None) -> OutgoingMessage:
    return OutgoingMessage(topic, key, orjson.dumps({"key": key, "seq": seq}), headers or {})


def seq_of(message: IncomingMessage) -> int:
    return int(orjson.loads(message.value)["seq"])


async def fetch_until(sub: KafkaSubscription, count: int, timeout_s: float = 30.0) -> list[IncomingMessage]:
    """Fetch until at least `count` records arrived (the first fetches also complete the group join)."""
    got: list[IncomingMessage] = []
    deadline = time.monotonic() + timeout_s
    while len(got) < count and time.monotonic() < deadline:
        got += await sub.fetch(500, 0.2)
    assert len(got) >= count, f"only {len(got)} of {count} records arrived within {timeout_s} s"
    return got


async def fetch_for(sub: KafkaSubscription, seconds: float) -> list[IncomingMessage]:
    got: list[IncomingMessage] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got += await sub.fetch(500, 0.1)
    return got


async def test_messages_with_the_same_key_keep_their_order(
    make_transport: MakeTransport, new_topic: NewTopic, group_name: Names
) -> None:
    transport = make_transport()
    await transport.start()
    topic = await new_topic("order")
    keys = [f"case-{i}" for i in range(8)]
    per_batch = 5
    for batch in range(3):  # several batches, keys interleaved within each
        await transport.send_batch(
            [record(topic, key, batch * per_batch + n) for n in range(per_batch) for key in keys]
        )

    sub = await transport.subscribe([topic], group_name("order"))
    got = await fetch_until(sub, len(keys) * 3 * per_batch)

    by_key: dict[str, list[IncomingMessage]] = defaultdict(list)
    for message in got:
        assert message.key is not None
        by_key[message.key].append(message)
    assert sorted(by_key) == sorted(keys)
    for key, messages in by_key.items():
        assert [seq_of(m) for m in messages] == list(range(3 * per_batch)), key
        assert len({m.partition for m in messages}) == 1, f"{key} spread over partitions"
        offsets = [m.offset for m in messages]
        assert offsets == sorted(offsets)


async def test_headers_survive_the_round_trip(
    make_transport: MakeTransport, new_topic: NewTopic, group_name: Names
) -> None:
    transport = make_transport()
    await transport.start()
    topic = await new_topic("headers")
    headers = {
        "content-type": "application/cloudevents+json",
        "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "x-note": "avvikelse åäö",
    }
    await transport.send_batch([record(topic, "with-headers", 0, headers), record(topic, "with-headers", 1)])

    sub = await transport.subscribe([topic], group_name("headers"))
    first, second = await fetch_until(sub, 2)

    assert first.headers == headers
    assert first.key == "with-headers"
    assert orjson.loads(first.value) == {"key": "with-headers", "seq": 0}
    assert first.topic == topic
    assert second.headers == {}


async def test_records_not_committed_before_a_crash_are_delivered_again_after_restart(
    make_transport: MakeTransport, new_topic: NewTopic, group_name: Names
) -> None:
    transport = make_transport()
    await transport.start()
    topic, group = await new_topic("redeliver"), group_name("redeliver")
    await transport.send_batch([record(topic, f"k{n % 3}", n) for n in range(6)])

    first = await transport.subscribe([topic], group)
    before = await fetch_until(first, 6)
    await first.close()  # "crash": processed nothing to the end, committed nothing

    second = await transport.subscribe([topic], group)
    after = await fetch_until(second, 6)

    def ids(messages: list[IncomingMessage]) -> set[tuple[int, int, int]]:
        return {(m.partition, m.offset, seq_of(m)) for m in messages}

    assert ids(after) == ids(before)
    assert sorted(seq_of(m) for m in after) == list(range(6))


async def test_a_restarted_consumer_resumes_from_the_committed_offset(
    make_transport: MakeTransport, new_topic: NewTopic, group_name: Names
) -> None:
    transport = make_transport()
    await transport.start()
    topic, group = await new_topic("resume"), group_name("resume")
    await transport.send_batch([record(topic, "one-key", n) for n in range(6)])  # one partition

    first = await transport.subscribe([topic], group)
    fetched = await fetch_until(first, 6)
    assert [seq_of(m) for m in fetched] == list(range(6))
    await first.commit([fetched[3]])  # seq 0..3 processed; 4 and 5 fetched but not processed
    await first.close()
    await transport.send_batch([record(topic, "one-key", n) for n in range(6, 8)])

    second = await transport.subscribe([topic], group)
    resumed = await fetch_until(second, 4)
    resumed += await fetch_for(second, 0.5)  # nothing older may follow

    assert [seq_of(m) for m in resumed] == [4, 5, 6, 7]
    assert resumed[0].offset == fetched[3].offset + 1


async def test_ping_reports_a_reachable_cluster(make_transport: MakeTransport) -> None:
    transport = make_transport()
    await transport.start()
    assert await transport.ping() is True


async def test_send_batch_to_an_unreachable_cluster_raises_transport_unavailable_quickly(
    make_transport: MakeTransport,
) -> None:
    transport = make_transport(
        "127.0.0.1:1", metadata_max_age_ms=1000, producer_options={"request_timeout_ms": 2000}
    )
    await transport.start()  # does not connect: the service starts and the relay retries sends
    assert await transport.ping() is False

    started = time.monotonic()
    with pytest.raises(TransportUnavailable):
        await transport.send_batch([record("test.nowhere", "k", 0)])
    assert time.monotonic() - started < 5


async def test_send_batch_raises_transport_unavailable_when_the_cluster_goes_away(
    make_transport: MakeTransport,
) -> None:
    # A cluster of its own (always the mock), so the test can take it down.
    from confluent_kafka import Producer

    holder = Producer({"test.mock.num.brokers": 1, "log_level": 4})
    if not hasattr(holder, "close"):
        pytest.skip("this confluent-kafka cannot shut a mock cluster down")
    brokers = holder.list_topics(timeout=5).brokers.values()
    bootstrap = ",".join(f"{b.host}:{b.port}" for b in brokers)
    transport = make_transport(bootstrap, producer_options={"request_timeout_ms": 2000})
    await transport.start()
    topic = f"test.gone.{time.monotonic_ns()}"  # the mock creates it on first use
    await transport.send_batch([record(topic, "k", 0)])

    holder.close()  # the cluster is gone; the idempotent producer would retry forever

    started = time.monotonic()
    with pytest.raises(TransportUnavailable):
        await transport.send_batch([record(topic, "k", 1)])
    assert time.monotonic() - started < 5
    assert await transport.ping() is False
    started = time.monotonic()
    await transport.stop()  # gives up on the unacknowledged record instead of hanging
    assert time.monotonic() - started < 5


async def test_a_record_larger_than_the_cluster_takes_is_refused_and_holds_only_its_key(
    make_transport: MakeTransport, new_topic: NewTopic, group_name: Names
) -> None:
    transport = make_transport()
    topic = await new_topic("refused")
    big = OutgoingMessage(topic, "big", b"x" * 2_000_000)
    outcomes = await transport.send_each(
        [record(topic, "small", 0), big, record(topic, "big", 1), record(topic, "small", 2)]
    )
    assert outcomes[0] is None and outcomes[3] is None
    assert isinstance(outcomes[1], Refused) and isinstance(outcomes[2], Held)
    sub = await transport.subscribe([topic], group_name("refused"))
    assert [seq_of(m) for m in await fetch_until(sub, 2)] == [0, 2]


# -- need a real broker: admin API, several members in one group, no auto-creation ------------


@pytest.mark.real_kafka
async def test_topics_are_created_through_the_admin_api_once_with_their_partitions_and_retention(
    make_transport: MakeTransport, kafka_bootstrap: str
) -> None:
    transport = make_transport()
    spec = TopicSpec(f"test.admin.{time.monotonic_ns()}", partitions=3)
    assert await transport.ensure_topics([spec]) == [spec.name]
    assert await transport.ensure_topics([spec]) == []  # exists: nothing to do, no error

    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([spec.name])
        configs = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, spec.name)])
    finally:
        await admin.close()
    assert described["error_code"] == 0
    assert len(described["partitions"]) == 3
    entries = {entry[0]: entry[1] for entry in configs[0].resources[0][4]}
    assert entries["retention.ms"] == "-1"


@pytest.mark.real_kafka
async def test_a_message_for_a_topic_that_does_not_exist_is_refused_at_once_not_auto_created(
    make_transport: MakeTransport, new_topic: NewTopic
) -> None:
    transport = make_transport()
    existing = await new_topic("exists")
    missing = f"test.missing.{time.monotonic_ns()}"
    started = time.monotonic()
    outcomes = await transport.send_each(
        [record(missing, "a", 0), record(existing, "b", 0), record(missing, "a", 1)]
    )
    assert time.monotonic() - started < 10, "not the producer's 40 s metadata wait"
    assert isinstance(outcomes[0], Refused) and "does not exist" in str(outcomes[0])
    assert outcomes[1] is None and isinstance(outcomes[2], Held)
    assert await transport.ensure_topics([TopicSpec(missing, partitions=1)]) == [missing], "not created"


@pytest.mark.real_kafka
async def test_two_consumers_in_one_group_split_the_partitions(
    make_transport: MakeTransport, new_topic: NewTopic, group_name: Names
) -> None:
    transport = make_transport()
    await transport.start()
    topic, group = await new_topic("split", partitions=4), group_name("split")

    subs = [await transport.subscribe([topic], group), await transport.subscribe([topic], group)]
    everything = {(topic, p) for p in range(4)}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # fetching drives the joins and the rebalance
        await asyncio.gather(*(sub.fetch(100, 0.2) for sub in subs))
        a, b = (sub.assignment() for sub in subs)
        if a and b and not a & b and a | b == everything:
            break
    else:
        pytest.fail(f"group did not settle: {[sub.assignment() for sub in subs]}")
    # each counted the rebalance that gave it partitions (a consumer then reads its held keys again)
    assert all(sub.assignments >= 1 for sub in subs)

    total = 40
    await transport.send_batch([record(topic, f"key-{n}", n) for n in range(total)])
    received: list[list[IncomingMessage]] = [[], []]
    deadline = time.monotonic() + 30
    while sum(map(len, received)) < total and time.monotonic() < deadline:
        batches: list[Any] = await asyncio.gather(*(sub.fetch(100, 0.2) for sub in subs))
        for mine, batch in zip(received, batches, strict=True):
            mine.extend(batch)

    assert all(received), "each member gets a share"
    assert sorted(seq_of(m) for mine in received for m in mine) == list(range(total))
    partitions = [{m.partition for m in mine} for mine in received]
    assert not partitions[0] & partitions[1]
