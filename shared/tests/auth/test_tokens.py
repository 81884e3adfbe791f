"""Bearer tokens: OIDC tokens verified against the issuer's JWKS (a tiny http.server on 127.0.0.1 in
a thread), keys cached and rotated; and the embedded default's dev tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI, Request

from platform_shared.api.deps import bearer_token
from platform_shared.api.problems import install_error_handlers
from platform_shared.auth.testing import LocalIssuer
from platform_shared.auth.tokens import DevTokens, IssuerMetadata, IssuerMetadataError, JwksCache, OidcTokens
from platform_shared.errors import NotAuthenticated
from platform_shared.settings import ServiceSettings


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as running:
        running.add_key("key-1")
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def verifier(issuer: LocalIssuer, clock: FakeClock, **cache: float) -> OidcTokens:
    jwks = JwksCache(issuer.jwks_url, clock=clock, **cache)
    return OidcTokens(issuer.issuer, issuer.jwks_url, issuer.audience, jwks=jwks, leeway_s=0)


async def refused(tokens: OidcTokens | DevTokens, token: str) -> str:
    with pytest.raises(NotAuthenticated) as caught:
        await tokens.verify(token)
    return caught.value.detail


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


async def test_a_token_signed_with_the_issuers_published_key_is_accepted(
    issuer: LocalIssuer, clock: FakeClock
) -> None:
    claims = await verifier(issuer, clock).verify(issuer.mint("user-1"))
    assert claims["sub"] == "user-1"


async def test_an_rsa_signed_token_is_accepted_from_an_rsa_key(issuer: LocalIssuer, clock: FakeClock) -> None:
    issuer.add_key("rsa-1", "RSA")
    assert (await verifier(issuer, clock).verify(issuer.mint("user-1", kid="rsa-1")))["sub"] == "user-1"


async def test_an_expired_token_is_refused(issuer: LocalIssuer, clock: FakeClock) -> None:
    token = issuer.mint("user-1", ttl=timedelta(minutes=-1))
    assert "gått ut" in await refused(verifier(issuer, clock), token)


async def test_a_token_from_another_issuer_is_refused(issuer: LocalIssuer, clock: FakeClock) -> None:
    token = issuer.mint("user-1", iss="https://evil.example.test")
    assert "fel utfärdare" in await refused(verifier(issuer, clock), token)


async def test_a_token_for_another_audience_is_refused(issuer: LocalIssuer, clock: FakeClock) -> None:
    token = issuer.mint("user-1", aud="another-api")
    assert "audience" in await refused(verifier(issuer, clock), token)


async def test_a_token_without_a_subject_is_refused(issuer: LocalIssuer, clock: FakeClock) -> None:
    await refused(verifier(issuer, clock), issuer.mint("user-1", sub=None))


async def test_a_token_signed_with_a_key_the_issuer_does_not_publish_is_refused(
    issuer: LocalIssuer, clock: FakeClock
) -> None:
    issuer.add_key("stolen", publish=False)
    assert "okänd nyckel" in await refused(verifier(issuer, clock), issuer.mint("user-1", kid="stolen"))


async def test_a_token_naming_a_published_key_but_signed_with_another_is_refused(
    issuer: LocalIssuer, clock: FakeClock
) -> None:
    issuer.add_key("other", publish=False)
    forged = issuer.mint("user-1", kid="other")
    _header, payload, signature = forged.split(".")
    relabelled = ".".join([_b64({"alg": "ES256", "kid": "key-1", "typ": "at+jwt"}), payload, signature])
    assert "InvalidSignature" in await refused(verifier(issuer, clock), relabelled)


async def test_an_unsigned_token_alg_none_is_refused(issuer: LocalIssuer, clock: FakeClock) -> None:
    claims = jwt.decode(issuer.mint("user-1"), options={"verify_signature": False})
    unsigned = f"{_b64({'alg': 'none', 'kid': 'key-1'})}.{_b64(claims)}."
    assert "godtas inte" in await refused(verifier(issuer, clock), unsigned)
    assert issuer.requests == 0  # refused before any key is looked up


async def test_an_hmac_token_keyed_with_the_public_key_is_refused(
    issuer: LocalIssuer, clock: FakeClock
) -> None:
    claims = jwt.decode(issuer.mint("user-1"), options={"verify_signature": False})
    public_pem = (
        issuer.keys["key-1"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    signing_input = f"{_b64({'alg': 'HS256', 'kid': 'key-1'})}.{_b64(claims)}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    confused = f"{signing_input}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"
    assert "godtas inte" in await refused(verifier(issuer, clock), confused)


async def test_a_token_whose_algorithm_does_not_fit_its_key_is_refused(
    issuer: LocalIssuer, clock: FakeClock
) -> None:
    issuer.add_key("rsa-1", "RSA")
    claims = jwt.decode(issuer.mint("user-1"), options={"verify_signature": False})
    token = jwt.encode(
        claims, issuer.keys["rsa-1"], algorithm="PS256", headers={"kid": "rsa-1", "typ": "at+jwt"}
    )
    assert "passar inte" in await refused(verifier(issuer, clock), token)


async def test_signing_keys_are_fetched_once_and_then_served_from_the_cache(
    issuer: LocalIssuer, clock: FakeClock
) -> None:
    tokens = verifier(issuer, clock)
    for n in range(5):
        await tokens.verify(issuer.mint(f"user-{n}"))
    assert tokens.jwks.fetches == 1 and issuer.requests == 1


async def test_a_rotated_in_key_is_fetched_when_a_token_names_it(
    issuer: LocalIssuer, clock: FakeClock
) -> None:
    tokens = verifier(issuer, clock, min_refetch_interval_s=30)
    await tokens.verify(issuer.mint("user-1"))
    issuer.add_key("key-2")  # the issuer rotates: both keys published, new tokens use key-2
    clock.now += 31
    assert (await tokens.verify(issuer.mint("user-2", kid="key-2")))["sub"] == "user-2"
    assert (await tokens.verify(issuer.mint("user-1", kid="key-1")))["sub"] == "user-1"
    assert tokens.jwks.fetches == 2


async def test_a_retired_key_stops_working_when_the_cache_expires(
    issuer: LocalIssuer, clock: FakeClock
) -> None:
    tokens = verifier(issuer, clock, lifespan_s=300)
    old_token = issuer.mint("user-1", kid="key-1")
    await tokens.verify(old_token)
    issuer.add_key("key-2")
    issuer.publish("key-2")  # key-1 retired
    clock.now += 301
    assert "okänd nyckel" in await refused(tokens, old_token)
    assert (await tokens.verify(issuer.mint("user-2", kid="key-2")))["sub"] == "user-2"


async def test_made_up_key_ids_refetch_the_jwks_at_most_once_per_interval(
    issuer: LocalIssuer, clock: FakeClock
) -> None:
    tokens = verifier(issuer, clock, min_refetch_interval_s=30)
    await tokens.verify(issuer.mint("user-1"))
    issuer.add_key("junk", publish=False)
    for _ in range(10):
        await refused(tokens, issuer.mint("user-1", kid="junk"))
    assert tokens.jwks.fetches == 1
    clock.now += 31
    await refused(tokens, issuer.mint("user-1", kid="junk"))
    assert tokens.jwks.fetches == 2


async def test_known_keys_stay_in_use_while_the_issuer_is_unreachable(
    issuer: LocalIssuer, clock: FakeClock
) -> None:
    tokens = verifier(issuer, clock, lifespan_s=300)
    await tokens.verify(issuer.mint("user-1"))
    issuer.available = False
    clock.now += 301
    assert (await tokens.verify(issuer.mint("user-1")))["sub"] == "user-1"


def test_a_dev_token_carries_its_subject(tmp_path: Path) -> None:
    import asyncio

    tokens = DevTokens(tmp_path)
    assert asyncio.run(tokens.verify(tokens.mint("demo:eva.lind")))["sub"] == "demo:eva.lind"


async def test_a_dev_token_signed_by_another_installation_is_refused(tmp_path: Path) -> None:
    ours, theirs = DevTokens(tmp_path / "ours"), DevTokens(tmp_path / "theirs")
    assert "InvalidSignature" in await refused(ours, theirs.mint("demo:eva.lind"))


async def test_an_expired_dev_token_is_refused(tmp_path: Path) -> None:
    tokens = DevTokens(tmp_path)
    assert "gått ut" in await refused(tokens, tokens.mint("demo:eva.lind", ttl=timedelta(minutes=-1)))


async def test_a_dev_token_for_another_audience_is_refused(tmp_path: Path) -> None:
    assert "audience" in await refused(DevTokens(tmp_path), DevTokens(tmp_path, audience="x").mint("s"))


async def test_an_unsigned_dev_token_is_refused(tmp_path: Path) -> None:
    tokens = DevTokens(tmp_path)
    claims = jwt.decode(tokens.mint("s"), options={"verify_signature": False})
    await refused(tokens, f"{_b64({'alg': 'none'})}.{_b64(claims)}.")


def test_production_mode_refuses_dev_tokens() -> None:
    with pytest.raises(ValueError, match="oidc"):
        ServiceSettings(mode="production", auth_mode="dev")


def test_production_refuses_plain_http_issuer_and_jwks_urls() -> None:
    with pytest.raises(ValueError, match="https oidc_issuer"):
        ServiceSettings(mode="production", auth_mode="oidc", oidc_issuer="http://idp.example.test")
    with pytest.raises(ValueError, match="https oidc_jwks_url"):
        ServiceSettings(
            mode="production",
            auth_mode="oidc",
            oidc_issuer="https://idp.example.test",
            oidc_jwks_url="http://idp.example.test/jwks",
        )
    with pytest.raises(ValueError, match="https"):
        OidcTokens("http://idp.example.test", https_only=True)


def test_the_issuer_alone_is_enough_configuration_with_several_audiences() -> None:
    settings = ServiceSettings(
        mode="production",
        auth_mode="oidc",
        oidc_issuer="https://login.microsoftonline.com/tenant/v2.0",
        oidc_audience="api://kvalitet, 6f1c2a9e-0000-4000-8000-000000000001",
    )
    assert settings.oidc_jwks_url is None
    assert settings.oidc_audiences == ["api://kvalitet", "6f1c2a9e-0000-4000-8000-000000000001"]
    assert settings.oidc_token_type_list == ["at+jwt"]


async def test_the_jwks_url_is_found_through_the_issuers_discovery_document(issuer: LocalIssuer) -> None:
    issuer.issuer = issuer.url
    tokens = OidcTokens(issuer.issuer, audience=issuer.audience)
    assert (await tokens.verify(issuer.mint("user-1")))["sub"] == "user-1"
    assert await tokens.metadata.jwks_uri() == issuer.jwks_url


async def test_a_discovery_document_naming_another_issuer_is_not_trusted(issuer: LocalIssuer) -> None:
    tokens = OidcTokens(issuer.url, audience=issuer.audience)  # the document says https://idp.example.test
    assert "nycklar kan inte" in await refused(tokens, issuer.mint("user-1", iss=issuer.url))


async def test_production_refuses_a_discovered_jwks_url_that_is_not_https(issuer: LocalIssuer) -> None:
    issuer.issuer = issuer.url
    metadata = IssuerMetadata(issuer.issuer, https_only=True)
    with pytest.raises(IssuerMetadataError, match="https"):
        await metadata.jwks_uri()


async def test_an_id_token_is_not_taken_for_an_access_token(issuer: LocalIssuer, clock: FakeClock) -> None:
    id_token = issuer.mint("user-1", typ="JWT", nonce="n-1")
    assert "Tokentypen godtas inte" in await refused(verifier(issuer, clock), id_token)


async def test_the_access_token_types_are_configurable_and_compared_as_media_types(
    issuer: LocalIssuer, clock: FakeClock
) -> None:
    assert await verifier(issuer, clock).verify(issuer.mint("user-1", typ="application/AT+JWT"))
    entra = OidcTokens(issuer.issuer, issuer.jwks_url, issuer.audience, token_types=["JWT"])
    assert await entra.verify(issuer.mint("user-1", typ="JWT"))
    assert "Tokentypen godtas inte" in await refused(entra, issuer.mint("user-1", typ="at+jwt"))


async def test_a_token_naming_any_of_the_accepted_audiences_is_accepted(issuer: LocalIssuer) -> None:
    tokens = OidcTokens(issuer.issuer, issuer.jwks_url, ["api://kvalitet", "kvalitet"])
    assert await tokens.verify(issuer.mint("user-1", aud="api://kvalitet"))
    assert await tokens.verify(issuer.mint("user-1", aud=["other", "kvalitet"]))
    assert "audience" in await refused(tokens, issuer.mint("user-1", aud="other"))


async def test_a_refused_token_is_challenged_with_invalid_token_and_a_description(
    issuer: LocalIssuer,
) -> None:
    tokens = OidcTokens(issuer.issuer, issuer.jwks_url, issuer.audience)
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/me")
    async def me(request: Request) -> dict[str, Any]:
        return await tokens.verify(bearer_token(request))

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as client:
        missing = await client.get("/me")
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
        expired = issuer.mint("user-1", ttl=timedelta(minutes=-5))
        refused_ = await client.get("/me", headers={"Authorization": f"Bearer {expired}"})
        assert refused_.status_code == 401
        assert refused_.headers["www-authenticate"] == (
            'Bearer error="invalid_token", error_description="Token har gatt ut"'
        )
        assert refused_.headers["content-type"] == "application/problem+json"
        ok = await client.get("/me", headers={"Authorization": f"Bearer {issuer.mint('user-1')}"})
        assert ok.json()["sub"] == "user-1"


async def test_the_subject_can_come_from_another_claim_such_as_entras_oid(issuer: LocalIssuer) -> None:
    tokens = OidcTokens(issuer.issuer, issuer.jwks_url, issuer.audience, subject_claim="oid")
    claims = await tokens.verify(issuer.mint("pairwise-sub", oid="5f0e-object-id"))
    assert claims["sub"] == "5f0e-object-id"
    assert "saknar anspråket oid" in await refused(tokens, issuer.mint("pairwise-sub"))
