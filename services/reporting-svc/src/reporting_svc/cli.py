from __future__ import annotations

from platform_shared.cli import run_cli
from reporting_svc.app import build_runtime


def main() -> None:
    run_cli("reporting", build_runtime, default_port=8004)


if __name__ == "__main__":
    main()
