"""reporting-svc benchmark (issue #6).

1. Seeds N deviations (default 1 000 000) in bulk into a fresh PostgreSQL database: the projection's
   output (deviation_fact) and its monthly pre-aggregate (fact_month_count), for a förvaltning of 60
   enheter over three years, plus the org replica. The pre-aggregate is computed in SQL and checked
   against the fact table with the service's own query code.
2. Times the statistics a förvaltning asks for (GET /api/v1/reports/statistics/deviations and
   /deviations/summary, in-process through the real app, auth included): target p95 < 150 ms.
3. Times a tertial report (T1, every figure computed live from the read models, then adoption which
   computes and freezes them): target < 2 s.
4. Measures event lag on the distributed setup: reporting-svc as its own OS process on the Kafka
   transport (the broker of platform_shared.testing_kafka: KAFKA_BOOTSTRAP_SERVERS, KAFKA_START, else
   librdkafka's mock cluster), a producer committing DeviationReported events to an outbox at 200
   events/s with the shared relay; lag = from the producing commit to the row in reporting's read
   model. The event-lag benchmark on a real broker at several rates is bench/events/lag.py.

Prints the row count, the git commit and the raw timings; writes them to bench/reporting/last-run.json.
Run: `uv run python bench/reporting/bench.py` (see README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from platform_shared.api.app import create_service_app
from platform_shared.auth.tokens import DevTokens
from platform_shared.contracts.deviation import DeviationReported
from platform_shared.db import make_engine, make_metadata, make_session_factory
from platform_shared.ids import new_id
from platform_shared.loops import Loop, Supervisor
from platform_shared.messaging.relay import OutboxRelay
from platform_shared.messaging.tables import attach_messaging_tables
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.testing import create_pg_database, drop_pg_database, kafka_bootstrap_address
from reporting_svc.app import build_runtime
from reporting_svc.cli import freeze_startup_objects
from reporting_svc.config import ReportingSettings
from reporting_svc.domain.periods import Granularity
from reporting_svc.domain.subjects import tier_of
from reporting_svc.service_layer.statistics import CountQuery, GroupMode, Statistics

ROOT = Path(__file__).resolve().parents[2]
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN_S = int((datetime(2027, 1, 1, tzinfo=UTC) - START).total_seconds())
CATEGORIES = (
    "arbetssatt_rutiner",
    "bemotande",
    "miljo_utrustning_teknik",
    "rattssakerhet",
    "utforande",
    "fall",
    "lakemedel",
    "trycksar",
    "nutrition",
    "hygien",
)
LEX_SARAH = (
    "inget_missforhallande",
    "missforhallande",
    "pataglig_risk_allvarligt",
    "allvarligt_missforhallande",
)
HSL = ("ingen_vardskada", "risk_vardskada", "vardskada", "allvarlig_vardskada")
STATUSES = (("closed", 0.80), ("follow_up", 0.04), ("actions", 0.04), ("decided", 0.03),
            ("investigating", 0.03), ("received", 0.02), ("reported", 0.02), ("voided", 0.02))  # fmt: skip


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": round(pct(values, 0.5), 2),
        "p95": round(pct(values, 0.95), 2),
        "p99": round(pct(values, 0.99), 2),
        "max": round(max(values), 2),
        "mean": round(statistics.fmean(values), 2),
    }


def git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True)
        return head.stdout.strip() + (" (uncommitted changes)" if dirty.stdout.strip() else "")
    except Exception:
        return "unknown"


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


# --- organisation and people -------------------------------------------------------------------


class Org:
    def __init__(self) -> None:
        self.namnd = new_id()
        self.forvaltning = new_id()
        self.areas = [new_id() for _ in range(6)]
        self.units = [new_id() for _ in range(60)]
        self.parent = {self.forvaltning: self.namnd}
        self.parent.update(dict.fromkeys(self.areas, self.forvaltning))
        self.parent.update({u: self.areas[i // 10] for i, u in enumerate(self.units)})
        self.socialchef = new_id()
        self.namnd_member = new_id()


async def seed_org(conn: asyncpg.Connection, org: Org) -> None:
    units = [
        (org.namnd, None, "Socialnämnden", "namnd"),
        (org.forvaltning, org.namnd, "Socialförvaltningen", "forvaltning"),
    ]
    units += [
        (a, org.forvaltning, f"Verksamhetsområde {i + 1}", "verksamhetsomrade")
        for i, a in enumerate(org.areas)
    ]
    units += [(u, org.parent[u], f"Enhet {i + 1}", "enhet") for i, u in enumerate(org.units)]
    await conn.executemany(
        "INSERT INTO replica_org_unit (id, parent_id, name, code, level, laws, valid_from, valid_to)"
        " VALUES ($1, $2, $3, NULL, $4, '[]'::jsonb, $5, NULL)",
        [(i, p, n, lvl, EPOCH) for i, p, n, lvl in units],
    )
    await conn.executemany(
        "INSERT INTO replica_unit_parent (unit_id, valid_from, parent_id, valid_to)"
        " VALUES ($1, $2, $3, NULL)",
        [(i, EPOCH, p) for i, p, _, _ in units],
    )
    for person, subject, role, unit in (
        (org.socialchef, "bench-socialchef", "socialchef", org.forvaltning),
        (org.namnd_member, "bench-namnd", "namnd_ledamot", org.namnd),
    ):
        await conn.execute(
            "INSERT INTO replica_person (id, subject, email, name, active) VALUES ($1, $2, $3, $2, true)",
            person,
            subject,
            f"{subject}@example.se",
        )
        await conn.execute(
            "INSERT INTO replica_role_assignment (id, person_id, role, unit_id, valid_from, valid_to, acting)"
            " VALUES ($1, $2, $3, $4, $5, NULL, false)",
            new_id(),
            person,
            role,
            unit,
            EPOCH,
        )


# --- a million deviations ----------------------------------------------------------------------

COLUMNS = (
    "deviation_id", "reference", "type", "unit_id", "category", "reported_at", "status", "occurred_at",
    "severity", "degree", "tier", "ivo_required", "received_at", "decided_at", "closed_at", "voided_at",
)  # fmt: skip


def deviation_rows(count: int, org: Org, rng: random.Random) -> list[tuple[Any, ...]]:
    status_names = [s for s, _ in STATUSES]
    status_weights = [w for _, w in STATUSES]
    rows = []
    for n in range(count):
        reported = START + timedelta(seconds=rng.randrange(SPAN_S))
        kind = rng.choices(("avvikelse", "lex_sarah", "hsl"), (0.7, 0.15, 0.15))[0]
        status = rng.choices(status_names, status_weights)[0]
        decided = status in ("decided", "actions", "follow_up", "closed")
        degree = None
        if decided and kind == "lex_sarah":
            degree = rng.choice(LEX_SARAH)
        elif decided and kind == "hsl":
            degree = rng.choice(HSL)
        received = (
            reported + timedelta(hours=rng.uniform(1, 96)) if status not in ("reported", "voided") else None
        )
        decided_at = received + timedelta(days=rng.uniform(1, 30)) if decided and received else None
        closed_at = (
            decided_at + timedelta(days=rng.uniform(1, 60)) if status == "closed" and decided_at else None
        )
        rows.append(
            (
                uuid.UUID(int=n + 1),
                f"AVV-{reported.year}-{n:06d}",
                kind,
                org.units[rng.randrange(len(org.units))],
                rng.choice(CATEGORIES),
                reported,
                status,
                reported - timedelta(hours=rng.uniform(0, 48)),
                rng.randint(1, 4),
                degree,
                tier_of(kind, degree).value,
                degree in ("pataglig_risk_allvarligt", "allvarligt_missforhallande", "allvarlig_vardskada"),
                received,
                decided_at,
                closed_at,
                reported + timedelta(days=1) if status == "voided" else None,
            )
        )
    return rows


PRE_AGGREGATE_SQL = """
INSERT INTO fact_month_count (subject, month, unit_id, dimension, value, count)
SELECT 'deviations', date_trunc('month', reported_at AT TIME ZONE 'Europe/Stockholm')::date, unit_id,
       '{dimension}', {value}, count(*)
FROM deviation_fact
WHERE reported_at IS NOT NULL AND (status IS NULL OR status <> 'voided')
GROUP BY 2, 3, 5
"""
DIMENSIONS = {
    "total": "''",
    "type": "coalesce(type, '')",
    "category": "coalesce(category, '')",
    "severity": "coalesce(severity::text, '')",
    "degree": "coalesce(degree, '')",
    "status": "coalesce(status, '')",
    "tier": "coalesce(tier, '')",
}


async def seed_deviations(url: str, org: Org, count: int, seed: int) -> dict[str, float]:
    timings: dict[str, float] = {}
    rng = random.Random(seed)
    started = time.perf_counter()
    rows = deviation_rows(count, org, rng)
    timings["generate_s"] = round(time.perf_counter() - started, 1)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await seed_org(conn, org)
        started = time.perf_counter()
        for offset in range(0, len(rows), 100_000):
            await conn.copy_records_to_table(
                "deviation_fact", records=rows[offset : offset + 100_000], columns=COLUMNS
            )
        timings["copy_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        for dimension, value in DIMENSIONS.items():
            await conn.execute(PRE_AGGREGATE_SQL.format(dimension=dimension, value=value))
        await conn.execute("ANALYZE")
        timings["pre_aggregate_s"] = round(time.perf_counter() - started, 1)
    finally:
        await conn.close()
    return timings


async def check_pre_aggregate(runtime: Any, org: Org) -> None:
    """The SQL above must agree with the service's own cells (Subject.cells): compare one year."""
    async with runtime.session_factory() as session:
        stats = Statistics(session, runtime.replica)
        for dimension in ("type", "tier", "status"):
            query = CountQuery(
                "deviations", dimension, date(2025, 1, 1), date(2025, 12, 31), Granularity.TERTIAL,
                [org.forvaltning], GroupMode.ROOT,
            )  # fmt: skip
            _, cube = await stats.count(query)
            _, facts = await stats.count(CountQuery(**{**query.__dict__, "use_pre_aggregate": False}))
            if dict(cube) != dict(facts):
                raise SystemExit(f"pre-aggregate and facts disagree on {dimension}")


# --- API timings -------------------------------------------------------------------------------


async def time_api(runtime: Any, org: Org, tokens: DevTokens, repeat: int) -> dict[str, Any]:
    app = create_service_app(runtime, manage_lifecycle=False)
    results: dict[str, Any] = {}
    chef = {"Authorization": f"Bearer {tokens.mint('bench-socialchef')}"}
    namnd = {"Authorization": f"Bearer {tokens.mint('bench-namnd')}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://bench", timeout=60
    ) as client:
        unit = str(org.forvaltning)
        cases = {
            "statistics_year_by_type_per_month": (
                "/api/v1/reports/statistics/deviations",
                {"from": "2026-01-01", "to": "2026-12-31", "unit_id": unit, "by": "type", "period": "month"},
                chef,
            ),
            "statistics_year_by_category_per_tertial_namnd": (
                "/api/v1/reports/statistics/deviations",
                {
                    "from": "2026-01-01",
                    "to": "2026-12-31",
                    "unit_id": unit,
                    "by": "category",
                    "period": "tertial",
                },
                namnd,
            ),
            "statistics_three_years_by_unit": (
                "/api/v1/reports/statistics/deviations",
                {"from": "2024-01-01", "to": "2026-12-31", "unit_id": unit, "by": "unit", "period": "year"},
                chef,
            ),
            "summary_year": (
                "/api/v1/reports/deviations/summary",
                {"from": "2026-01-01", "to": "2026-12-31", "unit_id": unit},
                chef,
            ),
            "dashboard": ("/api/v1/dashboard", {"unit_id": unit}, chef),
        }
        for name, (path, params, headers) in cases.items():
            r = await client.get(path, params=params, headers=headers)  # warm-up
            assert r.status_code == 200, r.text
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                r = await client.get(path, params=params, headers=headers)
                samples.append((time.perf_counter() - started) * 1000)
                assert r.status_code == 200, r.text
            results[name] = {"ms": summary(samples), "raw_ms": [round(s, 1) for s in samples]}

        # a tertial report: T1 2026 for the förvaltning, every figure from the read models
        created = await client.post(
            "/api/v1/reports", json={"type": "t1", "year": 2026, "unit_id": unit}, headers=chef
        )
        assert created.status_code == 201, created.text
        report = f"/api/v1/reports/{created.json()['id']}"
        samples = []
        for _ in range(max(3, repeat // 10)):
            started = time.perf_counter()
            r = await client.get(report, headers=chef)
            samples.append((time.perf_counter() - started) * 1000)
            assert r.status_code == 200, r.text
        results["tertial_report_live"] = {"ms": summary(samples), "raw_ms": [round(s, 1) for s in samples]}
        started = time.perf_counter()
        docx = await client.get(f"{report}/document", headers=chef)
        results["tertial_report_docx_ms"] = round((time.perf_counter() - started) * 1000, 1)
        assert docx.status_code == 200
        await client.post(f"{report}/review", headers=chef)
    return results


# --- event lag on the distributed setup --------------------------------------------------------


async def _ready(port: int) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(600):
            try:
                if (await client.get(f"http://127.0.0.1:{port}/ready")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def measure_lag(bootstrap: str, rate: int, seconds: int, workdir: Path, split: bool) -> dict[str, Any]:
    reporting_url = await create_pg_database("bench_lag_reporting")
    producer_url = await create_pg_database("bench_lag_producer")
    port = free_port()
    env = {
        **os.environ,
        "REPORTING_DATABASE_URL": reporting_url,
        "REPORTING_BUS": "kafka",
        "REPORTING_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "REPORTING_KAFKA_FETCH_MAX_WAIT_MS": os.environ.get("BENCH_FETCH_MAX_WAIT_MS", "100"),
        "REPORTING_KAFKA_METADATA_MAX_AGE_MS": "1000",
        "REPORTING_DEV_KEY_DIR": str(workdir),
        "REPORTING_LOG_LEVEL": "WARNING",
        "REPORTING_MAIL_MODE": "off",
    }
    log = (workdir / "reporting-svc.log").open("wb")
    # split: the projection group in one process (with the API), notifications in a second one
    groups = ["projections", "notifications"] if split else ["projections,notifications"]
    processes = []
    for index, group in enumerate(groups):
        processes.append(
            subprocess.Popen(  # noqa: ASYNC220 - the service under test, its own OS processes
                [
                    sys.executable,
                    "-m",
                    "reporting_svc.cli",
                    "serve",
                    "--port",
                    str(port if index == 0 else free_port()),
                ],
                env={**env, "REPORTING_CONSUMER_GROUPS": group, "REPORTING_RUN_MIGRATIONS": str(index == 0)},
                stdout=log,
                stderr=log,
            )
        )
        if index == 0:
            await _ready(port)
    metadata = make_metadata()
    tables = attach_messaging_tables(metadata)
    engine = make_engine(producer_url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    factory = make_session_factory(engine)
    from platform_shared.messaging.kafka import KafkaTransport

    transport = KafkaTransport(bootstrap, client_id="bench-producer", fetch_max_wait_ms=10)
    await transport.start()
    relay = OutboxRelay(factory, tables, transport, service="bench_producer", poll_interval_s=0.05)
    supervisor = Supervisor("bench_producer")
    supervisor.start(Loop("relay", relay.step))
    committed: dict[uuid.UUID, float] = {}
    seen: dict[uuid.UUID, float] = {}
    unit = new_id()
    try:
        reader = await asyncpg.connect(asyncpg_dsn(reporting_url))

        async def produce_one(n: int) -> None:
            now = datetime.now(UTC)
            event = DeviationReported(
                deviation_id=new_id(),
                reference=f"AVV-2026-{n:06d}",
                deviation_type="avvikelse",
                unit_id=unit,
                category="fall",
                occurred_at=now,
                reported_at=now,
            )
            async with UnitOfWork(factory, tables, source="deviation-svc", on_commit=relay.wake) as uow:
                uow.emit(event)
                await uow.commit()
            committed[event.deviation_id] = time.perf_counter()

        async def watch(stop: asyncio.Event) -> None:
            while not stop.is_set() or len(seen) < len(committed):
                pending = [k for k in committed if k not in seen]
                if pending:
                    found = await reader.fetch(
                        "SELECT deviation_id FROM deviation_fact WHERE deviation_id = ANY($1::uuid[])",
                        pending,
                    )
                    now = time.perf_counter()
                    for row in found:
                        seen[row["deviation_id"]] = now
                if stop.is_set() and time.perf_counter() - stopped_at[0] > 30:
                    break
                await asyncio.sleep(0.05)

        # warm-up: the consumer group join on the mock takes a few seconds
        await produce_one(0)
        stop = asyncio.Event()
        stopped_at = [0.0]
        watcher = asyncio.create_task(watch(stop))
        while not seen:  # noqa: ASYNC110 - polling the watcher's result is the point
            await asyncio.sleep(0.05)
        committed.clear()
        seen.clear()
        started = time.perf_counter()
        total = rate * seconds
        for n in range(1, total + 1):
            await produce_one(n)
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        achieved = total / (time.perf_counter() - started)
        stop.set()
        stopped_at[0] = time.perf_counter()
        await watcher
        await reader.close()
        lags = [(seen[k] - committed[k]) * 1000 for k in committed if k in seen]
        return {
            "broker": "librdkafka mock cluster" if "KAFKA_BOOTSTRAP_SERVERS" not in os.environ else bootstrap,
            "processes": groups,
            "target_rate_per_s": rate,
            "achieved_rate_per_s": round(achieved, 1),
            "events": total,
            "arrived": len(lags),
            "lag_ms": summary(lags),
            "raw_lag_ms": [round(v, 1) for v in lags],
        }
    finally:
        await supervisor.stop()
        await relay.close()
        await transport.stop()
        await engine.dispose()
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        log.close()
        await drop_pg_database(reporting_url)
        await drop_pg_database(producer_url)


# --- main --------------------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> None:
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - a benchmark, once
    out: dict[str, Any] = {"git_commit": git_commit(), "started_at": datetime.now(UTC).isoformat()}
    print(f"git commit: {out['git_commit']}", flush=True)
    if not args.skip_queries:
        url = await create_pg_database("bench_reporting")
        try:
            settings = ReportingSettings(
                database_url=url,
                dev_key_dir=str(workdir),
                log_json=False,
                log_level="WARNING",
                run_workers=False,
            )
            runtime = build_runtime(settings)
            await runtime.migrate()
            org = Org()
            out["seed"] = await seed_deviations(url, org, args.rows, args.seed)
            conn = await asyncpg.connect(asyncpg_dsn(url))
            out["rows"] = {
                "deviation_fact": await conn.fetchval("SELECT count(*) FROM deviation_fact"),
                "fact_month_count": await conn.fetchval("SELECT count(*) FROM fact_month_count"),
            }
            await conn.close()
            print(f"rows: {out['rows']}  seed: {out['seed']}", flush=True)
            await runtime.transport.start()
            await check_pre_aggregate(runtime, org)
            freeze_startup_objects()  # as `reporting-svc serve` does at start
            out["api"] = await time_api(runtime, org, DevTokens(workdir), args.repeat)
            for name, value in out["api"].items():
                print(f"{name}: {value['ms'] if isinstance(value, dict) else value}", flush=True)
            await runtime.stop()
        finally:
            await drop_pg_database(url)
    if not args.skip_lag:
        bootstrap = kafka_bootstrap_address()
        out["lag"] = await measure_lag(bootstrap, args.rate, args.seconds, workdir, args.split)
        lag = {k: v for k, v in out["lag"].items() if k != "raw_lag_ms"}
        print(f"event lag: {lag}", flush=True)
    target = Path(args.output)
    target.write_text(json.dumps(out, indent=1), encoding="utf-8")  # noqa: ASYNC240
    print(f"raw timings written to {target}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=100, help="requests per statistics query")
    parser.add_argument("--rate", type=int, default=200, help="events per second for the lag test")
    parser.add_argument("--seconds", type=int, default=30, help="how long the lag test produces")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--workdir", default="var/bench-reporting")
    parser.add_argument("--output", default=str(Path(__file__).with_name("last-run.json")))
    parser.add_argument("--skip-queries", action="store_true")
    parser.add_argument("--skip-lag", action="store_true")
    parser.add_argument(
        "--split", action="store_true", help="lag test: projections and notifications in two processes"
    )
    asyncio.run(main(parser.parse_args()))
