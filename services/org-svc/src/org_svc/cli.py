from __future__ import annotations

from org_svc.app import build_runtime
from platform_shared.cli import run_cli


def main() -> None:
    run_cli("org", build_runtime, default_port=8001)


if __name__ == "__main__":
    main()
