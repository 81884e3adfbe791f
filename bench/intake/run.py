"""Report intake against the hardware: POST /api/v1/deviations over HTTP (real dev tokens) against
`deviation-svc serve` on PostgreSQL, side by side with a raw asyncpg baseline doing the same full write
set, interleaved in one run; then the open-loop latency at 50 reports/s, two worker processes against
one, and the embedded default.

    uv run --no-sync python bench/intake/run.py                  # everything (make bench-intake)
    uv run --no-sync python bench/intake/run.py --skip-embedded --skip-workers

The raw side is fixed (issue 11): asyncpg, one pooled connection per concurrent worker, one
transaction per report with the statements the service writes for one report — the next number of
the year's reference sequence, the deviation row, its deadline row, the audit row,
the two outbox rows, and marking them published — as prepared statements, nothing else. The issue's
original baseline took the number from a counter row (insert-if-missing, increment returning), which
every concurrent transaction then waits for until the holder commits; the service no longer does
(a sequence per year on PostgreSQL), but that baseline is measured too, interleaved, and printed as
`raw_counter_row_tps` and `ratio_counter_row`, so figures stay comparable with earlier runs.

Beside them, interleaved the same way, the floor (floor_app.py): the same statements (write_set.py)
through the least the fixed stack can be, a FastAPI route with a pydantic body running SQLAlchemy Core
on one pooled asyncpg connection under uvicorn, with no authentication, permission, audit, rule or
event logic. Its line says what the framework, SQLAlchemy and the driver cost by themselves:
`floor_rps`, `floor_ratio` (against the raw side), `project_of_floor` and `floor_cpu_ms_per_report`.

The bus: the distributed deployment's, a real Kafka broker, when one is given (KAFKA_BOOTSTRAP_SERVERS,
or KAFKA_START to start one on free ports for this run: `KAFKA_START=../shared/kafka/start-kafka`);
otherwise the local bus in a SQLite file beside the service (a combination no deployment uses, kept
so the benchmark runs anywhere). The line `bus=…` says which.

Prints one line per concurrency (`concurrency=8 project_rps=… raw_tps=… ratio=… p95_ms=…
cpu_ms_per_report=…` and p50/p99), the row count, the git commit; writes every figure and raw timing
to bench/intake/last-run.json. Server CPU per report: the service's processes' CPU time (user +
system, all threads and worker processes, its relay and loops included) over the reports served.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg
import orjson

from platform_shared.auth.tokens import DevTokens
from platform_shared.contracts.topics import TOPICS
from platform_shared.messaging.broker_command import Broker, free_port, start_broker, stop_broker
from platform_shared.messaging.kafka import KafkaTransport

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "last-run.json"
os.environ.setdefault("BENCH_DB", "intake_bench")
os.environ.setdefault("BENCH_ROWS", "200000")


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# The deviation benchmark's bulk seed (COPY) and the overload benchmark's lean HTTP client.
seed = _load("bench_deviations_run", ROOT / "bench" / "deviations" / "run.py")
overload = _load("bench_overload_run", ROOT / "bench" / "overload" / "run.py")
# The write set of one report (the raw side's and the floor app's statements).
write_set = _load("write_set", ROOT / "bench" / "intake" / "write_set.py")
RawClient = overload.RawClient
DB_NAME: str = seed.DB_NAME
TICK = os.sysconf("SC_CLK_TCK")


# --- the service's CPU time ------------------------------------------------------------------------


def _process_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def cpu_seconds(root: int) -> float:
    """User + system CPU time of a process and its descendants (uvicorn's worker processes)."""
    total = 0
    for pid in _process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


# --- the two sides ---------------------------------------------------------------------------------


def report_body(org: dict[str, Any], index: int, source: str | None = None) -> bytes:
    body: dict[str, Any] = {
        "type": "avvikelse",
        "unit_id": str(org["units"][index % len(org["units"])]),
        "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "description": "Mätning: rapport under last",
        "category": "arbetssatt_rutiner",
    }
    if source:
        body |= {"source_system": "bench", "source_external_id": source}
    return orjson.dumps(body)


class Project:
    """POST /api/v1/deviations as a medarbetare, each worker on its own kept-alive connection."""

    def __init__(self, base_url: str, token: str, org: dict[str, Any]) -> None:
        self.base_url, self.org = base_url, org
        self.headers = {"Authorization": f"Bearer {token}"}
        self.failures: list[int] = []

    def worker(self) -> Callable[[int], Awaitable[bool]]:
        client = RawClient(self.base_url, timeout_s=30)

        async def one(index: int) -> bool:
            body = report_body(self.org, index)
            status = await client.request(
                "POST", "/api/v1/deviations", self.headers, body, "application/json"
            )
            if status == 201:
                return True
            self.failures.append(status)
            if status == 503:  # shed (overload.py): back off as a client told Retry-After would, briefly
                await asyncio.sleep(0.05)
            return False

        return one


ROWLESS = {"counter", "deviation", "deadline", "audit", "published"}


class Raw:
    """The same write set straight through asyncpg: the baseline the project is measured against."""

    def __init__(self, pool: asyncpg.Pool, org: dict[str, Any], *, counter_row: bool = False) -> None:
        self.pool, self.org, self.counter_row = pool, org, counter_row
        self.reporter = uuid.UUID(str(org["people"]["medarbetare"]))

    def worker(self) -> Callable[[int], Awaitable[bool]]:
        async def one(index: int) -> bool:
            unit = uuid.UUID(str(self.org["units"][index % len(self.org["units"])]))
            async with self.pool.acquire() as conn, conn.transaction():

                async def run(key: str, args: Sequence[Any]) -> Sequence[Sequence[Any]]:
                    if key in ROWLESS:
                        await conn.execute(write_set.STATEMENTS[key], *args)
                        return []
                    return await conn.fetch(write_set.STATEMENTS[key], *args)

                await write_set.write_report(run, unit, self.reporter, counter_row=self.counter_row)
            return True

        return one


class Floor:
    """floor_app.py: the same write set through FastAPI + SQLAlchemy Core + uvicorn, nothing else."""

    def __init__(self, base_url: str, org: dict[str, Any]) -> None:
        self.base_url, self.org = base_url, org

    def worker(self) -> Callable[[int], Awaitable[bool]]:
        client = RawClient(self.base_url, timeout_s=30)

        async def one(index: int) -> bool:
            body = report_body(self.org, index)
            status = await client.request("POST", "/reports", {}, body, "application/json")
            return status == 201

        return one


async def closed_loop(
    make_worker: Callable[[], Callable[[int], Awaitable[bool]]], concurrency: int, seconds: float
) -> tuple[int, float, list[float]]:
    """`concurrency` workers back to back for `seconds`: (reports made, elapsed, each made one's ms);
    a refused report (a 503) is neither counted nor timed."""
    timings: list[float] = []
    counter = iter(range(10**9))
    stop_at = time.perf_counter() + seconds

    async def run() -> None:
        one = make_worker()
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            if await one(next(counter)):
                timings.append((time.perf_counter() - started) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(run() for _ in range(concurrency)))
    return len(timings), time.perf_counter() - began, timings


async def open_loop(one: Callable[[int], Awaitable[bool]], rate: int, seconds: int) -> list[float]:
    """A report every 1/rate s whatever the answers' pace; each one's ms."""
    timings: list[float] = []

    async def timed(index: int) -> None:
        started = time.perf_counter()
        await one(index)
        timings.append((time.perf_counter() - started) * 1000)

    tasks = []
    begin = time.perf_counter()
    for index in range(rate * seconds):
        await asyncio.sleep(max(0.0, begin + index / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(timed(index)))
    await asyncio.gather(*tasks)
    return timings


def counts(statuses: list[int]) -> dict[str, int]:
    return {str(s): statuses.count(s) for s in sorted(set(statuses))}


def pct(timings: list[float], p: float) -> float:
    ordered = sorted(timings)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1) if ordered else 0.0


def latency(timings: list[float]) -> dict[str, float]:
    return {"p50_ms": pct(timings, 0.5), "p95_ms": pct(timings, 0.95), "p99_ms": pct(timings, 0.99)}


# --- the service under test ------------------------------------------------------------------------


BUS: dict[str, str] = {}  # the service's bus settings: Kafka when a broker is given (main)


async def kafka_broker() -> Broker | None:
    """A real broker from the environment, its topics created (auto-creation is off), or None."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        broker = Broker(os.environ["KAFKA_BOOTSTRAP_SERVERS"], "real", "KAFKA_BOOTSTRAP_SERVERS")
    elif os.environ.get("KAFKA_START"):
        data = Path(tempfile.mkdtemp(prefix="intake-kafka-"))
        env = {
            "KAFKA_PORT": str(free_port()),
            "KAFKA_CONTROLLER_PORT": str(free_port()),
            "KAFKA_DATA": str(data),
        }
        broker = start_broker(env, "started by KAFKA_START for this benchmark")
    else:
        return None
    transport = KafkaTransport(broker.bootstrap, client_id="bench-intake-topics")
    await transport.ensure_topics(TOPICS)
    await transport.stop()
    return broker


def start_service(key_dir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DEVIATION_DATABASE_URL": seed.sqlalchemy_url(DB_NAME),
        "DEVIATION_DEV_KEY_DIR": str(key_dir),
        "DEVIATION_LOCAL_BUS_URL": f"sqlite+aiosqlite:///{key_dir / 'bus.sqlite'}",
        **BUS,
        "DEVIATION_DATA_KEY": "bench-only-key",
        "DEVIATION_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "deviation_svc.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers)] if workers > 1 else []
    # a session of its own: stop() ends the worker processes with it
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)


async def served(base_url: str, process: subprocess.Popen[bytes]) -> None:
    await overload.wait_ready(base_url, process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process; one started in a session of its own (the service) with every worker process it
    started (a worker left behind would take CPU and connections from the next phase)."""
    try:
        leads_group = os.getpgid(process.pid) == process.pid
    except ProcessLookupError:
        leads_group = False
    group = process.pid if leads_group else None
    signal_all(process, group, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    signal_all(process, group, signal.SIGKILL)


def signal_all(process: subprocess.Popen[bytes], group: int | None, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        if group is not None:
            os.killpg(group, sig)
        elif process.poll() is None:
            process.send_signal(sig)


def start_floor(port: int, org: dict[str, Any]) -> subprocess.Popen[bytes]:
    dsn = seed.sqlalchemy_url(DB_NAME)
    command = [sys.executable, str(ROOT / "bench" / "intake" / "floor_app.py"), "--port", str(port)]
    command += ["--dsn", dsn, "--reporter", str(org["people"]["medarbetare"])]
    return subprocess.Popen(command, cwd=ROOT, start_new_session=True)


async def measure_postgres(org: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    key_dir = Path(tempfile.mkdtemp(prefix="intake-bench-"))
    port, floor_port = overload.free_port(), overload.free_port()
    base_url = f"http://127.0.0.1:{port}"
    service = start_service(key_dir, port, 1)
    floor_app = start_floor(floor_port, org)
    pool = await asyncpg.create_pool(seed.dsn(DB_NAME), min_size=1, max_size=max(args.concurrency))
    results: dict[str, Any] = {"concurrency": []}
    try:
        await served(base_url, service)
        project = Project(base_url, DevTokens(key_dir).mint("bench:medarbetare"), org)
        raw = Raw(pool, org)
        raw_counter = Raw(pool, org, counter_row=True)
        floor = Floor(f"http://127.0.0.1:{floor_port}", org)
        await closed_loop(project.worker, 4, 3)  # warm-up: every side's statements prepared and cached
        await closed_loop(raw.worker, 4, 2)
        await closed_loop(raw_counter.worker, 4, 1)
        await closed_loop(floor.worker, 4, 2)
        for concurrency in args.concurrency:
            figures: dict[str, Any] = {
                "concurrency": concurrency,
                "project": [],
                "raw": [],
                "raw_counter_row": [],
                "floor": [],
            }
            for _ in range(args.rounds):  # interleaved: the machine's other load hits every side alike
                cpu_before = cpu_seconds(service.pid)
                sampler = py_spy(args, service.pid, f"c{concurrency}")
                done, elapsed, timings = await closed_loop(project.worker, concurrency, args.seconds)
                cpu = cpu_seconds(service.pid) - cpu_before
                if sampler is not None:
                    sampler.wait()
                figures["project"].append({"n": done, "s": elapsed, "cpu_s": cpu, "timings": timings})
                done, elapsed, timings = await closed_loop(raw.worker, concurrency, args.seconds)
                figures["raw"].append({"n": done, "s": elapsed, "timings": timings})
                done, elapsed, timings = await closed_loop(raw_counter.worker, concurrency, args.seconds)
                figures["raw_counter_row"].append({"n": done, "s": elapsed, "timings": timings})
                cpu_before = cpu_seconds(floor_app.pid)
                done, elapsed, timings = await closed_loop(floor.worker, concurrency, args.seconds)
                cpu = cpu_seconds(floor_app.pid) - cpu_before
                figures["floor"].append({"n": done, "s": elapsed, "cpu_s": cpu, "timings": timings})
            results["concurrency"].append(summarise(figures))
        if project.failures:
            results["failures"] = counts(project.failures)
        if args.rate:
            await asyncio.sleep(2)
            timings = await open_loop(project.worker(), args.rate, args.rate_seconds)
            results["open_loop"] = {
                "rate": args.rate,
                "seconds": args.rate_seconds,
                "n": len(timings),
                **latency(timings),
                "timings": [round(t, 1) for t in timings],
            }
    finally:
        stop(service)
        stop(floor_app)
        await pool.close()
    if not args.skip_workers:
        results["workers"] = await measure_workers(org, args)
    return results


def py_spy(args: argparse.Namespace, pid: int, name: str) -> subprocess.Popen[bytes] | None:
    """With --py-spy: the service sampled during a closed-loop round (raw stacks, `<out>.<name>.txt`)."""
    if not args.py_spy:
        return None
    out = args.out.with_suffix(f".{name}.txt")
    seconds = str(max(1, int(args.seconds) - 1))
    command = [
        args.py_spy,
        "record",
        "--pid",
        str(pid),
        "-r",
        "200",
        "-d",
        seconds,
        "-f",
        "raw",
        "-o",
        str(out),
    ]
    return subprocess.Popen([*command, "--subprocesses", "--nonblocking"], stdout=subprocess.DEVNULL)


def summarise(figures: dict[str, Any]) -> dict[str, Any]:
    project, raw = figures["project"], figures["raw"]
    n = sum(r["n"] for r in project)
    project_rps = n / sum(r["s"] for r in project)
    raw_tps = sum(r["n"] for r in raw) / sum(r["s"] for r in raw)
    counter_row = figures["raw_counter_row"]
    counter_row_tps = sum(r["n"] for r in counter_row) / sum(r["s"] for r in counter_row)
    floor = figures["floor"]
    floor_n = sum(r["n"] for r in floor)
    floor_rps = floor_n / sum(r["s"] for r in floor)
    timings = [t for r in project for t in r["timings"]]
    raw_timings = [t for r in raw for t in r["timings"]]
    return {
        "concurrency": figures["concurrency"],
        "project_rps": round(project_rps, 1),
        "raw_tps": round(raw_tps, 1),
        "ratio": round(project_rps / raw_tps, 2),
        "raw_counter_row_tps": round(counter_row_tps, 1),
        "ratio_counter_row": round(project_rps / counter_row_tps, 2),
        **latency(timings),
        "cpu_ms_per_report": round(1000 * sum(r["cpu_s"] for r in project) / max(n, 1), 2),
        "raw": latency(raw_timings),
        "floor_rps": round(floor_rps, 1),
        "floor_ratio": round(floor_rps / raw_tps, 2),
        "project_of_floor": round(project_rps / floor_rps, 2),
        "floor_cpu_ms_per_report": round(1000 * sum(r["cpu_s"] for r in floor) / max(floor_n, 1), 2),
        "floor_latency": latency([t for r in floor for t in r["timings"]]),
        "rounds": [
            {
                "project_rps": round(p["n"] / p["s"], 1),
                "raw_tps": round(r["n"] / r["s"], 1),
                "raw_counter_row_tps": round(c["n"] / c["s"], 1),
                "floor_rps": round(f["n"] / f["s"], 1),
            }
            for p, r, c, f in zip(project, raw, counter_row, floor, strict=True)
        ],
        "timings": [round(t, 1) for t in timings],
        "raw_timings": [round(t, 1) for t in raw_timings],
    }


async def measure_workers(org: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """The same closed loop at concurrency 16 against one worker process, then two, alternately."""
    rates: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.rounds):
        for workers in (1, 2):
            key_dir = Path(tempfile.mkdtemp(prefix="intake-bench-"))
            port = overload.free_port()
            base_url = f"http://127.0.0.1:{port}"
            service = start_service(key_dir, port, workers)
            try:
                await served(base_url, service)
                project = Project(base_url, DevTokens(key_dir).mint("bench:medarbetare"), org)
                await closed_loop(project.worker, 16, 3)  # warm-up, every worker
                done, elapsed, _ = await closed_loop(project.worker, 16, args.seconds)
                rates[workers].append(done / elapsed)
            finally:
                stop(service)
    one, two = sum(rates[1]) / len(rates[1]), sum(rates[2]) / len(rates[2])
    return {
        "one_rps": round(one, 1),
        "two_rps": round(two, 1),
        "gain": round(two / one, 2),
        "rounds": {str(k): [round(v, 1) for v in vs] for k, vs in rates.items()},
    }


async def measure_embedded(args: argparse.Namespace) -> dict[str, Any]:
    """The embedded default (four services in one process, SQLite, the demo seeded): reports at c=8."""
    work = Path(tempfile.mkdtemp(prefix="intake-embedded-"))
    target = await overload.start_embedded(work)
    try:
        entries = json.loads((work / "var" / "dev-tokens.json").read_text(encoding="utf-8"))
        reporter = next(e for e in entries if e["email"].startswith("mia.strand"))
        org = {"units": [reporter["roles"][0]["unit_id"]]}
        project = Project(target.base_url, reporter["token"], org)
        await closed_loop(project.worker, 4, 3)
        cpu_before = cpu_seconds(target.process.pid)
        sampler = py_spy(args, target.process.pid, "embedded")
        done, elapsed, timings = await closed_loop(project.worker, 8, args.seconds)
        cpu = cpu_seconds(target.process.pid) - cpu_before
        if sampler is not None:
            sampler.wait()
        return {
            "concurrency": 8,
            "rps": round(done / elapsed, 1),
            **latency(timings),
            "cpu_ms_per_report": round(1000 * cpu / max(done, 1), 2),
            "failures": counts(project.failures),
            "timings": [round(t, 1) for t in timings],
        }
    finally:
        stop(target.process)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reseed", action="store_true", help="drop and seed the bench database again")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=8.0, help="each closed-loop round")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds per concurrency")
    parser.add_argument("--rate", type=int, default=50, help="open loop: reports per second (0: skip)")
    parser.add_argument("--rate-seconds", type=int, default=15)
    parser.add_argument("--skip-workers", action="store_true")
    parser.add_argument("--skip-embedded", action="store_true")
    parser.add_argument("--only-embedded", action="store_true", help="the embedded default alone")
    parser.add_argument("--only-workers", action="store_true", help="one worker against two, alone")
    parser.add_argument("--label", default="", help="a note stored with the figures")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--py-spy", default="", help="path of py-spy: sample the service in each round")
    args = parser.parse_args()

    random.seed(11)
    org = await seed.prepare(args.reseed)
    broker = await kafka_broker()
    if broker is not None:
        BUS.update({"DEVIATION_BUS": "kafka", "DEVIATION_KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap})
    load = os.getloadavg()
    results: dict[str, Any] = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": seed.git_commit(),
        "label": args.label,
        "rows": org["rows"],
        "bus": f"kafka {broker.describe()}" if broker else "local (SQLite file)",
        "load_average_at_start": load,
    }
    try:
        if args.only_workers:
            results["postgres"] = {"concurrency": [], "workers": await measure_workers(org, args)}
        elif not args.only_embedded:
            results["postgres"] = await measure_postgres(org, args)
    finally:
        if broker is not None and broker.started:
            stop_broker(broker)
    if not (args.skip_embedded or args.only_workers):
        results["embedded"] = await measure_embedded(args)
    results["rows_after"] = await _rows()
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print_summary(results)
    print(f"every figure and raw timing: {args.out}")


async def _rows() -> int:
    conn = await asyncpg.connect(seed.dsn(DB_NAME))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM deviation"))
    finally:
        await conn.close()


def print_summary(results: dict[str, Any]) -> None:
    print(
        f"commit={results['git_commit']} rows={results['rows']} rows_after={results['rows_after']} "
        f"load={results['load_average_at_start']} bus={results['bus']} {results['label']}"
    )
    pg = results.get("postgres", {"concurrency": []})
    for c in pg["concurrency"]:
        print(
            f"concurrency={c['concurrency']} project_rps={c['project_rps']} raw_tps={c['raw_tps']} "
            f"raw_counter_row_tps={c['raw_counter_row_tps']} ratio_counter_row={c['ratio_counter_row']} "
            f"ratio={c['ratio']} p50_ms={c['p50_ms']} p95_ms={c['p95_ms']} p99_ms={c['p99_ms']} "
            f"cpu_ms_per_report={c['cpu_ms_per_report']} rounds={c['rounds']}"
        )
        print(
            f"  floor (floor_app.py: FastAPI + SQLAlchemy Core, the same statements) concurrency="
            f"{c['concurrency']} floor_rps={c['floor_rps']} floor_ratio={c['floor_ratio']} "
            f"project_of_floor={c['project_of_floor']} "
            f"floor_cpu_ms_per_report={c['floor_cpu_ms_per_report']} "
            f"floor_p95_ms={c['floor_latency']['p95_ms']}"
        )
    if "open_loop" in pg:
        o = pg["open_loop"]
        print(
            f"open_loop rate={o['rate']}/s n={o['n']} p50_ms={o['p50_ms']} p95_ms={o['p95_ms']} "
            f"p99_ms={o['p99_ms']}"
        )
    if "workers" in pg:
        w = pg["workers"]
        print(f"workers c=16 one_rps={w['one_rps']} two_rps={w['two_rps']} gain={w['gain']} {w['rounds']}")
    if "embedded" in results:
        e = results["embedded"]
        print(
            f"embedded concurrency=8 rps={e['rps']} p50_ms={e['p50_ms']} p95_ms={e['p95_ms']} "
            f"p99_ms={e['p99_ms']} cpu_ms_per_report={e['cpu_ms_per_report']} failures={e['failures']}"
        )
    if pg.get("failures"):
        print(f"project failures (statuses): {pg['failures']}")


if __name__ == "__main__":
    asyncio.run(main())
