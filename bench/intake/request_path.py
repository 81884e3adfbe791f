"""The request path of report intake in process, without the relay: CPU and statements per report.

Not a test and not the benchmark (`run.py`): a fresh PostgreSQL database (migrated, the standard test
organisation in its replica), deviation-svc's app without its relay, consumers or loops, and N
`POST /api/v1/deviations` as a medarbetare through httpx's ASGI transport. Per report it prints the
process CPU time (user + system: the client's share included, the same for every commit) and what the
database was sent: statements, round trips of BEGIN/COMMIT/ROLLBACK, connection checkouts.

    scripts/uv run --no-sync python bench/intake/request_path.py [--reports 300] [--blocks 3]
        [--show] [--profile out.prof] [--py-spy .venv/bin/py-spy --py-spy-out raw.txt]

CPU figures on a shared machine vary by ±15 % between identical runs: compare blocks interleaved.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import os
import signal
import subprocess
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

from deviation_svc.adapters.orm import replica
from deviation_svc.app import SERVICE_ROOT, build_runtime
from deviation_svc.config import DeviationSettings
from platform_shared.api.app import create_service_app
from platform_shared.auth.tokens import DevTokens
from platform_shared.db import make_engine, make_session_factory
from platform_shared.messaging.local import LocalTransport
from platform_shared.migrations import upgrade_to_head
from platform_shared.orgreplica.projector import ReplicaProjector
from platform_shared.testing import create_pg_database, drop_pg_database, standard_org


class Counts:
    """What the engine sent: statements by their first word, and connection checkouts."""

    def __init__(self) -> None:
        self.words: Counter[str] = Counter()
        self.statements: list[str] = []

    def attach(self, engine: Any) -> None:
        sync = engine.sync_engine

        @event.listens_for(sync, "before_cursor_execute")
        def _statement(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            self.words[statement.split(None, 1)[0].upper()] += 1
            self.statements.append(" ".join(statement.split())[:160])

        @event.listens_for(sync, "begin")
        def _begin(conn: Any) -> None:
            self.words["BEGIN"] += 1

        @event.listens_for(sync, "commit")
        def _commit(conn: Any) -> None:
            self.words["COMMIT"] += 1

        @event.listens_for(sync, "rollback")
        def _rollback(conn: Any) -> None:
            self.words["ROLLBACK"] += 1

        ping = sync.dialect.do_ping

        def _ping(dbapi_connection: Any) -> bool:
            self.words["ping"] += 1
            return bool(ping(dbapi_connection))

        sync.dialect.do_ping = _ping

        @event.listens_for(sync.pool, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            # every query the driver sends (the pings' and the transactions' own included)
            driver = getattr(dbapi_connection, "_connection", None)
            if driver is not None and hasattr(driver, "add_query_logger"):
                driver.add_query_logger(_driver_query)

        def _driver_query(record: Any) -> None:
            self.words["driver_queries"] += 1

        @event.listens_for(sync.pool, "checkout")
        def _checkout(*_: Any) -> None:
            self.words["checkout"] += 1


def body(unit_id: str) -> dict[str, Any]:
    return {
        "type": "avvikelse",
        "unit_id": unit_id,
        "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "description": "Mätning: rapport under last",
        "category": "arbetssatt_rutiner",
    }


async def main(
    reports: int, blocks: int, profile: str | None, show: bool, pyspy: str | None, pyspy_out: str
) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="intake-path-"))
    tokens = DevTokens(workdir)
    org = standard_org(tokens)
    url = await create_pg_database("intake_path")
    try:
        await asyncio.to_thread(upgrade_to_head, SERVICE_ROOT / "alembic.ini", url)
        engine = make_engine(url)
        async with make_session_factory(engine)() as session, session.begin():
            for e in org.events:
                await ReplicaProjector(replica).apply(session, e)
        await engine.dispose()
        settings = DeviationSettings(
            database_url=url,
            dev_key_dir=str(workdir),
            attachment_dir=str(workdir / "attachments"),
            log_json=False,
            log_level="WARNING",
            run_migrations=False,
            run_workers=False,
        )
        transport = LocalTransport(f"sqlite+aiosqlite:///{workdir / 'bus.sqlite'}")
        runtime = build_runtime(settings, transport=transport)
        counts = Counts()
        counts.attach(runtime.engine)
        app = create_service_app(runtime, manage_lifecycle=False)
        await runtime.start()
        headers = org.auth("medarbetare_a")
        unit = str(org.units["enhet_a"])
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as client:

                async def run(n: int) -> None:
                    for _ in range(n):
                        r = await client.post("/api/v1/deviations", json=body(unit), headers=headers)
                        assert r.status_code == 201, r.text

                await run(30)  # warm up: imports, caches, pool
                counts.statements.clear()
                await run(1)
                if show:
                    print("one report's statements:", *counts.statements, sep="\n  ")
                counts.words.clear()
                profiler = cProfile.Profile() if profile else None
                sampler = None
                if pyspy:  # sample the measured blocks only (after the warm-up's imports and caches)
                    sampler = subprocess.Popen(  # noqa: ASYNC220 (a bench: started once)
                        [
                            pyspy,
                            "record",
                            "-r",
                            "250",
                            "-f",
                            "raw",
                            "-o",
                            pyspy_out,
                            "--pid",
                            str(os.getpid()),
                        ],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                    await asyncio.sleep(1.0)
                cpu_ms: list[float] = []
                for _ in range(blocks):
                    start = time.process_time()
                    with profiler or contextlib.nullcontext():
                        await run(reports)
                    cpu_ms.append((time.process_time() - start) * 1000 / reports)
                if profiler is not None and profile:
                    profiler.dump_stats(profile)
                if sampler is not None:
                    sampler.send_signal(signal.SIGINT)
                    sampler.wait()
        finally:
            await runtime.stop()
            await transport.stop()
        total = reports * blocks
        per = {k: round(v / total, 2) for k, v in sorted(counts.words.items())}
        print(f"RESULT cpu_ms_per_report blocks={[round(c, 2) for c in cpu_ms]} min={min(cpu_ms):.2f}")
        print(f"RESULT per report: {per}")
    finally:
        await drop_pg_database(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--blocks", type=int, default=3)
    parser.add_argument("--profile", default=None)
    parser.add_argument("--show", action="store_true", help="print one report's statements")
    parser.add_argument("--py-spy", default=None, help="path of py-spy: sample the measured blocks")
    parser.add_argument("--py-spy-out", default="request-path.raw.txt")
    args = parser.parse_args()
    asyncio.run(main(args.reports, args.blocks, args.profile, args.show, args.py_spy, args.py_spy_out))
