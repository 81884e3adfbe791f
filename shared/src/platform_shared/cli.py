"""The command line every service shares: `<svc> serve`, `<svc> migrate`."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable

import uvicorn

from platform_shared.api.app import create_service_app
from platform_shared.logs import configure_logging
from platform_shared.runtime import ServiceRuntime


def run_cli(name: str, build_runtime: Callable[[], ServiceRuntime], default_port: int) -> None:
    parser = argparse.ArgumentParser(prog=f"{name}-svc")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="migrate, then serve the API with its relay and consumers")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=default_port)
    sub.add_parser("migrate", help="upgrade the database to the latest migration")
    args = parser.parse_args()

    runtime = build_runtime()
    configure_logging(runtime.settings.log_level, runtime.settings.log_json)
    if args.command == "migrate":
        asyncio.run(runtime.migrate())
        return
    uvicorn.run(create_service_app(runtime), host=args.host, port=args.port, log_config=None)
