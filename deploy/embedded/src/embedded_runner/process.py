"""`kvalitet-embedded` as a process of its own on a free port, for tests that need a real socket (a
browser, a shell with curl)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def embedded_process(cwd: Path, *flags: str, timeout_s: float = 300) -> Iterator[str]:
    """The runner started in `cwd` with `flags` (e.g. `--var-dir var --no-seed`), its output in
    `cwd/server.log`; yields its base URL once `/ready` answers (after the demo, when it makes one).
    A configured bootstrap administrator of the caller's environment is left out (the demo's own)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.endswith("BOOTSTRAP_ADMIN_SUBJECT")}
    log_path = cwd / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "embedded_runner.main", "--port", str(port), *flags],
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                raise RuntimeError("kvalitet-embedded stopped: " + log_path.read_text(encoding="utf-8"))
            try:
                if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("kvalitet-embedded did not start: " + log_path.read_text(encoding="utf-8"))
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
