"""CPU per event of reporting-svc's consumer groups, without a broker: N `DeviationReported` fed
straight into each group's batch apply (batches of 100, as fetched), on PostgreSQL.

    scripts/uv run --no-sync python bench/events/consumer_cpu.py [--events 2000] [--profile out.prof]

Prints the process CPU-ms per event for each group (the number to compare on a shared machine;
wall time depends on the load).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import tempfile
import time
import uuid
from pathlib import Path

import orjson

from platform_shared.auth.tokens import DevTokens
from platform_shared.contracts.deviation import DeviationReported
from platform_shared.contracts.envelope import wrap
from platform_shared.contracts.topics import DEVIATION_EVENTS
from platform_shared.ids import new_id
from platform_shared.messaging.local import LocalTransport
from platform_shared.messaging.transport import IncomingMessage
from platform_shared.testing import database_url, feed_org, running_service, standard_org
from platform_shared.timeutil import utc_now
from reporting_svc.app import build_runtime
from reporting_svc.config import ReportingSettings

GROUPS = ("reporting.projections", "reporting.notifications")


def messages(unit: uuid.UUID, count: int, start: int) -> list[IncomingMessage]:
    out = []
    for n in range(start, start + count):
        now = utc_now()
        event = DeviationReported(
            deviation_id=new_id(),
            reference=f"AVV-2026-{n:06d}",
            deviation_type="avvikelse",
            unit_id=unit,
            category="fall",
            occurred_at=now,
            reported_at=now,
        )
        envelope = wrap(event, source="deviation-svc", actor_id=None, correlation_id="bench")
        out.append(
            IncomingMessage(
                topic=DEVIATION_EVENTS,
                partition=0,
                offset=n,
                key=envelope.subject,
                value=orjson.dumps(envelope.model_dump(mode="json")),
                headers={"ce_type": envelope.type},
            )
        )
    return out


async def main(events: int, batch: int, profile: str | None, known_unit: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        async with database_url("postgres", tmp_path, "cpubench") as url:
            transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
            await transport.start()
            settings = ReportingSettings(
                database_url=url,
                dev_key_dir=str(tmp_path),
                log_json=True,
                worker_interval_s=3600,
                metrics_refresh_s=3600,
            )
            runtime = build_runtime(settings, transport=transport)
            async with running_service(runtime):
                org = standard_org(DevTokens(tmp_path))
                await feed_org(runtime, org)
                unit = org.units["enhet_a"] if known_unit else new_id()
                for group in GROUPS:
                    consumer = next(c for c in runtime.consumers if c.spec.group == group)
                    # warm-up
                    for start in range(0, 200, batch):
                        assert await consumer._apply_batch(messages(unit, batch, 10**6 + start))
                    batches = [messages(unit, batch, start) for start in range(0, events, batch)]
                    prof = cProfile.Profile() if profile else None
                    cpu0, wall0 = time.process_time(), time.perf_counter()
                    if prof:
                        prof.enable()
                    for b in batches:
                        assert await consumer._apply_batch(b)
                    if prof:
                        prof.disable()
                        prof.dump_stats(f"{profile}.{group}")
                    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
                    print(
                        f"{group}: {events} events, CPU {cpu * 1000 / events:.2f} ms/event, "
                        f"wall {wall * 1000 / events:.2f} ms/event"
                    )
            await transport.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--profile")
    parser.add_argument("--unknown-unit", action="store_true", help="a unit the replica lacks (as lag.py)")
    args = parser.parse_args()
    asyncio.run(main(args.events, args.batch, args.profile, not args.unknown_unit))
