"""Event lag on the embedded default: from a report's 201 to its row in reporting's read model.

`kvalitet-embedded` (four services in one process, SQLite, the local durable bus; the demo seeded)
takes POST /api/v1/deviations as a medarbetare in an open loop at a steady rate (50/s by default,
issue 11's goal: p99 < 250 ms). reporting's `deviation_fact` row count is read from its SQLite file
every 10 ms (read-only); the i-th answered report's lag is the moment the count first reached the
base count + i, minus the moment its 201 came (the relay and the consumers keep order per deviation,
not across deviations, so this pairs reports by arrival: a close estimate, never an early one for the
last report). Prints the rate achieved, p50/p95/p99/max of the lag and of the answers, the commit and
the load; writes every figure to bench/intake/embedded-lag-last-run.json.

    scripts/uv run --no-sync python bench/intake/embedded_lag.py [--rate 50] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sqlite3
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import run as intake  # the intake benchmark beside this script: its client, loops, embedded start

OUT = Path(__file__).resolve().parent / "embedded-lag-last-run.json"


def fact_count(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
    try:
        return int(conn.execute("SELECT count(*) FROM deviation_fact").fetchone()[0])
    finally:
        conn.close()


async def measure(rate: int, seconds: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="intake-embedded-lag-"))
    target = await intake.overload.start_embedded(work)
    facts = work / "var" / "reporting.sqlite"
    try:
        entries = json.loads((work / "var" / "dev-tokens.json").read_text(encoding="utf-8"))
        reporter = next(e for e in entries if e["email"].startswith("mia.strand"))
        project = intake.Project(
            target.base_url, reporter["token"], {"units": [reporter["roles"][0]["unit_id"]]}
        )
        await intake.closed_loop(project.worker, 2, 3)  # warm-up
        await asyncio.sleep(3)
        base = await asyncio.to_thread(fact_count, facts)
        sending_done = asyncio.Event()
        answered: list[float] = []  # when each 201 came (perf_counter)
        answers: list[float] = []
        seen: list[tuple[float, int]] = []
        stop, caught_up = asyncio.Event(), asyncio.Event()

        async def watch() -> None:
            while not stop.is_set():
                seen.append((time.perf_counter(), await asyncio.to_thread(fact_count, facts)))
                if sending_done.is_set() and seen[-1][1] >= base + len(answered):
                    caught_up.set()
                await asyncio.sleep(0.01)

        async def timed(one: Any, index: int) -> None:
            started = time.perf_counter()
            if await one(index):
                answered.append(time.perf_counter())
                answers.append((answered[-1] - started) * 1000)

        watcher = asyncio.create_task(watch())
        one = project.worker()
        tasks = []
        begin = time.perf_counter()
        for index in range(rate * seconds):
            await asyncio.sleep(max(0.0, begin + index / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(timed(one, index)))
        await asyncio.gather(*tasks)
        sent_for = time.perf_counter() - begin
        sending_done.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(caught_up.wait(), 60)
        stop.set()
        await watcher
        answered.sort()
        lags: list[float] = []
        position = 0
        for i, at in enumerate(answered, start=1):
            while position < len(seen) and seen[position][1] < base + i:
                position += 1
            if position == len(seen):
                break
            lags.append(max(0.0, (seen[position][0] - at) * 1000))
        return {
            "rate": rate,
            "seconds": seconds,
            "achieved_rps": round(len(answered) / sent_for, 1),
            "answered": len(answered),
            "arrived": len(lags),
            "failures": intake.counts(project.failures),
            "lag": {**intake.latency(lags), "max_ms": round(max(lags, default=0.0), 1)},
            "answers": intake.latency(answers),
            "lags": [round(v, 1) for v in lags],
        }
    finally:
        intake.stop(target.process)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    load = os.getloadavg()
    figures = asyncio.run(measure(args.rate, args.seconds))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    result = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": commit,
        "load": load,
        **figures,
    }
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    lag, answers = figures["lag"], figures["answers"]
    print(
        f"commit={commit} load={load} embedded rate={args.rate}/s achieved={figures['achieved_rps']}/s "
        f"answered={figures['answered']} arrived={figures['arrived']} failures={figures['failures']}"
    )
    print(
        f"lag_ms p50={lag['p50_ms']} p95={lag['p95_ms']} p99={lag['p99_ms']} max={lag['max_ms']} · "
        f"answers_ms p50={answers['p50_ms']} p95={answers['p95_ms']} p99={answers['p99_ms']}"
    )
    print(f"every figure: {args.out}")


if __name__ == "__main__":
    main()
