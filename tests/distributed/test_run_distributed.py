"""`make run-distributed` (kvalitet-distributed): four service processes on PostgreSQL and Kafka behind
one gateway, seeded with the demo organisation; Ctrl-C stops everything it started."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest

from platform_shared.testing import PG_ADMIN_DSN
from platform_shared.testing_kafka import Broker, free_port

pytestmark = [pytest.mark.distributed, pytest.mark.postgres, pytest.mark.real_kafka]


def _token(entries: list[dict[str, object]], role: str) -> dict[str, str]:
    person = next(e for e in entries if any(r["role"] == role for r in e["roles"]))  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {person['token']}"}


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


async def test_run_distributed_serves_the_seeded_public_api_and_ctrl_c_stops_everything(
    tmp_path: Path, kafka_broker: Broker
) -> None:
    ports = [free_port() for _ in range(5)]
    prefix = f"rundist_{uuid.uuid4().hex[:8]}"
    var_dir = tmp_path / "var"
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": kafka_broker.bootstrap, "LOG_LEVEL": "WARNING"}
    launcher = subprocess.Popen(  # noqa: ASYNC220 - the launcher under test
        [
            sys.executable, "-m", "embedded_runner.distributed",
            "--port", str(ports[0]),
            "--service-ports", ",".join(map(str, ports[1:])),
            "--var-dir", str(var_dir),
            "--postgres", PG_ADMIN_DSN,
            "--db-prefix", prefix,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    gateway = f"http://127.0.0.1:{ports[0]}"
    try:
        deadline = time.monotonic() + 240
        async with httpx.AsyncClient(timeout=10) as client:
            while True:
                assert launcher.poll() is None, launcher.stdout.read().decode() if launcher.stdout else ""
                try:
                    if (await client.get(f"{gateway}/health")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "the gateway did not come up"
                time.sleep(0.5)  # noqa: ASYNC251 - polling a subprocess
            entries = json.loads((var_dir / "dev-tokens.json").read_text(encoding="utf-8"))
            assert all(set(e) == {"email", "name", "roles", "token"} for e in entries)
            assert {"socialchef", "systemadministrator", "medarbetare"} <= {
                r["role"] for e in entries for r in e["roles"]
            }
            cases = await client.get(f"{gateway}/api/v1/deviations", headers=_token(entries, "socialchef"))
            assert cases.status_code == 200 and cases.json()["items"], cases.text
            for service in ("org", "deviation", "risk", "reporting"):
                letters = await client.get(
                    f"{gateway}/api/v1/ops/{service}/dead-letters",
                    headers=_token(entries, "systemadministrator"),
                )
                assert letters.status_code == 200 and letters.json() == {"items": []}, letters.text
            ready = (await client.get(f"{gateway}/ready")).json()
            assert set(ready["services"]) == {"org", "deviation", "risk", "reporting"}
            assert (await client.get(f"{gateway}/openapi.json")).json()["paths"]
    finally:
        launcher.send_signal(signal.SIGINT)
        try:
            launcher.wait(timeout=90)
        finally:
            if launcher.poll() is None:
                launcher.kill()
        conn = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            for service in ("org", "deviation", "risk", "reporting"):
                await conn.execute(f'DROP DATABASE IF EXISTS "{prefix}_{service}" WITH (FORCE)')
        finally:
            await conn.close()
    assert launcher.returncode == 0
    assert not any(_listening(port) for port in ports), "every process it started has stopped"
