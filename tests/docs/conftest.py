"""One fresh embedded server (with its demo) for the documentation tests: the README walkthrough run as
written and the walkthrough through a client generated from the published OpenAPI document. Starting
it is most of their time, so they share it; each uses its own cases."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from embedded_runner.process import embedded_process


@pytest.fixture(scope="session")
def server_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("walkthrough")


@pytest.fixture(scope="session")
def fresh_server(server_dir: Path) -> Iterator[str]:
    """`kvalitet-embedded` with its demo in `server_dir/var`, the directory the README's blocks run in;
    `startup.log` is its log up to ready (before any test's requests)."""
    with embedded_process(server_dir, "--var-dir", "var") as base:
        shutil.copyfile(server_dir / "server.log", server_dir / "startup.log")
        yield base
