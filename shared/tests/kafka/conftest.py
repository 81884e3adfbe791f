"""Kafka test fixtures: a real broker when KAFKA_BOOTSTRAP_SERVERS is set, else librdkafka's mock
cluster (`test.mock.num.brokers`). Tests marked `real_kafka` only run against a real broker.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from platform_shared.messaging.kafka import KafkaTransport
from platform_shared.testing import kafka_bootstrap_address

REAL_KAFKA_ENV = "KAFKA_BOOTSTRAP_SERVERS"


def _real_bootstrap() -> str | None:
    return os.environ.get(REAL_KAFKA_ENV) or None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _real_bootstrap():
        return
    skip = pytest.mark.skip(
        reason=f"needs a real Apache Kafka broker: set {REAL_KAFKA_ENV} (the mock cluster lacks this)"
    )
    for item in items:
        if item.get_closest_marker("real_kafka"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def kafka_is_mock() -> bool:
    return _real_bootstrap() is None


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """Bootstrap address of the cluster the session's Kafka tests use."""
    yield kafka_bootstrap_address()


@pytest.fixture
def topic_name(request: pytest.FixtureRequest) -> Callable[[str], str]:
    """Returns a factory of topic names unique to this test (and run): topic_name("orders")."""
    test = re.sub(r"[^a-zA-Z0-9]+", "-", request.node.name)[:60].strip("-")
    run = uuid.uuid4().hex[:8]

    def make(label: str = "t") -> str:
        return f"test.{test}.{label}.{run}"

    return make


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
