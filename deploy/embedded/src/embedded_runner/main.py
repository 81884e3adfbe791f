"""kvalitet-embedded: the four services in one process (see app.py)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from platform_shared.logs import configure_logging
from platform_shared.settings import ServiceSettings


def configure_process() -> ServiceSettings:
    """What the environment says for the whole process (`LOG_LEVEL`, `LOG_JSON`, `MODE`, …); files
    this process creates are its own (umask 077: 0600 files, 0700 directories)."""
    os.umask(0o077)
    environment = ServiceSettings()
    configure_logging(environment.log_level, environment.log_json)
    return environment


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="kvalitet-embedded",
        description="The four services in one process on SQLite files and the local bus, with the demo "
        "organisation (settings: README, Settings).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="the port to listen on (default 8000)")
    parser.add_argument(
        "--var-dir",
        default="var",
        help="where the SQLite files, the keys, the demo's journal and dev-tokens.json live (default var)",
    )
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help="do not create the demo organisation (its administrator, ORG_BOOTSTRAP_ADMIN_SUBJECT or "
        "demo:sam.systemsson, is still made)",
    )
    args = parser.parse_args()
    configure_process()
    # The four services take a while to load: say so before they do (the first start makes the demo).
    print(f"kvalitet-embedded: loading the four services (data in {args.var_dir}) …", flush=True)
    import uvicorn

    from embedded_runner.app import build_embedded
    from platform_shared.gc_tuning import FreezeAfterStartup

    embedded = build_embedded(Path(args.var_dir).resolve(), seed=not args.no_seed)
    # The services write their own access line (no query string, with the correlation id).
    print(f"kvalitet-embedded: http://{args.host}:{args.port}/docs once it says it is running", flush=True)
    uvicorn.run(
        FreezeAfterStartup(embedded.app), host=args.host, port=args.port, log_config=None, access_log=False
    )


if __name__ == "__main__":
    main()
