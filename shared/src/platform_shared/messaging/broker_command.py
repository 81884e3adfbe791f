"""A Kafka broker started and stopped by commands from the environment, for the tools that need one
on a developer's machine (`make run-distributed`, the test session, the event-lag benchmark).

`KAFKA_START` starts a broker and prints its address (its last line of output); it is run with
`KAFKA_PORT`, `KAFKA_CONTROLLER_PORT` and `KAFKA_DATA` when the caller sets them. `KAFKA_STOP`, run with
the same environment, stops it; without it, a broker whose `KAFKA_DATA` is known is stopped through
the `broker.pid` written there.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT_S = 180


class BrokerUnavailable(RuntimeError):
    pass


@dataclass
class Broker:
    bootstrap: str
    kind: str  # "real" or "mock"
    origin: str  # how it came to be, for the log
    env: dict[str, str] = field(default_factory=dict)  # KAFKA_PORT/KAFKA_DATA of one we started
    started: bool = False  # by us: stop it when done

    @property
    def real(self) -> bool:
        return self.kind == "real"

    def describe(self) -> str:
        return f"{self.kind} broker at {self.bootstrap} ({self.origin})"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_broker(env: dict[str, str] | None = None, origin: str = "started by KAFKA_START") -> Broker:
    """Run KAFKA_START (with `env` on top of ours) and wait for the address it prints."""
    command = os.environ.get("KAFKA_START")
    if not command:
        raise BrokerUnavailable("KAFKA_START is not set")
    result = subprocess.run(
        command,
        shell=True,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
    )
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    if result.returncode != 0 or not lines:
        raise BrokerUnavailable(
            f"KAFKA_START ({command}) failed with {result.returncode}: {result.stderr.strip()[-2000:]}"
        )
    return Broker(lines[-1], "real", origin, dict(env or {}), started=True)


def stop_broker(broker: Broker) -> None:
    """KAFKA_STOP with the broker's env, or the `broker.pid` in its KAFKA_DATA."""
    command = os.environ.get("KAFKA_STOP")
    if command:
        subprocess.run(command, shell=True, env={**os.environ, **broker.env}, timeout=120, check=False)
        return
    data = broker.env.get("KAFKA_DATA")
    pid_file = Path(data) / "broker.pid" if data else None
    if pid_file is None or not pid_file.exists():
        return
    terminate(int(pid_file.read_text().strip()))
    pid_file.unlink(missing_ok=True)


def terminate(pid: int, grace_s: float = 30.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline:
            os.kill(pid, 0)
            time.sleep(0.2)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
