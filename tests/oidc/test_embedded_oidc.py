"""The embedded runner with a real OpenID Connect provider (panva's oidc-provider): `AUTH_MODE=oidc`
and `OIDC_ISSUER` set once for all four services; no demo and no dev tokens; the configured bootstrap
administrator signs in at the provider and builds the organisation through the API; a person she
registers signs in and reports to deviation-svc, which knows her from its replica."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from embedded_runner.app import build_embedded
from platform_shared.auth.tokens import DevTokens
from platform_shared.testing import wait_until

from .conftest import APP, AUDIENCE, OidcProvider

ADMIN = "it.admin"  # the bootstrap administrator: a person at the provider


async def test_the_embedded_runner_runs_with_oidc_and_its_configured_first_administrator(
    oidc_provider: OidcProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH_MODE", "oidc")
    monkeypatch.setenv("OIDC_ISSUER", oidc_provider.issuer)
    monkeypatch.setenv("OIDC_AUDIENCE", f"{AUDIENCE},{APP['client_id']}")
    monkeypatch.setenv("ORG_BOOTSTRAP_ADMIN_SUBJECT", ADMIN)
    var_dir = tmp_path / "var"
    embedded = build_embedded(var_dir)  # the demo seed asked for: there is none with OIDC
    assert {rt.settings.auth_mode for rt in embedded.runtimes.values()} == {"oidc"}

    async with embedded.front.router.lifespan_context(embedded.front):
        assert not (var_dir / "dev-tokens.json").exists()
        transport = httpx.ASGITransport(app=embedded.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://embedded") as client:

            async def call(method: str, path: str, token: str, **kwargs: object) -> httpx.Response:
                return await client.request(
                    method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs
                )  # type: ignore[arg-type]

            admin = (await asyncio.to_thread(oidc_provider.sign_in, ADMIN))["access_token"]
            me = await call("GET", "/api/v1/org/me", admin)
            assert me.status_code == 200, me.text
            assert [r["role"] for r in me.json()["roles"]] == ["systemadministrator"]
            dev_token = DevTokens(var_dir).mint(ADMIN)
            refused = await call("GET", "/api/v1/org/me", dev_token)
            assert (
                refused.status_code == 401 and 'error="invalid_token"' in refused.headers["www-authenticate"]
            )

            root = (await call("GET", "/api/v1/org/units", admin)).json()["items"][0]["id"]
            unit = await call(
                "POST",
                "/api/v1/org/units",
                admin,
                json={"name": "Hemtjänst Norr", "level": "enhet", "parent_id": root},
            )
            assert unit.status_code == 201, unit.text
            person = await call(
                "POST",
                "/api/v1/org/people",
                admin,
                json={"name": "Anna Berg", "email": "anna@example.se", "subject": "anna.berg"},
            )
            assert person.status_code == 201, person.text
            role = await call(
                "POST",
                "/api/v1/org/role-assignments",
                admin,
                json={
                    "person_id": person.json()["id"],
                    "role": "medarbetare",
                    "unit_id": unit.json()["id"],
                    "valid_from": "2024-01-01T00:00:00+00:00",
                },
            )
            assert role.status_code == 201, role.text

            anna = (await asyncio.to_thread(oidc_provider.sign_in, "anna.berg"))["access_token"]

            async def deviation_svc_knows_her() -> bool:
                return (await call("GET", "/api/v1/deviations", anna)).status_code == 200

            await wait_until(deviation_svc_knows_her, timeout_s=20)
            reported = await call(
                "POST",
                "/api/v1/deviations",
                anna,
                json={
                    "type": "avvikelse",
                    "unit_id": unit.json()["id"],
                    "occurred_at": "2026-03-01T08:00:00+01:00",
                    "description": "Larmet gick inte att nå",
                },
            )
            assert reported.status_code == 201, reported.text
