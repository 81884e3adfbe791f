from __future__ import annotations

from platform_shared.cli import run_cli
from risk_svc.app import build_runtime


def main() -> None:
    run_cli("risk", build_runtime, default_port=8003)


if __name__ == "__main__":
    main()
