"""Kafka test fixtures. The broker comes from platform_shared.testing_kafka (a real one through
KAFKA_BOOTSTRAP_SERVERS or KAFKA_START, else librdkafka's mock cluster); tests create their topics
through the admin API, as production does (auto-creation is off on a real broker)."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from platform_shared.contracts.topics import TopicSpec
from platform_shared.messaging.kafka import KafkaTransport

NewTopic = Callable[..., Awaitable[str]]


@pytest.fixture
def group_name(request: pytest.FixtureRequest) -> Callable[[str], str]:
    run = uuid.uuid4().hex[:8]

    def make(label: str = "g") -> str:
        return f"test-{label}-{run}"

    return make


@pytest.fixture(scope="session")
def kafka_consumer_options(kafka_is_mock: bool) -> dict[str, Any]:
    # The mock cluster keeps a member that left until its session times out, so a restarted
    # consumer waits about session_timeout_ms - 1 s to join. Real brokers reject sessions
    # below group.min.session.timeout.ms (6 s by default) but handle LeaveGroup at once.
    if kafka_is_mock:
        return {"session_timeout_ms": 3000, "heartbeat_interval_ms": 300}
    return {"session_timeout_ms": 6000, "heartbeat_interval_ms": 500}


@pytest.fixture
async def make_transport(
    kafka_bootstrap: str, kafka_consumer_options: dict[str, Any]
) -> AsyncIterator[Callable[..., KafkaTransport]]:
    """Factory of started-on-demand transports with test timings; all are stopped after the test."""
    made: list[KafkaTransport] = []

    def make(bootstrap_servers: str | None = None, **overrides: Any) -> KafkaTransport:
        options: dict[str, Any] = {
            "client_id": "platform-tests",
            "fetch_max_wait_ms": 10,
            "metadata_max_age_ms": 500,
            "consumer_options": dict(kafka_consumer_options),
            **overrides,
        }
        transport = KafkaTransport(bootstrap_servers or kafka_bootstrap, **options)
        made.append(transport)
        return transport

    yield make
    for transport in made:
        await transport.stop()


@pytest.fixture
async def new_topic(
    request: pytest.FixtureRequest, make_transport: Callable[..., KafkaTransport], kafka_is_mock: bool
) -> NewTopic:
    """`await new_topic("orders", partitions=4)`: a topic unique to this test (and run), created
    through the admin API (on the mock, which has none, it is created on first use)."""
    test = re.sub(r"[^a-zA-Z0-9]+", "-", request.node.name)[:60].strip("-")
    run = uuid.uuid4().hex[:8]
    admin = make_transport()

    async def make(label: str = "t", partitions: int = 4) -> str:
        name = f"test.{test}.{label}.{run}"
        if not kafka_is_mock:
            await admin.ensure_topics([TopicSpec(name, partitions=partitions)])
        return name

    return make
