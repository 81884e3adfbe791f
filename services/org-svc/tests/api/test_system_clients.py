"""Integrations (Lifecare, Treserva, an app backend) are registered system clients: their own token
subject, the units they may act for and the operations they may call; revoked, they are nobody."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from platform_shared.auth.testing import LocalIssuer

from ..conftest import ADMIN, Harness, start


def lifecare(h: Harness, **fields: object) -> dict[str, object]:
    return {
        "name": "Lifecare",
        "unit_ids": [str(h.units["omsorg"])],
        "operations": ["case.create", "org.read"],
        **fields,
    }


async def test_a_client_registered_in_dev_mode_gets_a_dev_token_for_its_own_subject(svc: Harness) -> None:
    created = (await svc.call("POST", "/clients", json=lifecare(svc), expect=201)).json()
    assert created["subject"].startswith("client:lifecare-") and created["active"]
    headers = {"Authorization": f"Bearer {created['dev_token']}"}
    me = (await svc.client.get("/api/v1/org/me", headers=headers)).json()
    assert me["is_client"] and me["id"] == created["id"] and me["operations"] == ["case.create", "org.read"]
    assert (await svc.client.get("/api/v1/org/units", headers=headers)).status_code == 200
    assert (await svc.client.get("/api/v1/org/people", headers=headers)).status_code == 403

    again = await svc.call("POST", f"/clients/{created['id']}/dev-token", expect=200)
    assert again.json()["dev_token"]


async def test_a_revoked_client_is_nobody(svc: Harness) -> None:
    created = (
        await svc.call("POST", "/clients", json=lifecare(svc, subject="lifecare-prod"), expect=201)
    ).json()
    read = await svc.call("GET", f"/clients/{created['id']}", expect=200)
    revoked = await svc.call(
        "POST", f"/clients/{created['id']}/revoke", headers={"If-Match": read.headers["etag"]}, expect=200
    )
    assert revoked.json()["active"] is False and revoked.json()["revoked_at"]
    headers = {"Authorization": f"Bearer {svc.tokens.mint('lifecare-prod')}"}
    assert (await svc.client.get("/api/v1/org/me", headers=headers)).status_code == 401
    await svc.call("POST", f"/clients/{created['id']}/revoke", expect=409)
    listed = (await svc.call("GET", "/clients", params={"active": False}, expect=200)).json()["items"]
    assert [c["id"] for c in listed] == [created["id"]]


async def test_a_client_may_not_be_given_decisions_administration_or_the_audit_log(svc: Harness) -> None:
    for operation in ("org.manage", "audit.read", "ivo.lex_sarah", "control_plan.adopt", "no.such"):
        await svc.call("POST", "/clients", json=lifecare(svc, operations=[operation]), expect=422)


async def test_a_client_subject_is_not_also_a_person(svc: Harness) -> None:
    await svc.call("POST", "/clients", json=lifecare(svc, subject="sub-mas"), expect=409)
    await svc.call("POST", "/clients", json=lifecare(svc, subject="treserva"), expect=201)
    await svc.call(
        "POST", "/people", json={"name": "T", "email": "t@x.se", "subject": "treserva"}, expect=409
    )
    await svc.call("POST", "/clients", json=lifecare(svc, subject="treserva"), expect=409)


async def test_a_systemadministrator_registers_clients_only_for_units_in_scope(svc: Harness) -> None:
    await svc.call("POST", "/clients", "lss_admin", json=lifecare(svc), expect=403)
    await svc.call(
        "POST", "/clients", "lss_admin", json=lifecare(svc, unit_ids=[str(svc.units["lss"])]), expect=201
    )
    await svc.call("POST", "/clients", "socialchef", json=lifecare(svc), expect=403)
    await svc.call("GET", "/clients", "socialchef", expect=403)


@pytest.fixture
async def oidc(db_url: str, tmp_path: Path) -> AsyncIterator[tuple[Harness, LocalIssuer]]:
    with LocalIssuer() as issuer:
        issuer.add_key("k1")
        async for harness in start(
            db_url, tmp_path, auth_mode="oidc", oidc_issuer=issuer.issuer, oidc_jwks_url=issuer.jwks_url
        ):
            yield harness, issuer


async def test_in_production_a_client_authenticates_at_the_issuer_and_its_registered_sub_is_the_client(
    oidc: tuple[Harness, LocalIssuer],
) -> None:
    h, issuer = oidc
    admin = {"Authorization": f"Bearer {issuer.mint(ADMIN)}"}
    root = (await h.client.get("/api/v1/org/units", headers=admin)).json()["items"][0]["id"]
    body = {"name": "Treserva", "unit_ids": [root], "operations": ["org.read"]}
    missing = await h.client.post("/api/v1/org/clients", json=body, headers=admin)
    assert missing.status_code == 422  # the issuer's sub must be given
    created = await h.client.post(
        "/api/v1/org/clients", json={**body, "subject": "svc-treserva"}, headers=admin
    )
    assert created.status_code == 201 and created.json()["dev_token"] is None
    client_token = issuer.mint("svc-treserva")  # what client credentials at the issuer give it
    me = await h.client.get("/api/v1/org/me", headers={"Authorization": f"Bearer {client_token}"})
    assert me.status_code == 200 and me.json()["is_client"]
    dev = h.tokens.mint(ADMIN)
    assert (
        await h.client.get("/api/v1/org/me", headers={"Authorization": f"Bearer {dev}"})
    ).status_code == 401
