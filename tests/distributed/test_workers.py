"""`serve --workers 2`: each worker listens on a socket of its own (SO_REUSEPORT), so a client's
keep-alive connections, opened together, are spread over the workers by the kernel instead of being
accepted by whichever worker woke first; a worker that dies is replaced and listens again."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.distributed.test_four_processes import free_port

pytestmark = pytest.mark.distributed

LISTEN, ESTABLISHED = "0A", "01"


def _sockets(port: int, state: str) -> set[int]:
    """The inodes of the IPv4 TCP sockets with local port `port` in `state` (/proc/net/tcp)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == state:
            inodes.add(int(fields[9]))
    return inodes


def _owners(inodes: set[int]) -> dict[int, int]:
    """Socket inode → the pid holding it."""
    owners = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        fds: list[Path] = []
        with contextlib.suppress(OSError):  # a process gone meanwhile
            fds = list((proc / "fd").iterdir())
        for fd in fds:
            with contextlib.suppress(OSError):  # an fd closed meanwhile
                target = os.readlink(fd)
                if target.startswith("socket:[") and int(target[8:-1]) in inodes:
                    owners[int(target[8:-1])] = int(proc.name)
    return owners


def _listening_workers(port: int) -> set[int]:
    return set(_owners(_sockets(port, LISTEN)).values())


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    env = {
        **os.environ,
        "ORG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'org.sqlite'}",
        "ORG_LOCAL_BUS_URL": f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}",
        "ORG_DEV_KEY_DIR": str(tmp_path),
        "ORG_LOG_LEVEL": "WARNING",
    }
    log = open(tmp_path / "org.log", "wb")  # noqa: SIM115 - test setup
    process = subprocess.Popen(
        [sys.executable, "-m", "org_svc.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield process, port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


async def _until(condition: Callable[[], bool], what: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.2)


async def _all_answer(base_url: str, connections: int) -> None:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        answers = await asyncio.gather(*(client.get("/health") for _ in range(connections)))
        assert {a.status_code for a in answers} == {200}
        holders = _owners(_sockets_to(base_url))
        listeners = _owners(_sockets(int(base_url.rsplit(":", 1)[1]), LISTEN))
        assert len(set(holders.values())) == 2, f"connections held by {holders}, listeners {listeners}"


def _replaced(listening: set[int], dead: int) -> bool:
    return len(listening) == 2 and dead not in listening


def _sockets_to(base_url: str) -> set[int]:
    return _sockets(int(base_url.rsplit(":", 1)[1]), ESTABLISHED)


async def test_two_workers_each_listen_and_share_the_connections_and_a_dead_one_is_replaced(
    two_workers: tuple[subprocess.Popen[bytes], int],
) -> None:
    process, port = two_workers
    base_url = f"http://127.0.0.1:{port}"
    await _until(lambda: len(_listening_workers(port)) == 2 or process.poll() is not None, "two listeners")
    assert process.poll() is None
    workers = _listening_workers(port)
    assert process.pid not in workers  # the supervisor listens on nothing
    await _all_answer(base_url, 16)  # 16 connections opened together: both workers hold some

    dead = min(workers)
    os.kill(dead, signal.SIGKILL)
    # Up to uvicorn's health-check timeout (120 s) when the kill caught a ping in flight.
    await _until(lambda: _replaced(_listening_workers(port), dead), "the dead worker replaced", 200)
    await _all_answer(base_url, 16)
