"""The whole login with a real OpenID Connect provider (panva's oidc-provider): org-svc configured
with the issuer alone finds the JWKS through discovery; an integration client gets its token with
client credentials; a person signs in and gets her roles from the organisation, never from claims;
an ID token is not an access token; the provider rotates its key and the service keeps working
without a restart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from org_svc.app import build_runtime
from org_svc.config import OrgSettings
from platform_shared.messaging.local import LocalTransport
from platform_shared.testing import running_service

from .conftest import APP, AUDIENCE, LIFECARE, OidcProvider

ADMIN = "sam.admin"  # the bootstrap administrator: a person at the provider


@dataclass
class Org:
    client: httpx.AsyncClient
    provider: OidcProvider

    async def call(self, method: str, path: str, token: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"}
        return await self.client.request(method, f"/api/v1/org{path}", headers=headers, **kwargs)

    def person_token(self, login: str) -> str:
        return self.provider.sign_in(login)["access_token"]


@pytest.fixture
async def org(oidc_provider: OidcProvider, tmp_path: Path) -> AsyncIterator[Org]:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    settings = OrgSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'org.sqlite'}",
        log_json=False,
        auth_mode="oidc",
        oidc_issuer=oidc_provider.issuer,  # alone: the JWKS URL comes from discovery
        oidc_audience=f"{AUDIENCE},{APP['client_id']}",  # the app's id too, so only `typ` stops ID tokens
        oidc_jwks_min_refetch_s=0.5,
        bootstrap_admin_subject=ADMIN,
    )
    assert settings.oidc_jwks_url is None
    runtime = build_runtime(settings, transport=transport)
    async with running_service(runtime) as client:
        yield Org(client, oidc_provider)
    await transport.stop()


async def _root_unit(org: Org, admin: str) -> str:
    units = await org.call("GET", "/units", admin)
    assert units.status_code == 200, units.text
    return str(units.json()["items"][0]["id"])


async def test_an_integration_client_signs_in_with_client_credentials_as_its_registered_subject(
    org: Org,
) -> None:
    admin = await asyncio.to_thread(org.person_token, ADMIN)
    body = {
        "name": "Lifecare",
        "subject": LIFECARE["client_id"],  # oidc-provider's `sub` for client credentials: the client id
        "unit_ids": [await _root_unit(org, admin)],
        "operations": ["org.read"],
    }
    registered = await org.call("POST", "/clients", admin, json=body)
    assert registered.status_code == 201, registered.text

    token = await asyncio.to_thread(org.provider.client_credentials)
    assert jwt.get_unverified_header(token)["typ"] == "at+jwt"
    me = await org.call("GET", "/me", token)
    assert me.status_code == 200, me.text
    assert me.json()["is_client"] and me.json()["operations"] == ["org.read"]


async def test_a_persons_token_gets_her_roles_from_the_organisation_not_from_its_claims(org: Org) -> None:
    admin = await asyncio.to_thread(org.person_token, ADMIN)
    root = await _root_unit(org, admin)
    person = await org.call(
        "POST",
        "/people",
        admin,
        json={"name": "Anna Berg", "email": "anna@example.se", "subject": "anna.berg"},
    )
    assert person.status_code == 201, person.text
    since = datetime(2024, 1, 1, tzinfo=UTC).isoformat()
    assigned = await org.call(
        "POST",
        "/role-assignments",
        admin,
        json={"person_id": person.json()["id"], "role": "medarbetare", "unit_id": root, "valid_from": since},
    )
    assert assigned.status_code == 201, assigned.text

    signed_in = await asyncio.to_thread(org.provider.sign_in, "anna.berg")
    claims = jwt.decode(signed_in["access_token"], options={"verify_signature": False})
    assert "systemadministrator" in claims["roles"]  # what the provider claims …
    me = await org.call("GET", "/me", signed_in["access_token"])
    assert me.status_code == 200, me.text
    assert [r["role"] for r in me.json()["roles"]] == ["medarbetare"]  # … is not what she holds
    refused = await org.call("GET", "/clients", signed_in["access_token"])
    assert refused.status_code == 403

    id_token = await org.call("GET", "/me", signed_in["id_token"])
    assert id_token.status_code == 401
    assert id_token.headers["www-authenticate"].startswith('Bearer error="invalid_token", error_description=')
    assert "type" in id_token.headers["www-authenticate"]

    stranger = await asyncio.to_thread(org.person_token, "not.registered")
    unknown = await org.call("GET", "/me", stranger)
    assert unknown.status_code == 401 and 'error="invalid_token"' in unknown.headers["www-authenticate"]


async def test_the_service_accepts_a_rotated_in_signing_key_without_a_restart(org: Org) -> None:
    before = await asyncio.to_thread(org.person_token, ADMIN)
    assert (await org.call("GET", "/me", before)).status_code == 200

    await asyncio.to_thread(org.provider.rotate, "key-2")
    await asyncio.sleep(0.6)  # past the service's minimum interval between two JWKS fetches
    after = await asyncio.to_thread(org.person_token, ADMIN)
    assert jwt.get_unverified_header(after)["kid"] == "key-2"
    assert (await org.call("GET", "/me", after)).status_code == 200
    assert (await org.call("GET", "/me", before)).status_code == 200  # the old key is still published
