"""CPU per request of deviation-svc (in process, SQLite, the local bus), to measure what tracing costs.

    scripts/uv run --no-sync python bench/tracing/overhead.py [--requests 400] [--export]

Each round reports a deviation (POST: SQL, an event into the outbox) and reads it back (GET); the
figure is the process's CPU time (all threads: the relay and the consumers run too) per request.
`--export` records every span into a batch processor (as with an OTLP endpoint set, without the
network). Run it on a commit without tracing for the baseline."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from deviation_svc.app import build_runtime
from deviation_svc.config import DeviationSettings
from platform_shared.auth.tokens import DevTokens
from platform_shared.logs import configure_logging
from platform_shared.messaging.local import LocalTransport
from platform_shared.testing import feed_org, running_service, standard_org


async def measure(requests: int, export: bool) -> dict[str, Any]:
    configure_logging("WARNING")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
        await transport.start()
        settings = DeviationSettings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'deviation.sqlite'}",
            dev_key_dir=str(tmp_path),
            log_level="WARNING",
        )
        runtime = build_runtime(settings, transport=transport)
        org = standard_org(DevTokens(tmp_path))
        if export:
            from opentelemetry.sdk.trace.export import BatchSpanProcessor
            from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

            from platform_shared import tracing

            tracing.EXPORTERS.add(BatchSpanProcessor(InMemorySpanExporter()))
        async with running_service(runtime) as client:
            await feed_org(runtime, org)
            headers = org.auth("medarbetare_a")
            body = {
                "type": "avvikelse",
                "unit_id": str(org.units["enhet_a"]),
                "occurred_at": "2026-03-02T08:15:00+01:00",
                "description": "Larmet gick inte att nå",
            }

            async def one_round() -> None:
                created = await client.post("/api/v1/deviations", json=body, headers=headers)
                assert created.status_code == 201, created.text
                read = await client.get(f"/api/v1/deviations/{created.json()['id']}", headers=headers)
                assert read.status_code == 200, read.text

            for _ in range(50):  # warm up
                await one_round()
            samples = []
            for _ in range(5):
                cpu = time.process_time()
                for _ in range(requests // 10):
                    await one_round()
                samples.append((time.process_time() - cpu) / (requests // 5) * 1000)
        await transport.stop()
    return {"export": export, "cpu_ms_per_request": round(statistics.median(samples), 3), "samples": samples}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--export", action="store_true")
    args = parser.parse_args()
    print(asyncio.run(measure(args.requests, args.export)))


if __name__ == "__main__":
    main()
