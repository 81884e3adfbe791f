"""The import contract (pyproject.toml [tool.importlinter]): services never import each other; domain
modules are plain Python; service layers and the shared plain modules import no web framework."""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contract_holds_for_every_service_and_the_shared_package() -> None:
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
