"""The Kafka broker of a test session (a pytest plugin: `-p platform_shared.testing_kafka`).

Which broker, in this order:
- `KAFKA_BOOTSTRAP_SERVERS`: a running broker;
- `KAFKA_START`: a command that starts a broker and prints its address (its last line of output);
  run once per session. `KAFKA_STOP`, when set, is run at the end of the session. The command is
  expected to honour `KAFKA_PORT` and `KAFKA_DATA`: the fault tests start brokers of their own with
  it, on a free port and in a directory of their own;
- otherwise librdkafka's mock cluster (from the confluent-kafka wheel), which has no admin API, no
  groups of two and no transactions: tests marked `real_kafka` are skipped on it.

`KAFKA_REQUIRE_REAL=1` (set by CI) makes the session fail instead of falling back to the mock. The run's
header and its summary say which broker the Kafka tests used. Topics are never auto-created: tests
create theirs through the admin API, as `<name>-svc topics` does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from platform_shared.messaging.broker_command import (
    Broker,
    BrokerUnavailable,
    free_port,
    start_broker,
    stop_broker,
)

__all__ = ["Broker", "BrokerUnavailable", "OwnBroker", "free_port", "session_broker"]

_session: list[Broker] = []
_mock_holder: list[object] = []


def require_real() -> bool:
    return os.environ.get("KAFKA_REQUIRE_REAL", "") not in ("", "0", "false")


def can_start_brokers() -> bool:
    return bool(os.environ.get("KAFKA_START"))


def _mock() -> Broker:
    from confluent_kafka import Producer

    if not _mock_holder:
        _mock_holder.append(Producer({"test.mock.num.brokers": 1}))
    holder = _mock_holder[0]
    brokers = holder.list_topics(timeout=5).brokers.values()  # type: ignore[attr-defined]
    return Broker(",".join(f"{b.host}:{b.port}" for b in brokers), "mock", "librdkafka's mock cluster")


def session_broker() -> Broker:
    """The session's broker, started on first use (see the module's docstring)."""
    if _session:
        return _session[0]
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        broker = Broker(configured, "real", "KAFKA_BOOTSTRAP_SERVERS")
    elif can_start_brokers():
        broker = start_broker({}, "started by KAFKA_START")
    elif require_real():
        raise BrokerUnavailable(
            "KAFKA_REQUIRE_REAL is set but neither KAFKA_BOOTSTRAP_SERVERS nor KAFKA_START names a broker"
        )
    else:
        broker = _mock()
    _session.append(broker)
    return broker


def real_broker_expected() -> bool:
    return bool(os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or can_start_brokers())


# -- pytest hooks and fixtures ---------------------------------------------------------------


def pytest_report_header(config: pytest.Config) -> str:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        source = f"the running broker KAFKA_BOOTSTRAP_SERVERS={os.environ['KAFKA_BOOTSTRAP_SERVERS']}"
    elif can_start_brokers():
        source = f"a real broker started by KAFKA_START={os.environ['KAFKA_START']}"
    else:
        source = "librdkafka's mock cluster (set KAFKA_BOOTSTRAP_SERVERS or KAFKA_START for a real one)"
    return f"kafka: {source}{'; a real broker is required' if require_real() else ''}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if real_broker_expected():
        return
    if require_real():
        return  # the fixture fails loudly instead
    skip = pytest.mark.skip(
        reason="needs a real Apache Kafka broker: set KAFKA_BOOTSTRAP_SERVERS or KAFKA_START"
    )
    for item in items:
        if item.get_closest_marker("real_kafka"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _session:
        terminalreporter.write_line(f"kafka: the Kafka tests used the {_session[0].describe()}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _session and _session[0].started and os.environ.get("KAFKA_STOP"):
        stop_broker(_session[0])


@pytest.fixture(scope="session")
def kafka_broker() -> Broker:
    try:
        return session_broker()
    except BrokerUnavailable as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def kafka_bootstrap(kafka_broker: Broker) -> str:
    return kafka_broker.bootstrap


@pytest.fixture(scope="session")
def kafka_is_mock(kafka_broker: Broker) -> bool:
    return not kafka_broker.real


@pytest.fixture
def own_kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnBroker]:
    """A broker of the test's own (a free port, its own data directory), to stop and start."""
    if not can_start_brokers():
        if require_real():
            pytest.fail("KAFKA_REQUIRE_REAL is set but KAFKA_START is not: no broker of its own")
        pytest.skip("needs KAFKA_START to start a broker of its own")
    own = OwnBroker(tmp_path_factory.mktemp("kafka"))
    try:
        yield own
    finally:
        own.stop()


class OwnBroker:
    def __init__(self, data: Path) -> None:
        port = free_port()
        controller = free_port()
        self.env = {
            "KAFKA_PORT": str(port),
            "KAFKA_CONTROLLER_PORT": str(controller),
            "KAFKA_DATA": str(data),
        }
        self.bootstrap = f"127.0.0.1:{port}"
        self._broker: Broker | None = None

    def start(self) -> str:
        self._broker = start_broker(self.env, "a fault test's own, started by KAFKA_START")
        self.bootstrap = self._broker.bootstrap
        return self.bootstrap

    def stop(self) -> None:
        if self._broker is not None:
            stop_broker(self._broker)
            self._broker = None
