"""Fault tests on a real Kafka broker: deviation-svc, risk-svc and reporting-svc as OS processes on
PostgreSQL, and a broker of the module's own (a free port, its own data directory; started with
KAFKA_START), so stopping it disturbs no other test.

Each test puts a stream of writes through deviation-svc's API (reports, then their receipt), injects
its fault, and asserts that every accepted write reached both read models of deviation events
(reporting's statistics facts and risk's deviation history) exactly once and in order per aggregate;
it records the time from the end of the fault until the read models had converged, printed at the
end of the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from platform_shared.auth.tokens import DevTokens
from platform_shared.contracts.envelope import structured_headers, wrap
from platform_shared.contracts.org import RoleAssigned
from platform_shared.contracts.topics import TOPICS
from platform_shared.db import make_engine
from platform_shared.messaging.kafka import KafkaTransport
from platform_shared.messaging.transport import OutgoingMessage
from platform_shared.testing import OrgFixture, create_pg_database, drop_pg_database, standard_org
from platform_shared.testing_kafka import OwnBroker, can_start_brokers, free_port, require_real

pytestmark = [pytest.mark.real_kafka, pytest.mark.postgres, pytest.mark.distributed]

CONVERGE_TIMEOUT_S = 120.0
CONSUMERS = {"reporting": "reporting.projections", "risk": "risk.deviation-history"}
CONVERGED: list[tuple[str, float, int]] = []  # (fault, seconds, accepted writes)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if CONVERGED:
        terminalreporter.write_sep(
            "-", "fault tests: time from the end of the fault to converged read models"
        )
        for fault, seconds, writes in CONVERGED:
            terminalreporter.write_line(f"{fault}: {seconds:.1f} s ({writes} accepted writes)")


def record(fault: str, seconds: float, writes: int) -> None:
    CONVERGED.append((fault, seconds, writes))
    print(
        f"\n{fault}: converged {seconds:.1f} s after the fault ended ({writes} accepted writes)", flush=True
    )


# -- a TCP proxy in front of PostgreSQL, to take a database away ---------------------------------


class TcpProxy:
    """127.0.0.1:<port> → the target; `cut()` drops every connection and refuses new ones."""

    def __init__(self, target_port: int) -> None:
        self.port = free_port()
        self._target_port = target_port
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    async def stop(self) -> None:
        await self.cut()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._target_port)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while chunk := await source.read(65536):
                    sink.write(chunk)
                    await sink.drain()
            sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._writers -= {writer, up_writer}


# -- service processes ----------------------------------------------------------------------------


@dataclass
class ServiceProcess:
    name: str
    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"{self.name}_svc.cli", "serve", "--port", str(self.port)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, no goodbye to the consumer group."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    async def ready(self, timeout_s: float = 90.0) -> httpx.Response:
        deadline = time.monotonic() + timeout_s
        async with httpx.AsyncClient(timeout=5) as client:
            while True:
                assert self.process is not None and self.process.poll() is None, self.tail()
                try:
                    response = await client.get(f"{self.url}/ready")
                    if response.status_code == 200:
                        return response
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, f"{self.name}-svc not ready:\n{self.tail()}"
                await asyncio.sleep(0.2)

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def problem_lines(self) -> list[str]:
        """Warning and error lines of the log so far."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [
            line for line in text.splitlines() if '"level": "warning"' in line or '"level": "error"' in line
        ]


@dataclass
class Cluster:
    broker: OwnBroker
    workdir: Path
    urls: dict[str, str]  # the services' databases as the test reaches them (directly)
    proxy: TcpProxy  # reporting-svc reaches its database through it
    org: OrgFixture
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    engines: dict[str, AsyncEngine] = field(default_factory=dict)

    def env(self, name: str, **extra: str) -> dict[str, str]:
        prefix = name.upper() + "_"
        url = self.urls[name]
        if name == "reporting":
            url = url.replace(":5432/", f":{self.proxy.port}/")
        env = {
            **os.environ,
            prefix + "DATABASE_URL": url,
            prefix + "BUS": "kafka",
            prefix + "KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap,
            prefix + "KAFKA_FETCH_MAX_WAIT_MS": "20",
            prefix + "KAFKA_METADATA_MAX_AGE_MS": "2000",
            prefix + "DEV_KEY_DIR": str(self.workdir),
            prefix + "RELAY_POLL_INTERVAL_S": "0.1",
            prefix + "LOG_LEVEL": "INFO",
        }
        env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
        return {**env, **extra}

    def service(self, name: str, replica: str = "", **extra: str) -> ServiceProcess:
        """A service process (not started yet); a replica is a second process of the same service."""
        key = name + replica
        self.services[key] = ServiceProcess(name, self.env(name, **extra), self.workdir / f"{key}.log")
        return self.services[key]

    def auth(self, person: str) -> dict[str, str]:
        return self.org.auth(person)


@pytest.fixture(scope="module")
def fault_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnBroker]:
    if not can_start_brokers():
        if require_real():
            pytest.fail("KAFKA_REQUIRE_REAL is set but KAFKA_START is not: no broker of their own")
        pytest.skip("the fault tests need KAFKA_START to start (and stop) a broker of their own")
    broker = OwnBroker(tmp_path_factory.mktemp("fault-kafka"))
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


async def create_topics(bootstrap: str) -> None:
    transport = KafkaTransport(bootstrap, client_id="fault-tests")
    try:
        await transport.ensure_topics(TOPICS)
    finally:
        await transport.stop()


async def publish_org(bootstrap: str, org: OrgFixture) -> None:
    """The organisation as org-svc would put it on the bus (org-svc itself is not needed here)."""
    transport = KafkaTransport(bootstrap, client_id="fault-tests")
    try:
        messages = []
        for payload in org.events:
            envelope = wrap(payload, source="org-svc", actor_id=None, correlation_id="fault-tests")
            messages.append(
                OutgoingMessage(payload.topic, envelope.subject, envelope.to_json(), structured_headers(None))
            )
        await transport.send_batch(messages)
    finally:
        await transport.stop()


async def replica_ready(cluster: Cluster, name: str, roles: int) -> bool:
    async with cluster.engines[name].connect() as conn:
        count = await conn.scalar(text("SELECT count(*) FROM replica_role_assignment"))
    return (count or 0) >= roles


@pytest.fixture(scope="module")
async def cluster(
    fault_broker: OwnBroker, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Cluster]:
    workdir = tmp_path_factory.mktemp("faults")
    await create_topics(fault_broker.bootstrap)
    urls = {name: await create_pg_database(f"fault_{name}") for name in ("deviation", "risk", "reporting")}
    proxy = TcpProxy(5432)
    await proxy.start()
    org = standard_org(DevTokens(workdir))
    found = Cluster(fault_broker, workdir, urls, proxy, org)
    found.engines = {name: make_engine(url) for name, url in urls.items()}
    try:
        await publish_org(fault_broker.bootstrap, org)
        for name in ("deviation", "risk", "reporting"):
            found.service(
                name, **({"DEVIATION_DEADLINE_INTERVAL_S": "0.5"} if name == "deviation" else {})
            ).start()
        for name in ("deviation", "risk", "reporting"):
            await found.services[name].ready()
        roles = sum(isinstance(e, RoleAssigned) for e in org.events)
        for name in ("deviation", "risk", "reporting"):
            await wait_for(lambda n=name: replica_ready(found, n, roles), 60, f"{name}'s org replica")
        yield found
    finally:
        for service in found.services.values():
            service.stop()
        await proxy.stop()
        for engine in found.engines.values():
            await engine.dispose()
        for url in urls.values():
            await drop_pg_database(url)


async def wait_for(predicate: Any, timeout_s: float, what: str) -> float:
    started = time.monotonic()
    while True:
        try:
            if await predicate():
                return time.monotonic() - started
        except Exception:  # a database taken away on purpose, a service restarting
            pass
        if time.monotonic() - started > timeout_s:
            raise AssertionError(f"{what}: not within {timeout_s:g} s")
        await asyncio.sleep(0.2)


# -- the stream of writes -------------------------------------------------------------------------


@dataclass
class Writes:
    """Reports and their receipt through deviation-svc's API. Accepted: answered 2xx."""

    cluster: Cluster
    targets: list[str]  # deviation-svc replicas' URLs, used in turn
    rate: float = 12.0  # reports a second
    status: dict[str, str] = field(default_factory=dict)  # deviation id → status after its last step
    refused: int = 0
    # Deviations whose receipt got no answer (the replica was killed, or the request timed out on a
    # loaded machine): the service may have committed it or not. `settle` asks which.
    unanswered: set[str] = field(default_factory=set)
    _n: int = 0

    @property
    def accepted(self) -> int:
        return len(self.status) + sum(1 for s in self.status.values() if s == "received")

    def _target(self) -> str:
        self._n += 1
        return self.targets[self._n % len(self.targets)]

    async def one(self, client: httpx.AsyncClient) -> None:
        body = {
            "type": "avvikelse",
            "unit_id": str(self.cluster.org.units["enhet_a"]),
            "occurred_at": "2026-03-01T08:00:00+01:00",
            "description": "Larmet gick inte att nå",
            "source": {"system": "faulttest", "external_id": uuid.uuid4().hex},
        }
        try:
            created = await client.post(
                f"{self._target()}/api/v1/deviations", json=body, headers=self.cluster.auth("medarbetare_a")
            )
        except httpx.HTTPError:
            self.refused += 1
            return
        if created.status_code not in (200, 201):
            self.refused += 1
            return
        deviation = created.json()
        self.status[deviation["id"]] = deviation["status"]
        await asyncio.sleep(0.1)
        try:
            received = await client.post(
                f"{self._target()}/api/v1/deviations/{deviation['id']}/receive",
                json={"immediate_measures": "Åtgärdat samma dag."},
                headers=self.cluster.auth("enhetschef_a"),
            )
        except httpx.HTTPError:
            self.refused += 1
            self.unanswered.add(deviation["id"])
            return
        if received.status_code == 200:
            self.status[deviation["id"]] = received.json()["status"]
        else:
            self.refused += 1

    async def run(self, seconds: float) -> None:
        async with httpx.AsyncClient(timeout=15) as client:
            tasks: list[asyncio.Task[None]] = []
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                tasks.append(asyncio.create_task(self.one(client)))
                await asyncio.sleep(1 / self.rate)
            await asyncio.gather(*tasks)
            await self.settle(client)

    async def settle(self, client: httpx.AsyncClient) -> None:
        """A write without an answer is not a refused one: the replica may have committed it just
        before it died. The service's own record says which, and that is what the read models must
        show (expecting the state before the write would wait for ever for a change that did
        happen)."""
        for deviation_id in sorted(self.unanswered):
            answer = await client.get(
                f"{self.targets[-1]}/api/v1/deviations/{deviation_id}",
                headers=self.cluster.auth("enhetschef_a"),
            )
            answer.raise_for_status()
            self.status[deviation_id] = answer.json()["status"]
            print(f"\na receipt without an answer: deviation {deviation_id} is {self.status[deviation_id]}")
        self.unanswered.clear()


# -- what the read models must show --------------------------------------------------------------


async def statuses(cluster: Cluster, service: str, ids: list[str]) -> dict[str, str]:
    async with cluster.engines[service].connect() as conn:
        rows = await conn.execute(
            text("SELECT deviation_id, status FROM deviation_fact WHERE deviation_id = ANY(:ids)"),
            {"ids": [uuid.UUID(i) for i in ids]},
        )
        return {str(r.deviation_id): r.status for r in rows}


async def converge(cluster: Cluster, writes: Writes, timeout_s: float = CONVERGE_TIMEOUT_S) -> float:
    """Waits until every accepted write is in both read models, in its final state; returns the
    monotonic time it was."""
    ids = list(writes.status)

    async def done() -> bool:
        for service in CONSUMERS:
            if await statuses(cluster, service, ids) != writes.status:
                return False
        return True

    try:
        await wait_for(done, timeout_s, "the read models")
        return time.monotonic()
    except AssertionError:
        for service in CONSUMERS:
            seen = await statuses(cluster, service, ids)
            missing = {i: s for i, s in writes.status.items() if seen.get(i) != s}
            print(f"{service}: {len(missing)} of {len(ids)} not converged, e.g. {list(missing.items())[:3]}")
            print(f"{service} shows: {[seen.get(i) for i in list(missing)[:3]]}")
            await print_outbox(cluster, list(missing)[:3])
            print(cluster.services[service].tail(3000))
        raise


async def print_outbox(cluster: Cluster, ids: list[str]) -> None:
    """What deviation-svc committed and published for these deviations (a lost event shows here)."""
    async with cluster.engines["deviation"].connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT key, seq, event_type, published_at, attempts, last_error FROM outbox_message"
                " WHERE key = ANY(:ids) ORDER BY seq"
            ),
            {"ids": ids},
        )
        for row in rows:
            print(f"outbox: {tuple(row)}")


async def assert_exactly_once_in_order(cluster: Cluster) -> None:
    """Every event deviation-svc published was applied once by each consumer, and the events of one
    aggregate in the order deviation-svc committed them; nothing was dead-lettered; the
    pre-aggregated counts agree with the facts (an event applied twice would count twice)."""
    async with cluster.engines["deviation"].connect() as conn:
        unpublished = await conn.scalar(
            text("SELECT count(*) FROM outbox_message WHERE published_at IS NULL")
        )
        outbox = (
            await conn.execute(text("SELECT event_id, key, event_type, seq FROM outbox_message ORDER BY seq"))
        ).all()
    assert unpublished == 0
    seq = {r.event_id: (r.key, r.seq) for r in outbox}
    for service, group in CONSUMERS.items():
        async with cluster.engines[service].connect() as conn:
            dead = await conn.scalar(text("SELECT count(*) FROM dead_letter"))
            inbox = (
                await conn.execute(
                    text("SELECT event_id, received_at FROM inbox_message WHERE consumer = :g"), {"g": group}
                )
            ).all()
        assert dead == 0, f"{service}: {dead} dead letters"
        applied: dict[str, list[tuple[Any, int]]] = defaultdict(list)
        for row in inbox:
            if row.event_id in seq:
                key, position = seq[row.event_id]
                applied[key].append((row.received_at, position))
        for key, events in applied.items():
            events.sort()
            positions = [p for _, p in events]
            ties = {t for t, _ in events if sum(1 for u, _ in events if u == t) > 1}
            if not ties:
                assert positions == sorted(positions), f"{service}: events of {key} applied out of order"
    async with cluster.engines["reporting"].connect() as conn:
        facts = dict(
            (await conn.execute(text("SELECT status, count(*) FROM deviation_fact GROUP BY status"))).all()
        )
        cells = dict(
            (
                await conn.execute(
                    text(
                        "SELECT value, sum(count) FROM fact_month_count WHERE subject = 'deviations'"
                        " AND dimension = 'status' GROUP BY value"
                    )
                )
            ).all()
        )
    assert {k: int(v) for k, v in cells.items() if v} == {k: int(v) for k, v in facts.items()}


def log_lines_between(service: ServiceProcess, before: int) -> list[str]:
    return service.problem_lines()[before:]
