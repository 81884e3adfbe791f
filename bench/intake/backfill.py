"""A case system's backfill: 100,000 deviations through the public API into deviation-svc on
PostgreSQL, until reporting-svc has every one (issue 11: under 10 minutes, with a progress line).

Fresh PostgreSQL databases for deviation-svc (migrated, the benchmark organisation in its replica)
and reporting-svc; both services as their own OS processes, as deployed: `serve`, PostgreSQL, a real
Kafka broker between them (KAFKA_BOOTSTRAP_SERVERS, or KAFKA_START to start one on free ports for
this run; topics created, auto-creation off). A medarbetare's dev token posts
`POST /api/v1/deviations/batch` (200 reports per batch, each with its source `backfill-<n>`) from
`--clients` concurrent clients; every 5 s a progress line; then it waits until reporting's
`deviation_fact` holds every deviation. Prints the totals (posting time, time until all reached
reporting), the commit and the load, and writes every figure to bench/intake/backfill-last-run.json.
Exits non-zero when not all arrived within `--timeout` seconds.

    KAFKA_START=../shared/kafka/start-kafka make bench-backfill
    KAFKA_START=../shared/kafka/start-kafka uv run --no-sync python bench/intake/backfill.py --count 2000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import run as intake  # the intake benchmark beside this script: its seed, broker and service start

from platform_shared.auth.tokens import DevTokens
from platform_shared.messaging.broker_command import Broker, free_port, stop_broker
from platform_shared.migrations import upgrade_to_head
from platform_shared.testing import create_pg_database, drop_pg_database

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "backfill-last-run.json"
GOAL_S = 600.0
BATCH = 200


def driver_dsn(url: str) -> str:
    """asyncpg's DSN of a SQLAlchemy URL."""
    return url.replace("postgresql+asyncpg://", "postgresql://")


def start(service: str, env: dict[str, str], work: Path, port: int) -> subprocess.Popen[bytes]:
    log = (work / f"{service}.log").open("wb")
    command = [sys.executable, "-m", f"{service}_svc.cli", "serve", "--port", str(port)]
    return subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT, stdout=log, stderr=log)


def batch_body(org: dict[str, Any], first: int, count: int) -> dict[str, Any]:
    occurred = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    units = org["units"]
    return {
        "reports": [
            {
                "type": "avvikelse",
                "unit_id": str(units[n % len(units)]),
                "occurred_at": occurred,
                "description": f"Inläst från det gamla systemet (ärende {n})",
                "category": "arbetssatt_rutiner",
                "source": {"system": "backfill", "external_id": f"backfill-{n}"},
            }
            for n in range(first, first + count)
        ]
    }


def clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


async def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="intake-backfill-"))
    broker = await intake.kafka_broker()
    if broker is None:
        sys.exit("a real broker is needed: set KAFKA_BOOTSTRAP_SERVERS or KAFKA_START")
    processes: list[subprocess.Popen[bytes]] = []
    databases: list[str] = []
    try:
        deviation_url = await create_pg_database("backfill_deviation")
        databases.append(deviation_url)
        reporting_url = await create_pg_database("backfill_reporting")
        databases.append(reporting_url)
        await asyncio.to_thread(
            upgrade_to_head, ROOT / "services" / "deviation-svc" / "alembic.ini", deviation_url
        )
        conn = await asyncpg.connect(driver_dsn(deviation_url))
        try:
            org = await intake.seed.seed_org(conn)
        finally:
            await conn.close()
        common = {
            "DEV_KEY_DIR": str(work),
            "BUS": "kafka",
            "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
            "LOG_LEVEL": "WARNING",
        }
        deviation_port, reporting_port = free_port(), free_port()
        processes.append(
            start(
                "deviation",
                {f"DEVIATION_{k}": v for k, v in common.items()}
                | {
                    "DEVIATION_DATABASE_URL": deviation_url,
                    "DEVIATION_DATA_KEY": "bench-only-key",
                },
                work,
                deviation_port,
            )
        )
        processes.append(
            start(
                "reporting",
                {f"REPORTING_{k}": v for k, v in common.items()}
                | {"REPORTING_DATABASE_URL": reporting_url, "REPORTING_MAIL_MODE": "off"},
                work,
                reporting_port,
            )
        )
        base_url = f"http://127.0.0.1:{deviation_port}"
        await intake.overload.wait_ready(base_url, processes[0])
        await intake.overload.wait_ready(f"http://127.0.0.1:{reporting_port}", processes[1])
        token = DevTokens(work).mint("bench:medarbetare")
        reporting = await asyncpg.connect(driver_dsn(reporting_url))
        try:
            return await backfill(args, org, base_url, token, reporting, broker)
        finally:
            await reporting.close()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        if broker.started:
            stop_broker(broker)
        for url in databases:
            await drop_pg_database(url)


async def backfill(
    args: argparse.Namespace,
    org: dict[str, Any],
    base_url: str,
    token: str,
    reporting: asyncpg.Connection,
    broker: Broker,
) -> dict[str, Any]:
    batches = [(first, min(BATCH, args.count - first)) for first in range(0, args.count, BATCH)]
    queue: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)
    posted, batch_ms, failures = 0, [], []

    async def client() -> None:
        nonlocal posted
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=base_url, timeout=120, headers=headers) as http:
            while not queue.empty():
                first, count = queue.get_nowait()
                for attempt in range(5):  # a 503 (overload) or 409 (a race) is sent again, as a client would
                    started = time.perf_counter()
                    response = await http.post("/api/v1/deviations/batch", json=batch_body(org, first, count))
                    if response.status_code == 200:
                        batch_ms.append((time.perf_counter() - started) * 1000)
                        posted += count
                        break
                    failures.append(response.status_code)
                    await asyncio.sleep(0.2 * (attempt + 1))
                else:
                    raise RuntimeError(f"batch {first} refused: {response.status_code} {response.text[:300]}")

    async def arrived() -> int:
        return int(await reporting.fetchval("SELECT count(*) FROM deviation_fact"))

    began = time.perf_counter()
    clients = [asyncio.create_task(client()) for _ in range(args.clients)]
    posting = asyncio.gather(*clients)
    progress: list[dict[str, Any]] = []
    posted_s: float | None = None
    count = 0
    while True:
        await asyncio.sleep(args.progress_s)
        count = await arrived()
        elapsed = time.perf_counter() - began
        if posting.done() and posted_s is None:
            posting.result()
            posted_s = elapsed
        rate = posted / elapsed
        progress.append({"s": round(elapsed, 1), "posted": posted, "in_reporting": count})
        print(
            f"posted {posted}/{args.count} ({rate:.0f}/s) · in reporting {count} · elapsed {clock(elapsed)}",
            flush=True,
        )
        if count >= args.count or elapsed > args.timeout:
            break
    total_s = time.perf_counter() - began
    if posted_s is None:
        posting.cancel()
    ordered = sorted(batch_ms)
    return {
        "count": args.count,
        "posted": posted,
        "in_reporting": count,
        "posting_s": round(posted_s or total_s, 1),
        "all_in_reporting_s": round(total_s, 1) if count >= args.count else None,
        "goal_s": GOAL_S,
        "batch_size": BATCH,
        "clients": args.clients,
        "broker": broker.describe(),
        "batch_ms": {
            "p50": round(ordered[len(ordered) // 2], 1) if ordered else None,
            "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 1) if ordered else None,
            "max": round(ordered[-1], 1) if ordered else None,
        },
        "failures": {str(s): failures.count(s) for s in sorted(set(failures))},
        "progress": progress,
        "batch_timings_ms": [round(t, 1) for t in batch_ms],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--progress-s", type=float, default=5.0)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    load = os.getloadavg()
    figures = asyncio.run(run(args))
    result = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": intake.seed.git_commit(),
        "load_average_at_start": load,
        "load_average_at_end": os.getloadavg(),
        **figures,
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    done = figures["all_in_reporting_s"]
    arrived = f"{done} s" if done is not None else f"NOT ALL ({figures['in_reporting']})"
    print(
        f"commit={result['git_commit']} load={load} count={figures['count']} batch={BATCH} "
        f"clients={args.clients} broker={figures['broker']}"
    )
    print(
        f"backfill posted={figures['posted']} in {figures['posting_s']} s "
        f"({figures['posted'] / max(figures['posting_s'], 0.001):.0f}/s) · all in reporting after "
        f"{arrived} · goal < {GOAL_S:.0f} s · "
        f"batch p50/p95/max ms {figures['batch_ms']} · failures {figures['failures']}"
    )
    print(f"every figure: {args.out}")
    if done is None:
        sys.exit(1)


if __name__ == "__main__":
    main()
