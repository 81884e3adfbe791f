"""Overload: a service offered twice what it can serve sheds the excess with a quick 503 and recovers.

    uv run --no-sync python bench/overload/run.py                       # both targets
    uv run --no-sync python bench/overload/run.py --target embedded     # or deviation-pg

Targets: the embedded default (`kvalitet-embedded`, the demo seeded, SQLite) and `deviation-svc
serve` on PostgreSQL (a fresh database with a small organisation in its replica). The request mix:
four lists of deviations (as the socialchef) to one new report (as a medarbetare).

1. Capacity: closed loop, `--workers` clients back to back for `--capacity-seconds`; the capacity is
   the rate of answered requests.
2. Overload: open loop at twice the capacity for `--seconds` (a request every 1/rate s whatever the
   answers' pace, the client never queueing them).
3. Recovery: once the load stops, requests one at a time answer 2xx again, and /ready is 200.

Pass: no 5xx other than 503, every 503 within `--max-503-s` (about a second), recovery. Prints the
git commit, the figures and the status counts as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from platform_shared.auth.tokens import DevTokens
from platform_shared.migrations import upgrade_to_head

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "deviations"))
import run as deviation_bench  # noqa: E402  (the deviation benchmark: its organisation seed, git_commit)

ADMIN_DSN = os.environ.get("BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
ALEMBIC_INI = ROOT / "services" / "deviation-svc" / "alembic.ini"

Call = Callable[["RawClient", int], Awaitable[int]]


class RawClient:
    """A lean HTTP/1.1 client (keep-alive connections, Content-Length bodies): the load generator
    shares the machine's two cores with the service, so it must cost little per request."""

    def __init__(self, base_url: str, timeout_s: float = 60) -> None:
        parsed = httpx.URL(base_url)
        self.host, self.port = parsed.host, parsed.port or 80
        self.timeout_s = timeout_s
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b"", content_type: str = ""
    ) -> int:
        """The answer's status; 0 when there was none (the connection failed or timed out)."""
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head += f"Content-Type: {content_type}\r\n" if content_type else ""
        message = head.encode() + b"\r\n" + body
        while self._idle:  # a kept-alive connection the server may have closed meanwhile
            status = await self._exchange(self._idle.pop(), message)
            if status:
                return status
        try:
            connection = await asyncio.open_connection(self.host, self.port)
        except OSError:
            return 0
        return await self._exchange(connection, message)

    async def _exchange(
        self, connection: tuple[asyncio.StreamReader, asyncio.StreamWriter], message: bytes
    ) -> int:
        reader, writer = connection
        try:
            async with asyncio.timeout(self.timeout_s):
                writer.write(message)
                response_head = await reader.readuntil(b"\r\n\r\n")
                status = int(response_head.split(b" ", 2)[1])
                length = 0
                for line in response_head.split(b"\r\n")[1:]:
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                await reader.readexactly(length)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
            writer.close()
            return 0
        self._idle.append(connection)
        return status

    async def aclose(self) -> None:
        for _, writer in self._idle:
            writer.close()
        self._idle.clear()

    async def __aenter__(self) -> RawClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


@dataclass
class Target:
    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    call: Call
    log: Path
    cleanup: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


@dataclass
class Outcome:
    status: int  # 0: no answer (a transport error)
    seconds: float


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mixed_calls(list_headers: dict[str, str], report_headers: dict[str, str], unit_id: str) -> Call:
    async def call(client: RawClient, index: int) -> int:
        if index % 5 == 4:
            body = {
                "type": "avvikelse",
                "unit_id": unit_id,
                "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
                "description": "Mätning: rapport under överlast",
                "category": "arbetssatt_rutiner",
            }
            raw = json.dumps(body).encode()
            return await client.request("POST", "/api/v1/deviations", report_headers, raw, "application/json")
        return await client.request("GET", "/api/v1/deviations?limit=20", list_headers)

    return call


def spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


async def wait_ready(base_url: str, process: subprocess.Popen[bytes], timeout_s: float = 240) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=5) as client:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("the service stopped while starting")
            try:
                if (await client.get("/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("the service did not become ready")


async def start_embedded(work: Path) -> Target:
    port = free_port()
    var = work / "var"
    log = work / "service.log"
    command = [sys.executable, "-m", "embedded_runner.main", "--var-dir", str(var), "--port", str(port)]
    process = spawn(command, dict(os.environ), log)
    base_url = f"http://127.0.0.1:{port}"
    await wait_ready(base_url, process)
    for _ in range(600):  # the demo seed runs after the services are ready
        if (var / "dev-tokens.json").exists():
            break
        await asyncio.sleep(0.2)
    entries = json.loads((var / "dev-tokens.json").read_text(encoding="utf-8"))

    def person(prefix: str) -> dict[str, Any]:
        found: dict[str, Any] = next(e for e in entries if e["email"].startswith(prefix))
        return found

    chef, reporter = person("eva.lind"), person("mia.strand")
    call = mixed_calls(
        {"Authorization": f"Bearer {chef['token']}"},
        {"Authorization": f"Bearer {reporter['token']}"},
        reporter["roles"][0]["unit_id"],
    )
    return Target("embedded default (SQLite, four services in one process)", base_url, process, call, log)


async def start_deviation_on_postgres(work: Path) -> Target:
    database = f"deviation_overload_{os.getpid()}"
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{database}"')
    finally:
        await admin.close()
    url = deviation_bench.dsn(database)
    await asyncio.to_thread(
        upgrade_to_head, ALEMBIC_INI, url.replace("postgresql://", "postgresql+asyncpg://")
    )
    conn = await asyncpg.connect(url)
    try:
        org = await deviation_bench.seed_org(conn)
    finally:
        await conn.close()
    port = free_port()
    log = work / "service.log"
    env = {
        **os.environ,
        "DEVIATION_DATABASE_URL": url.replace("postgresql://", "postgresql+asyncpg://"),
        "DEVIATION_DEV_KEY_DIR": str(work),
        "DEVIATION_LOCAL_BUS_URL": f"sqlite+aiosqlite:///{work / 'bus.sqlite'}",
        "DEVIATION_DATA_KEY": "bench-only-key",
    }
    command = [sys.executable, "-m", "deviation_svc.cli", "serve", "--port", str(port)]
    process = spawn(command, env, log)
    base_url = f"http://127.0.0.1:{port}"
    await wait_ready(base_url, process)
    tokens = DevTokens(work)
    call = mixed_calls(
        {"Authorization": f"Bearer {tokens.mint('bench:socialchef')}"},
        {"Authorization": f"Bearer {tokens.mint('bench:medarbetare')}"},
        str(org["units"][0]),
    )

    async def drop() -> None:
        admin = await asyncpg.connect(ADMIN_DSN)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        finally:
            await admin.close()

    return Target("deviation-svc alone on PostgreSQL", base_url, process, call, log, [drop])


async def timed(client: RawClient, call: Call, index: int) -> Outcome:
    started = time.perf_counter()
    status = await call(client, index)
    return Outcome(status, time.perf_counter() - started)


def client_for(target: Target) -> RawClient:
    return RawClient(target.base_url)


async def capacity(target: Target, workers: int, seconds: float) -> tuple[float, list[Outcome]]:
    """Answered requests per second with `workers` clients back to back (after a warm-up)."""
    outcomes: list[Outcome] = []
    async with client_for(target) as client:
        for index in range(20):
            await timed(client, target.call, index)
        stop = time.monotonic() + seconds
        counter = iter(range(10**9))

        async def worker() -> None:
            while time.monotonic() < stop:
                outcomes.append(await timed(client, target.call, next(counter)))

        began = time.monotonic()
        await asyncio.gather(*[worker() for _ in range(workers)])
        elapsed = time.monotonic() - began
    served = sum(1 for o in outcomes if 200 <= o.status < 300)
    return served / elapsed, outcomes


async def overload(target: Target, rate: float, seconds: float) -> list[Outcome]:
    """Open loop: one request every 1/rate s, whatever the answers' pace."""
    async with client_for(target) as client:
        tasks = []
        begin = time.perf_counter()
        for index in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, begin + index / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(timed(client, target.call, index)))
        return list(await asyncio.gather(*tasks))


async def recovery(target: Target, pause_s: float = 2.0, n: int = 20) -> dict[str, Any]:
    await asyncio.sleep(pause_s)
    async with client_for(target) as client:
        outcomes = [await timed(client, target.call, index) for index in range(n)]
        ready = await client.request("GET", "/ready", {})
    return {
        "statuses": dict(Counter(o.status for o in outcomes)),
        "all_answered_2xx": all(200 <= o.status < 300 for o in outcomes),
        "max_ms": round(max(o.seconds for o in outcomes) * 1000, 1),
        "ready": ready,
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0


def report(outcomes: list[Outcome]) -> dict[str, Any]:
    served = [o.seconds for o in outcomes if 200 <= o.status < 300]
    shed = [o.seconds for o in outcomes if o.status == 503]
    return {
        "requests": len(outcomes),
        "statuses": dict(sorted(Counter(o.status for o in outcomes).items())),
        "served_p50_ms": round(percentile(served, 0.5) * 1000, 1),
        "served_p95_ms": round(percentile(served, 0.95) * 1000, 1),
        "served_max_ms": round(max(served, default=0) * 1000, 1),
        "503_p50_ms": round(percentile(shed, 0.5) * 1000, 1),
        "503_p95_ms": round(percentile(shed, 0.95) * 1000, 1),
        "503_max_ms": round(max(shed, default=0) * 1000, 1),
    }


async def measure(target: Target, args: argparse.Namespace) -> dict[str, Any]:
    capacity_rps, _ = await capacity(target, args.workers, args.capacity_seconds)
    rate = 2 * capacity_rps
    outcomes = await overload(target, rate, args.seconds)
    after = await recovery(target)
    figures = report(outcomes)
    other_5xx = {s: n for s, n in figures["statuses"].items() if (s >= 500 and s != 503) or s == 0}
    figures |= {
        "target": target.name,
        "capacity_rps": round(capacity_rps, 1),
        "offered_rps": round(rate, 1),
        "seconds": args.seconds,
        "recovery": after,
        "other_5xx_or_no_answer": other_5xx,
        "passed": not other_5xx
        and figures["503_max_ms"] <= args.max_503_s * 1000
        and after["all_answered_2xx"]
        and after["ready"] == 200,
    }
    if other_5xx:
        errors = [
            line for line in target.log.read_text(errors="replace").splitlines() if "unexpected" in line
        ]
        figures["service_errors"] = errors[:5]
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--target", choices=["embedded", "deviation-pg", "both"], default="both")
    parser.add_argument("--workers", type=int, default=16, help="clients back to back for the capacity")
    parser.add_argument("--capacity-seconds", type=float, default=15)
    parser.add_argument("--seconds", type=float, default=30, help="how long the overload lasts")
    parser.add_argument("--max-503-s", type=float, default=1.2, help="the slowest acceptable 503")
    args = parser.parse_args()
    random.seed(1)
    starters = {"embedded": start_embedded, "deviation-pg": start_deviation_on_postgres}
    names = list(starters) if args.target == "both" else [args.target]
    results = []
    for name in names:
        work = Path(tempfile.mkdtemp(prefix=f"overload-{name}-"))
        target = await starters[name](work)
        try:
            results.append(await measure(target, args))
        finally:
            target.process.terminate()
            try:
                target.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                target.process.kill()
            for cleanup in target.cleanup:
                await cleanup()
    at = datetime.now(UTC).isoformat(timespec="seconds")
    summary = {"git_commit": deviation_bench.git_commit(), "at": at, "results": results}
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    if not all(r["passed"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    asyncio.run(main())
