"""Event lag on a real Kafka broker: from the producer's commit to reporting-svc's read model.

reporting-svc runs as its own OS process (PostgreSQL, `REPORTING_BUS=kafka`, the shipped defaults);
a producer in this process commits one `DeviationReported` per transaction to an outbox (PostgreSQL)
at a steady rate, and the shared `OutboxRelay` publishes it. Lag = the producer's commit → the row
visible in reporting's `deviation_fact` (polled every 10 ms). Rates 50, 100 and 200 events/s, each
after a warm-up, on the same broker and service. Goal: p99 < 250 ms at 200 events/s.

The broker: KAFKA_BOOTSTRAP_SERVERS (a running one), or KAFKA_START (started on free ports in a
directory of its own, and stopped at the end; KAFKA_STOP if set). A real broker is required: this
is not a test and never falls back to a mock.

    KAFKA_START=../shared/kafka/start-kafka scripts/uv run --no-sync python bench/events/lag.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import select

from platform_shared.contracts.deviation import DeviationReported
from platform_shared.contracts.topics import TOPICS
from platform_shared.db import make_engine, make_metadata, make_session_factory
from platform_shared.ids import new_id
from platform_shared.loops import Loop, Supervisor
from platform_shared.messaging.broker_command import Broker, free_port, start_broker, stop_broker
from platform_shared.messaging.kafka import KafkaTransport
from platform_shared.messaging.relay import OutboxRelay
from platform_shared.messaging.tables import attach_messaging_tables
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.testing import create_pg_database, drop_pg_database

ROOT = Path(__file__).resolve().parents[2]
GOAL_P99_MS = 250.0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": round(pct(values, 0.50), 1),
        "p95": round(pct(values, 0.95), 1),
        "p99": round(pct(values, 0.99), 1),
        "max": round(max(values), 1),
        "mean": round(statistics.fmean(values), 1),
    }


def git_commit() -> str:
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
    return sha + (" (uncommitted changes)" if dirty.strip() else "")


def broker_from_environment(workdir: Path) -> Broker:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        return Broker(os.environ["KAFKA_BOOTSTRAP_SERVERS"], "real", "KAFKA_BOOTSTRAP_SERVERS")
    if os.environ.get("KAFKA_START"):
        env = {
            "KAFKA_PORT": str(free_port()),
            "KAFKA_CONTROLLER_PORT": str(free_port()),
            "KAFKA_DATA": str(workdir / "kafka"),
        }
        return start_broker(env, "started by KAFKA_START for this benchmark")
    sys.exit("a real broker is needed: set KAFKA_BOOTSTRAP_SERVERS or KAFKA_START")


class Bench:
    def __init__(self, bootstrap: str, workdir: Path) -> None:
        self.bootstrap = bootstrap
        self.workdir = workdir
        self.unit = new_id()

    async def __aenter__(self) -> Bench:
        transport = KafkaTransport(self.bootstrap, client_id="bench-topics")
        await transport.ensure_topics(TOPICS)
        await transport.stop()
        self.reporting_url = await create_pg_database("bench_lag_reporting")
        self.producer_url = await create_pg_database("bench_lag_producer")
        port = free_port()
        env = {
            **os.environ,
            "REPORTING_DATABASE_URL": self.reporting_url,
            "REPORTING_BUS": "kafka",
            "REPORTING_KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "REPORTING_DEV_KEY_DIR": str(self.workdir),
            "REPORTING_LOG_LEVEL": "WARNING",
            "REPORTING_MAIL_MODE": "off",
        }
        self.log = (self.workdir / "reporting-svc.log").open("wb")
        self.service = subprocess.Popen(  # noqa: ASYNC220 - the service under test, once
            [sys.executable, "-m", "reporting_svc.cli", "serve", "--port", str(port)],
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        async with httpx.AsyncClient() as client:
            for _ in range(900):
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/ready")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        metadata = make_metadata()
        self.tables = attach_messaging_tables(metadata)
        self.engine = make_engine(self.producer_url)
        async with self.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        self.factory = make_session_factory(self.engine)
        self.transport = KafkaTransport(self.bootstrap, client_id="bench-producer")
        self.relay = OutboxRelay(self.factory, self.tables, self.transport, service="bench_producer")
        self.supervisor = Supervisor("bench_producer")
        self.supervisor.start(Loop("relay", self.relay.step))
        dsn = self.reporting_url.replace("postgresql+asyncpg://", "postgresql://")
        self.reader = await asyncpg.connect(dsn)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.reader.close()
        await self.supervisor.stop()
        await self.relay.close()
        await self.transport.stop()
        await self.engine.dispose()
        self.service.terminate()
        self.service.wait(timeout=30)
        self.log.close()
        await drop_pg_database(self.reporting_url)
        await drop_pg_database(self.producer_url)

    async def produce(self, committed: dict[uuid.UUID, float], n: int) -> None:
        now = datetime.now(UTC)
        event = DeviationReported(
            deviation_id=new_id(),
            reference=f"AVV-2026-{n:06d}",
            deviation_type="avvikelse",
            unit_id=self.unit,
            category="fall",
            occurred_at=now,
            reported_at=now,
        )
        async with UnitOfWork(
            self.factory, self.tables, source="deviation-svc", on_commit=self.relay.wake
        ) as uow:
            uow.emit(event)
            await uow.commit()
        committed[event.deviation_id] = time.perf_counter()

    async def watch(
        self, committed: dict[uuid.UUID, float], seen: dict[uuid.UUID, float], done: asyncio.Event
    ) -> None:
        give_up = 0.0
        while True:
            pending = [k for k in committed if k not in seen]
            if pending:
                found = await self.reader.fetch(
                    "SELECT deviation_id FROM deviation_fact WHERE deviation_id = ANY($1::uuid[])", pending
                )
                now = time.perf_counter()
                for row in found:
                    seen[row["deviation_id"]] = now
            if done.is_set():
                give_up = give_up or time.perf_counter() + 30
                if len(seen) >= len(committed) or time.perf_counter() > give_up:
                    return
            await asyncio.sleep(0.01)

    async def run(self, rate: int, seconds: int) -> dict[str, Any]:
        committed: dict[uuid.UUID, float] = {}
        seen: dict[uuid.UUID, float] = {}
        done = asyncio.Event()
        watcher = asyncio.create_task(self.watch(committed, seen, done))
        started = time.perf_counter()
        total = rate * seconds
        for n in range(1, total + 1):
            await self.produce(committed, n)
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        achieved = total / (time.perf_counter() - started)
        done.set()
        await watcher
        lags = [(seen[k] - committed[k]) * 1000 for k in committed if k in seen]
        return {
            "target_rate_per_s": rate,
            "achieved_rate_per_s": round(achieved, 1),
            "events": total,
            "arrived": len(lags),
            "lag_ms": summary(lags),
            **await self.stages(list(committed)),
        }

    async def stages(self, ids: list[uuid.UUID]) -> dict[str, Any]:
        """Where the time goes: commit → published (the relay and the broker's acknowledgement),
        published → claimed in reporting's inbox (fetch, apply), from the two databases."""
        async with self.engine.connect() as conn:
            outbox = self.tables.outbox.c
            rows = (
                await conn.execute(
                    select(outbox.event_id, outbox.created_at, outbox.published_at).where(
                        outbox.key.in_([str(i) for i in ids])
                    )
                )
            ).all()
        claimed = {
            r["event_id"]: r["received_at"]
            for r in await self.reader.fetch(
                "SELECT event_id, received_at FROM inbox_message WHERE consumer = 'reporting.projections'"
                " AND event_id = ANY($1::uuid[])",
                [r.event_id for r in rows],
            )
        }
        publish = [(r.published_at - r.created_at).total_seconds() * 1000 for r in rows if r.published_at]
        apply = [
            (claimed[r.event_id] - r.published_at).total_seconds() * 1000
            for r in rows
            if r.published_at and r.event_id in claimed
        ]
        return {"commit_to_published_ms": summary(publish), "published_to_claimed_ms": summary(apply)}


async def main(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bench-event-lag-"))
    broker = broker_from_environment(workdir)
    out: dict[str, Any] = {
        "git_commit": git_commit(),
        "started_at": datetime.now(UTC).isoformat(),
        "broker": broker.describe(),
        "load_average": os.getloadavg(),
        "runs": [],
    }
    print(f"event lag on the {broker.describe()}", flush=True)
    try:
        async with Bench(broker.bootstrap, workdir) as bench:
            for _ in range(15):  # warm-up: groups joined, connections open, caches warm
                if (await bench.run(20, 2))["lag_ms"].get("p99", 1e9) < 100:
                    break
            for rate in args.rates:
                result = await bench.run(rate, args.seconds)
                out["runs"].append(result)
                lag = result["lag_ms"]
                print(
                    f"{rate:>4} events/s (achieved {result['achieved_rate_per_s']}): "
                    f"p50 {lag.get('p50')} ms  p95 {lag.get('p95')} ms  p99 {lag.get('p99')} ms  "
                    f"max {lag.get('max')} ms  arrived {result['arrived']}/{result['events']}",
                    flush=True,
                )
                for stage in ("commit_to_published_ms", "published_to_claimed_ms"):
                    print(f"       {stage}: {result[stage]}", flush=True)
    finally:
        if broker.started:
            stop_broker(broker)
    out["load_average_after"] = os.getloadavg()
    top = next((r for r in out["runs"] if r["target_rate_per_s"] == 200), None)
    if top is not None:
        p99 = top["lag_ms"].get("p99", float("inf"))
        verdict = "met" if p99 < GOAL_P99_MS else "NOT met"
        print(f"goal p99 < {GOAL_P99_MS:g} ms at 200 events/s: {verdict} ({p99} ms)")
    Path(args.output).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")  # noqa: ASYNC240


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rates", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--seconds", type=int, default=20, help="per rate")
    parser.add_argument("--output", default=str(ROOT / "bench" / "events" / "last-run.json"))
    asyncio.run(main(parser.parse_args()))
