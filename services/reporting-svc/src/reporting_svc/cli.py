"""reporting-svc serve | migrate | rebuild."""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys

from platform_shared.cli import run_cli
from platform_shared.logs import configure_logging
from reporting_svc.app import build_runtime
from reporting_svc.service_layer.rebuild import rebuild


async def _rebuild() -> None:
    runtime = build_runtime()
    configure_logging(runtime.settings.log_level, runtime.settings.log_json)
    await runtime.migrate()
    await runtime.transport.start()
    try:
        result = await rebuild(runtime)
    finally:
        await runtime.stop()
    print(f"Replayed {result.events} events in {result.seconds} s.")
    for table, count in result.rows.items():
        print(f"  {table}: {count}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "rebuild":
        parser = argparse.ArgumentParser(
            prog="reporting-svc rebuild",
            description="Empty the read models and replay every event (run with the service stopped).",
        )
        parser.parse_args(sys.argv[2:])
        asyncio.run(_rebuild())
        return
    if len(sys.argv) > 1 and sys.argv[1] in ("-h", "--help"):
        print("reporting-svc {serve,migrate,rebuild}: rebuild empties the read models and replays the events")
    freeze_startup_objects()
    run_cli("reporting", build_runtime, default_port=8004)


def freeze_startup_objects() -> None:
    """Everything imported so far lives as long as the process: keep it out of the cyclic garbage
    collector's full passes, which otherwise pause a request for ~100 ms every few requests."""
    gc.collect()
    gc.freeze()


if __name__ == "__main__":
    main()
