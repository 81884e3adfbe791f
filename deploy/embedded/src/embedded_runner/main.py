from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from embedded_runner.app import build_embedded
from platform_shared.logs import configure_logging


def main() -> None:
    parser = argparse.ArgumentParser(prog="kvalitet-embedded", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--var-dir", default="var", help="where the SQLite files, key and tokens live")
    parser.add_argument("--no-seed", action="store_true", help="do not create the demo organisation")
    args = parser.parse_args()
    configure_logging("INFO", json=True)
    embedded = build_embedded(Path(args.var_dir).resolve(), seed=not args.no_seed)
    uvicorn.run(embedded.app, host=args.host, port=args.port, log_config=None)


if __name__ == "__main__":
    main()
