"""The command line every service shares: `<svc> serve`, `<svc> migrate`."""

from __future__ import annotations

import argparse
import asyncio
import os
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

    os.umask(0o077)  # files this service creates (SQLite, keys, attachments, reports) are its own: 0600
    runtime = build_runtime()
    configure_logging(runtime.settings.log_level, runtime.settings.log_json)
    if args.command == "migrate":
        asyncio.run(runtime.migrate())
        return
    # The service writes its own access line (no query string, with the correlation id).
    app = create_service_app(runtime)
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False)
