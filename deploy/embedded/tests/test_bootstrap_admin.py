"""The first systemadministrator's subject is a setting in the embedded runner as in org-svc."""

from __future__ import annotations

from pathlib import Path

import pytest

from embedded_runner.app import build_embedded
from embedded_runner.seed.client import ADMIN_SUBJECT


async def _admin_subject(var_dir: Path) -> str | None:
    embedded = build_embedded(var_dir, seed=False)
    try:
        return getattr(embedded.runtimes["org"].settings, "bootstrap_admin_subject", None)
    finally:
        for runtime in embedded.runtimes.values():
            await runtime.engine.dispose()


async def test_the_bootstrap_administrator_is_the_demo_administrator_unless_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ORG_BOOTSTRAP_ADMIN_SUBJECT", raising=False)
    assert await _admin_subject(tmp_path / "a") == ADMIN_SUBJECT
    monkeypatch.setenv("ORG_BOOTSTRAP_ADMIN_SUBJECT", "it:anna.admin")
    assert await _admin_subject(tmp_path / "b") == "it:anna.admin"
