"""deviation-svc under load: 1 000 000 deviations across 300 units, seeded with COPY (not the API), then
measured over HTTP with real dev tokens against a running `deviation-svc serve`.

    uv run --no-sync python bench/deviations/run.py            # seed (or reuse) and measure
    uv run --no-sync python bench/deviations/run.py --reseed   # drop the bench database first

Goals: GET /api/v1/deviations with a unit subtree, a period and a status — p95 < 100 ms per page;
POST /api/v1/deviations at 50 requests/s — p95 < 50 ms. Prints the row count, the git commit, a
summary per measurement and every raw timing (ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from platform_shared.auth.tokens import DevTokens
from platform_shared.ids import new_id
from platform_shared.migrations import upgrade_to_head

ROOT = Path(__file__).resolve().parents[2]
ALEMBIC_INI = ROOT / "services" / "deviation-svc" / "alembic.ini"
ADMIN_DSN = os.environ.get("BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("BENCH_DB", "deviation_bench")
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
AREAS, UNITS = 10, 300
PORT = int(os.environ.get("BENCH_PORT", "8790"))
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
FIRST, LAST = datetime(2024, 1, 1, tzinfo=UTC), datetime(2026, 10, 31, tzinfo=UTC)
STATUSES = [("closed", 55), ("follow_up", 8), ("actions", 10), ("decided", 5), ("investigating", 10),
            ("received", 7), ("reported", 4), ("voided", 1)]  # fmt: skip
TYPES = [("avvikelse", 70), ("hsl", 22), ("lex_sarah", 8)]
CATEGORIES = ["arbetssatt_rutiner", "utforande", "fall", "lakemedel", "bemotande", "miljo_utrustning_teknik"]


def dsn(database: str) -> str:
    return f"{ADMIN_DSN.rsplit('/', 1)[0]}/{database}"


def sqlalchemy_url(database: str) -> str:
    return dsn(database).replace("postgresql://", "postgresql+asyncpg://")


def pick(weighted: list[tuple[str, int]], rnd: random.Random) -> str:
    return rnd.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def uuid7_at(at: datetime, rnd: random.Random) -> uuid.UUID:
    """A UUIDv7 for a past time, so ids keep time order as the service's would."""
    ms = int(at.timestamp() * 1000)
    value = (ms << 80) | (0x7 << 76) | (rnd.getrandbits(12) << 64) | (0b10 << 62) | rnd.getrandbits(62)
    return uuid.UUID(int=value)


async def seed_org(conn: asyncpg.Connection) -> dict[str, Any]:
    """nämnd > förvaltning > 10 verksamhetsområden > 300 enheter, people with roles (the replica)."""
    root, forv = new_id(), new_id()
    areas = [new_id() for _ in range(AREAS)]
    units = [new_id() for _ in range(UNITS)]
    rows = [(root, None, "Socialnämnden", "namnd"), (forv, root, "Socialförvaltningen", "forvaltning")]
    rows += [(a, forv, f"Verksamhetsområde {i}", "verksamhetsomrade") for i, a in enumerate(areas)]
    rows += [(u, areas[i % AREAS], f"Enhet {i}", "enhet") for i, u in enumerate(units)]
    await conn.copy_records_to_table(
        "replica_org_unit",
        records=[(i, p, n, None, lvl, '["SoL", "HSL"]', EPOCH, None) for i, p, n, lvl in rows],
        columns=["id", "parent_id", "name", "code", "level", "laws", "valid_from", "valid_to"],
    )
    people = {
        "socialchef": (new_id(), "socialchef", forv),
        "verksamhetschef": (new_id(), "verksamhetschef", areas[0]),
        "enhetschef": (new_id(), "enhetschef", units[0]),
        "medarbetare": (new_id(), "medarbetare", units[0]),
    }
    await conn.copy_records_to_table(
        "replica_person",
        records=[
            (pid, f"bench:{key}", f"{key}@bench.example", key, True) for key, (pid, _, _) in people.items()
        ],
        columns=["id", "subject", "email", "name", "active"],
    )
    await conn.copy_records_to_table(
        "replica_role_assignment",
        records=[(new_id(), pid, role, unit, EPOCH, None, False) for pid, role, unit in people.values()],
        columns=["id", "person_id", "role", "unit_id", "valid_from", "valid_to", "acting"],
    )
    return {"areas": areas, "units": units, "people": {k: v[0] for k, v in people.items()}}


async def seed_deviations(conn: asyncpg.Connection, org: dict[str, Any]) -> None:
    rnd = random.Random(4)
    span = (LAST - FIRST).total_seconds()
    reporters = [new_id() for _ in range(2000)]
    counters: dict[int, int] = {}
    columns = ["id", "reference", "type", "status", "unit_id", "occurred_at", "reported_at", "description",
               "category", "reporter_id", "version", "severity", "probability",
               "no_immediate_measures_needed", "updated_at"]  # fmt: skip
    times = sorted(FIRST + timedelta(seconds=rnd.random() * span) for _ in range(ROWS))
    batch: list[tuple[Any, ...]] = []
    for reported in times:
        counters[reported.year] = counters.get(reported.year, 0) + 1
        batch.append(
            (
                uuid7_at(reported, rnd),
                f"AVV-{reported.year}-{counters[reported.year]:06d}",
                pick(TYPES, rnd),
                pick(STATUSES, rnd),
                org["units"][rnd.randrange(UNITS)],
                reported - timedelta(hours=rnd.randint(1, 72)),
                reported,
                "Händelse vid enheten",
                rnd.choice(CATEGORIES),
                rnd.choice(reporters),
                1,
                rnd.randint(1, 4),
                rnd.randint(1, 4),
                False,
                reported,
            )
        )
        if len(batch) == 100_000:
            await conn.copy_records_to_table("deviation", records=batch, columns=columns)
            batch = []
    if batch:
        await conn.copy_records_to_table("deviation", records=batch, columns=columns)
    # New reports continue the numbering of their year.
    await conn.executemany(
        "INSERT INTO reference_counter (prefix, year, last_number) VALUES ('AVV', $1, $2)",
        list(counters.items()),
    )
    await conn.execute("ANALYZE")


async def prepare(reseed: bool) -> dict[str, Any]:
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DB_NAME)
        if exists and reseed:
            await admin.execute(f'DROP DATABASE "{DB_NAME}" WITH (FORCE)')
            exists = None
        if not exists:
            await admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    finally:
        await admin.close()
    await asyncio.to_thread(upgrade_to_head, ALEMBIC_INI, sqlalchemy_url(DB_NAME))
    conn = await asyncpg.connect(dsn(DB_NAME))
    try:
        state_file = Path(tempfile.gettempdir()) / f"{DB_NAME}.json"
        count = await conn.fetchval("SELECT count(*) FROM deviation")
        if count >= ROWS and state_file.exists():
            org = json.loads(state_file.read_text())
            print(f"reusing {DB_NAME}: {count} deviations", flush=True)
        else:
            started = time.perf_counter()
            org = await seed_org(conn)
            await seed_deviations(conn, org)
            print(f"seeded {ROWS} deviations with COPY in {time.perf_counter() - started:.0f} s", flush=True)
            state_file.write_text(json.dumps(org, default=str))
        org["rows"] = await conn.fetchval("SELECT count(*) FROM deviation")
        return org
    finally:
        await conn.close()


def start_service(key_dir: Path) -> subprocess.Popen[bytes]:
    """`deviation-svc serve`: one process with its relay, consumers and deadline scheduler."""
    env = {
        **os.environ,
        "DEVIATION_DATABASE_URL": sqlalchemy_url(DB_NAME),
        "DEVIATION_DEV_KEY_DIR": str(key_dir),
        "DEVIATION_LOCAL_BUS_URL": f"sqlite+aiosqlite:///{key_dir / 'bus.sqlite'}",
        "DEVIATION_DATA_KEY": "bench-only-key",
        "DEVIATION_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "deviation_svc.cli", "serve", "--port", str(PORT)]
    return subprocess.Popen(command, env=env, cwd=ROOT)


async def wait_ready(client: httpx.AsyncClient) -> None:
    for _ in range(600):
        try:
            if (await client.get("/ready")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("deviation-svc did not become ready")


def summary(name: str, timings: list[float], goal_ms: float) -> dict[str, Any]:
    ordered = sorted(timings)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    return {
        "measurement": name,
        "n": len(ordered),
        "p50_ms": round(pct(0.50), 1),
        "p95_ms": round(pct(0.95), 1),
        "p99_ms": round(pct(0.99), 1),
        "max_ms": round(ordered[-1], 1),
        "goal_p95_ms": goal_ms,
        "met": pct(0.95) < goal_ms,
    }


async def measure_lists(client: httpx.AsyncClient, org: dict[str, Any], token: str, n: int) -> list[float]:
    """One area's subtree (30 enheter), a quarter, one status: the first page, then the next one."""
    rnd = random.Random(7)
    headers = {"Authorization": f"Bearer {token}"}
    timings: list[float] = []
    quarters = [("2024-01-01", "2024-03-31"), ("2025-04-01", "2025-06-30"), ("2026-07-01", "2026-09-30")]
    for index in range(n):
        first, last = rnd.choice(quarters)
        params: dict[str, Any] = {
            "unit_id": str(org["areas"][0]),
            "from": first,
            "to": last,
            "status": rnd.choice(["closed", "investigating", "actions"]),
        }
        started = time.perf_counter()
        r = await client.get("/api/v1/deviations", params=params, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 200, r.text
        cursor = r.json()["next_cursor"]
        if cursor and index % 2:
            started = time.perf_counter()
            r = await client.get("/api/v1/deviations", params={**params, "cursor": cursor}, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert r.status_code == 200, r.text
    return timings


async def measure_creates(
    client: httpx.AsyncClient, org: dict[str, Any], token: str, rate: int, seconds: int
) -> list[float]:
    """Open loop: a new report every 1/rate s, whatever the answers' pace."""
    headers = {"Authorization": f"Bearer {token}"}
    timings: list[float] = []
    failures: list[str] = []

    async def one(index: int) -> None:
        body = {
            "type": "avvikelse",
            "unit_id": str(org["units"][index % UNITS]),
            "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
            "description": "Mätning: rapport under last",
            "category": "arbetssatt_rutiner",
        }
        started = time.perf_counter()
        try:
            r = await client.post("/api/v1/deviations", json=body, headers=headers)
            if r.status_code != 201:
                failures.append(f"{r.status_code}")
        except httpx.HTTPError as exc:
            failures.append(type(exc).__name__)
        timings.append((time.perf_counter() - started) * 1000)

    tasks = []
    begin = time.perf_counter()
    for index in range(rate * seconds):
        await asyncio.sleep(max(0.0, begin + index / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(one(index)))
    await asyncio.gather(*tasks)
    if failures:
        print(f"{len(failures)} of {len(timings)} reports failed: {sorted(set(failures))}", flush=True)
    return timings


def git_commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
    return out.stdout.strip() + ("+dirty" if dirty.strip() else "")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reseed", action="store_true", help="drop and seed the bench database again")
    parser.add_argument("--lists", type=int, default=300, help="list requests (first pages)")
    parser.add_argument("--rate", type=int, default=50, help="reports per second")
    parser.add_argument("--seconds", type=int, default=20, help="how long to report")
    args = parser.parse_args()

    org = await prepare(args.reseed)
    key_dir = Path(tempfile.mkdtemp(prefix="deviation-bench-"))
    tokens = DevTokens(key_dir)
    service = start_service(key_dir)
    try:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{PORT}", timeout=30, limits=limits
        ) as client:
            await wait_ready(client)
            chef = tokens.mint("bench:verksamhetschef")
            await measure_lists(client, org, chef, 20)  # warm-up
            lists = await measure_lists(client, org, chef, args.lists)
            reporter = tokens.mint("bench:medarbetare")
            await measure_creates(client, org, reporter, 10, 2)  # warm-up
            creates = await measure_creates(client, org, reporter, args.rate, args.seconds)
    finally:
        service.terminate()
        service.wait(timeout=30)
    results = {
        "rows": org["rows"],
        "git_commit": git_commit(),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "lists": summary("GET /api/v1/deviations (area subtree, quarter, status)", lists, 100),
        "creates": summary(f"POST /api/v1/deviations at {args.rate}/s", creates, 50),
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    print("raw list timings (ms):", " ".join(f"{t:.1f}" for t in lists))
    print("raw create timings (ms):", " ".join(f"{t:.1f}" for t in creates))


if __name__ == "__main__":
    asyncio.run(main())
