"""The embedded runner follows the environment like each service alone (one name per setting), and
keeps its files private: var/ 0700, every file in it 0600."""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from embedded_runner.app import build_embedded
from embedded_runner.main import configure_process
from platform_shared.auth.tokens import DevTokens, OidcTokens

PRODUCTION = {
    "MODE": "production",
    "AUTH_MODE": "oidc",
    "OIDC_ISSUER": "https://idp.example.se",
    "OIDC_JWKS_URL": "https://127.0.0.1:9/jwks",  # nothing answers: no key is known
    "DEVIATION_DATA_KEY": "a passphrase for the personal data",
}


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0o022)  # the usual umask: the files must be private anyway
    try:
        yield
    finally:
        os.umask(previous)


def modes(root: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return found


async def test_var_and_every_file_in_it_are_private(tmp_path: Path, open_umask: None) -> None:
    var = tmp_path / "var"
    embedded = build_embedded(var)
    async with embedded.front.router.lifespan_context(embedded.front):
        entries = json.loads((var / "dev-tokens.json").read_text(encoding="utf-8"))
        reporter = next(e for e in entries if e["email"].startswith("mia.strand"))
        auth = {"Authorization": f"Bearer {reporter['token']}"}
        transport = httpx.ASGITransport(app=embedded.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://embedded") as http:
            mine = (await http.get("/api/v1/deviations", headers=auth)).json()["items"][0]
            upload = await http.post(
                f"/api/v1/deviations/{mine['id']}/attachments",
                files={"file": ("foto.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")},
                headers=auth,
            )
            assert upload.status_code == 201, upload.text
        found = modes(var)
    expected = {"dev-tokens.json", "dev-signing-key.pem", "deviation-data.key", "org.sqlite", "bus.sqlite"}
    assert expected <= set(found)
    assert any(name.startswith("attachments/") for name in found)
    assert any(name.startswith("reports/") and name.endswith(".pdf") for name in found)
    wrong = {
        name: oct(mode) for name, mode in found.items() if mode != (0o700 if (var / name).is_dir() else 0o600)
    }
    assert not wrong


async def test_production_mode_from_the_unprefixed_setting_refuses_dev_tokens_in_every_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    var = tmp_path / "var"
    embedded = build_embedded(var)
    assert {name: rt.settings.mode for name, rt in embedded.runtimes.items()} == dict.fromkeys(
        ("org", "deviation", "risk", "reporting"), "production"
    )
    assert all(isinstance(rt.verifier.inner, OidcTokens) for rt in embedded.runtimes.values())
    async with embedded.front.router.lifespan_context(embedded.front):
        assert not (var / "dev-tokens.json").exists()  # no demo in production
        dev_token = DevTokens(var).mint("demo:sam.systemsson")
        transport = httpx.ASGITransport(app=embedded.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://embedded") as http:
            for path in (
                "/api/v1/org/units",
                "/api/v1/deviations",
                "/api/v1/risk/risks",
                "/api/v1/notifications",
            ):
                r = await http.get(path, headers={"Authorization": f"Bearer {dev_token}"})
                assert r.status_code == 401, path


def test_a_prefixed_setting_overrides_the_environment_for_one_service_in_the_embedded_runner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("RISK_MODE", "embedded")
    monkeypatch.setenv("RISK_AUTH_MODE", "dev")
    embedded = build_embedded(tmp_path / "var")
    assert embedded.runtimes["risk"].settings.mode == "embedded"
    assert isinstance(embedded.runtimes["risk"].verifier.inner, DevTokens)
    assert embedded.runtimes["org"].settings.mode == "production"


def test_log_level_and_log_json_apply_to_the_embedded_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    handlers, level, umask = root.handlers[:], root.level, os.umask(0o022)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    monkeypatch.setenv("LOG_JSON", "false")
    try:
        environment = configure_process()
        assert root.level == logging.WARNING and environment.log_json is False
        assert os.umask(0o022) == 0o077
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        os.umask(umask)
        import structlog

        structlog.reset_defaults()
