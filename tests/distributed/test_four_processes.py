"""The walking-skeleton slice through four separate OS processes, PostgreSQL and Kafka.

Kafka is the test session's broker (platform_shared.testing_kafka): a real one in CI, its topics
created through the admin API as `<name>-svc topics` does; librdkafka's mock where none is named.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from aiokafka import AIOKafkaConsumer

from platform_shared.auth.tokens import DevTokens
from platform_shared.contracts.topics import TOPICS
from platform_shared.messaging.kafka import KafkaTransport
from platform_shared.testing import create_pg_database, drop_pg_database
from platform_shared.testing_kafka import Broker

pytestmark = [pytest.mark.distributed, pytest.mark.postgres]

SERVICES = ("org", "deviation", "risk", "reporting")
ADMIN = "dist-admin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    processes: dict[str, subprocess.Popen[bytes]]
    urls: dict[str, str]
    tokens: DevTokens
    bootstrap: str

    def auth(self, subject: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.mint(subject)}"}


@pytest.fixture(scope="module")
async def kafka(kafka_broker: Broker) -> str:
    if kafka_broker.real:
        transport = KafkaTransport(kafka_broker.bootstrap, client_id="tests")
        try:
            await transport.ensure_topics(TOPICS)
        finally:
            await transport.stop()
    return kafka_broker.bootstrap


@pytest.fixture(scope="module")
async def cluster(kafka: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    workdir = tmp_path_factory.mktemp("distributed")
    databases = {name: await create_pg_database(f"dist_{name}") for name in SERVICES}
    processes: dict[str, subprocess.Popen[bytes]] = {}
    urls: dict[str, str] = {}
    try:
        for name in SERVICES:
            port = free_port()
            prefix = name.upper() + "_"
            env = {
                **os.environ,
                prefix + "DATABASE_URL": databases[name],
                prefix + "BUS": "kafka",
                prefix + "KAFKA_BOOTSTRAP_SERVERS": kafka,
                prefix + "KAFKA_FETCH_MAX_WAIT_MS": "10",
                prefix + "KAFKA_METADATA_MAX_AGE_MS": "1000",
                prefix + "DEV_KEY_DIR": str(workdir),
                prefix + "LOG_LEVEL": "WARNING",
                prefix + "RELAY_POLL_INTERVAL_S": "0.05",
            }
            if name == "org":
                env["ORG_BOOTSTRAP_ADMIN_SUBJECT"] = ADMIN
            log = open(workdir / f"{name}.log", "wb")  # noqa: SIM115, ASYNC230 - test setup
            processes[name] = subprocess.Popen(  # noqa: ASYNC220 - long-lived service processes
                [sys.executable, "-m", f"{name}_svc.cli", "serve", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            urls[name] = f"http://127.0.0.1:{port}"
        await _wait_ready(urls, processes, workdir)
        yield Cluster(processes, urls, DevTokens(workdir), kafka)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        for url in databases.values():
            await drop_pg_database(url)


async def _wait_ready(urls: dict[str, str], processes: dict[str, Any], workdir: Path) -> None:
    deadline = time.monotonic() + 90
    async with httpx.AsyncClient(timeout=2) as client:
        for name, url in urls.items():
            while True:
                if processes[name].poll() is not None:
                    raise AssertionError(
                        f"{name}-svc exited:\n{(workdir / f'{name}.log').read_text()[-3000:]}"
                    )
                try:
                    if (await client.get(f"{url}/ready")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"{name}-svc not ready:\n{(workdir / f'{name}.log').read_text()[-3000:]}"
                    )
                await asyncio.sleep(0.2)


async def _until(call: Any, accept: Any, timeout_s: float = 60) -> httpx.Response:
    deadline = time.monotonic() + timeout_s
    while True:
        response = await call()
        if accept(response):
            return response
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {response.status_code} {response.text}")
        await asyncio.sleep(0.2)


def test_each_service_is_its_own_os_process(cluster: Cluster) -> None:
    pids = {name: p.pid for name, p in cluster.processes.items()}
    assert len(set(pids.values())) == 4
    assert all(p.poll() is None for p in cluster.processes.values())
    assert os.getpid() not in pids.values()


async def test_walking_skeleton_slice_across_processes_over_kafka(cluster: Cluster) -> None:
    org, dev, risk, rep = (cluster.urls[n] for n in SERVICES)
    admin = cluster.auth(ADMIN)
    async with httpx.AsyncClient(timeout=10) as c:
        root = (
            await _until(
                lambda: c.get(f"{org}/api/v1/org/units", headers=admin),
                lambda r: r.status_code == 200 and r.json()["items"],
            )
        ).json()["items"][0]
        forv = (
            await c.post(
                f"{org}/api/v1/org/units",
                headers=admin,
                json={"name": "Socialförvaltningen", "level": "forvaltning", "parent_id": root["id"]},
            )
        ).json()
        enhet = (
            await c.post(
                f"{org}/api/v1/org/units",
                headers=admin,
                json={"name": "Solgården", "level": "enhet", "parent_id": forv["id"], "laws": ["SoL", "HSL"]},
            )
        ).json()
        people = {}
        for key, role, unit in (
            ("chef", "socialchef", forv),
            ("kl", "kvalitetsledare", forv),
            ("ec", "enhetschef", enhet),
            ("med", "medarbetare", enhet),
        ):
            person = (
                await c.post(
                    f"{org}/api/v1/org/people",
                    headers=admin,
                    json={"name": key, "email": f"{key}@example.se", "subject": key},
                )
            ).json()
            r = await c.post(
                f"{org}/api/v1/org/role-assignments",
                headers=admin,
                json={"person_id": person["id"], "role": role, "unit_id": unit["id"]},
            )
            assert r.status_code == 201, r.text
            people[key] = person

        report = {
            "type": "lex_sarah",
            "unit_id": enhet["id"],
            "occurred_at": "2026-02-01T10:00:00+01:00",
            "description": "Brukare fick inte sin insats",
            "source": {"system": "treserva", "external_id": "T-1"},
        }
        created = await _until(
            lambda: c.post(f"{dev}/api/v1/deviations", headers=cluster.auth("med"), json=report),
            lambda r: r.status_code not in (401, 403),  # until the replica has person and role
        )
        assert created.status_code == 201, created.text
        deviation = created.json()
        again = await c.post(f"{dev}/api/v1/deviations", headers=cluster.auth("med"), json=report)
        assert again.status_code == 200 and again.json()["id"] == deviation["id"]

        # reporting routes the escalation to kvalitetsledare from its org replica: let it catch up first
        await _until(
            lambda: c.get(
                f"{rep}/api/v1/reports/deviations/summary",
                headers=cluster.auth("kl"),
                params={"from": "2020-01-01", "to": "2030-12-31"},
            ),
            lambda r: r.status_code == 200,
        )
        received = await _until(
            lambda: c.post(
                f"{dev}/api/v1/deviations/{deviation['id']}/receive",
                headers=cluster.auth("ec"),
                json={"immediate_measures": "Insatsen genomförd samma dag."},
            ),
            lambda r: r.status_code not in (401, 403, 404),
        )
        assert received.status_code == 200, received.text
        assert received.json()["status"] == "received"
        decided = await _until(
            lambda: c.post(
                f"{dev}/api/v1/deviations/{deviation['id']}/ivo-decision",
                headers=cluster.auth("chef"),
                json={"degree": "allvarligt_missforhallande", "rationale": "Allvarligt"},
            ),
            lambda r: r.status_code not in (401, 403),
        )
        assert decided.status_code == 201, decided.text
        forbidden = await c.post(
            f"{dev}/api/v1/deviations/{deviation['id']}/ivo-decision",
            headers=cluster.auth("ec"),
            json={"degree": "allvarligt_missforhallande", "rationale": "x"},
        )
        assert forbidden.status_code in (403, 409)

        summary = await _until(
            lambda: c.get(
                f"{rep}/api/v1/reports/deviations/summary",
                headers=cluster.auth("kl"),
                params={"from": "2020-01-01", "to": "2030-12-31", "unit_id": forv["id"]},
            ),
            lambda r: r.status_code == 200 and r.json()["total"] == 1,
        )
        assert summary.json()["by_type"] == {"lex_sarah": 1}
        assert summary.json()["by_unit"] == {enhet["id"]: 1}

        notes = await _until(
            lambda: c.get(f"{rep}/api/v1/notifications", headers=cluster.auth("chef")),
            lambda r: r.status_code == 200 and r.json()["items"],
        )
        assert deviation["reference"] in orjson.dumps(notes.json()).decode()
        kl_notes = await _until(
            lambda: c.get(f"{rep}/api/v1/notifications", headers=cluster.auth("kl")),
            lambda r: r.status_code == 200 and r.json()["items"],
        )
        assert kl_notes.json()["items"]

        risk_created = await _until(
            lambda: c.post(
                f"{risk}/api/v1/risk/risks",
                headers=cluster.auth("ec"),
                json={"unit_id": enhet["id"], "title": "Fallrisk", "probability": 3, "consequence": 4},
            ),
            lambda r: r.status_code not in (401, 403),
        )
        assert risk_created.status_code == 201, risk_created.text
        assert risk_created.json()["risk_value"] == 12

    wanted = {"DeviationReported", "DeviationReceived", "LexSarahEscalated"}

    def complete(events: list[dict[str, Any]]) -> bool:
        return wanted <= {e["type"] for e in events if e["subject"] == deviation["id"]}

    events = await _read_topic(cluster.bootstrap, "deviation.events", complete)
    by_type = {e["type"]: e for e in events if e["subject"] == deviation["id"]}
    assert wanted <= set(by_type)
    assert by_type["DeviationReported"]["specversion"] == "1.0"
    assert "Brukare" not in orjson.dumps(events).decode()  # the description stays in deviation-svc


async def _read_topic(
    bootstrap: str, topic: str, complete: Callable[[list[dict[str, Any]]], bool]
) -> list[dict[str, Any]]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=10,
    )
    await consumer.start()
    events: list[dict[str, Any]] = []
    try:
        deadline = time.monotonic() + 20
        while not complete(events) and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=200)
            for records in batches.values():
                events.extend(orjson.loads(r.value) for r in records)
    finally:
        await consumer.stop()
    return events
