from __future__ import annotations

from deviation_svc.app import build_runtime
from platform_shared.cli import run_cli


def main() -> None:
    run_cli("deviation", build_runtime, default_port=8002)


if __name__ == "__main__":
    main()
