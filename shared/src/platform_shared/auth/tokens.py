"""Bearer tokens: dev tokens signed with a key generated into var/, or OIDC tokens checked against JWKS."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import httpx
import jwt
import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt import PyJWK

from platform_shared.errors import NotAuthenticated
from platform_shared.private_files import write_private
from platform_shared.timeutil import utc_now

DEV_ISSUER = "kvalitet-dev"
DEFAULT_AUDIENCE = "kvalitet"
ALLOWED_ALGORITHMS = ["ES256", "RS256", "PS256", "EdDSA"]
KEY_FILE = "dev-signing-key.pem"

log = structlog.get_logger(__name__)


class TokenVerifier(Protocol):
    async def verify(self, token: str) -> dict[str, Any]: ...


def _decode(
    token: str,
    key: Any,
    *,
    issuer: str,
    audience: str,
    algorithms: list[str] | None = None,
    leeway: float = 0,
) -> dict[str, Any]:
    try:
        return jwt.decode(
            token,
            key,
            algorithms=algorithms or ALLOWED_ALGORITHMS,
            issuer=issuer,
            audience=audience,
            leeway=leeway,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise NotAuthenticated("Token has expired") from exc
    except jwt.InvalidIssuerError as exc:
        raise NotAuthenticated("Token has the wrong issuer") from exc
    except jwt.InvalidAudienceError as exc:
        raise NotAuthenticated("Token has the wrong audience") from exc
    except jwt.PyJWTError as exc:
        raise NotAuthenticated(f"Invalid token: {type(exc).__name__}") from exc


def load_or_create_dev_key(key_dir: str | Path) -> ec.EllipticCurvePrivateKey:
    path = Path(key_dir) / KEY_FILE
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return key
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    tmp = path.with_suffix(".tmp")
    write_private(tmp, pem)
    with contextlib.suppress(FileExistsError):
        os.link(tmp, path)  # atomic: several processes may race to create it
    tmp.unlink(missing_ok=True)
    return load_or_create_dev_key(key_dir)


class DevTokens:
    """Issues and verifies the embedded default's tokens (ES256, issuer kvalitet-dev)."""

    def __init__(self, key_dir: str | Path, audience: str = DEFAULT_AUDIENCE) -> None:
        self._key = load_or_create_dev_key(key_dir)
        self._audience = audience

    def mint(self, subject: str, *, ttl: timedelta = timedelta(days=30), **claims: Any) -> str:
        now = utc_now()
        payload = {
            "iss": DEV_ISSUER,
            "aud": self._audience,
            "sub": subject,
            "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
            **claims,
        }
        return jwt.encode(payload, self._key, algorithm="ES256", headers={"kid": "dev"})

    async def verify(self, token: str) -> dict[str, Any]:
        return _decode(
            token, self._key.public_key(), issuer=DEV_ISSUER, audience=self._audience, algorithms=["ES256"]
        )


_KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}


def _header(token: str) -> dict[str, Any]:
    try:
        return jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise NotAuthenticated(f"Invalid token: {type(exc).__name__}") from exc


@dataclass(frozen=True)
class SigningKey:
    key: PyJWK
    declared_alg: str | None  # the JWK's own "alg", when the issuer states it


class JwksCache:
    """The issuer's signing keys by key id, fetched from its JWKS URL and kept for `lifespan_s`.

    A token naming an unknown key id makes it fetch again (the issuer has rotated its keys), but at
    most once per `min_refetch_interval_s`, so tokens with made-up key ids cannot flood the issuer.
    When the issuer cannot be reached, the keys already known stay in use.
    """

    def __init__(
        self,
        url: str,
        *,
        lifespan_s: float = 300.0,
        min_refetch_interval_s: float = 30.0,
        timeout_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._lifespan_s = lifespan_s
        self._min_refetch_interval_s = min_refetch_interval_s
        self._timeout_s = timeout_s
        self._clock = clock
        self._keys: dict[str | None, SigningKey] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def key_for(self, kid: str | None) -> SigningKey | None:
        async with self._lock:
            now = self._clock()
            stale = self._fetched_at is None or now - self._fetched_at >= self._lifespan_s
            unknown = kid not in self._keys
            may_refetch = self._fetched_at is None or now - self._fetched_at >= self._min_refetch_interval_s
            if stale or (unknown and may_refetch):
                await self._fetch()
            return self._keys.get(kid)

    async def _fetch(self) -> None:
        self.fetches += 1
        try:
            async with httpx.AsyncClient(timeout=self._timeout_s) as client:
                response = await client.get(self._url, headers={"Accept": "application/json"})
                response.raise_for_status()
                document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("jwks fetch failed; keeping the keys already known", error=type(exc).__name__)
            self._fetched_at = self._clock()  # back off for min_refetch_interval_s
            return
        keys: dict[str | None, SigningKey] = {}
        for data in document.get("keys", []) if isinstance(document, dict) else []:
            if not isinstance(data, dict) or data.get("use", "sig") != "sig":
                continue
            try:
                key = PyJWK(data)
            except jwt.PyJWTError:
                continue  # a key type we do not use (e.g. symmetric): never accepted
            if key.algorithm_name in ALLOWED_ALGORITHMS:
                keys[data.get("kid")] = SigningKey(key, data.get("alg"))
        if len(keys) == 1:
            keys.setdefault(None, next(iter(keys.values())))  # a token without kid: the only key
        self._keys = keys
        self._fetched_at = self._clock()


class OidcTokens:
    """Verifies tokens from an OIDC issuer; signing keys come from its JWKS, cached, rotation honoured.

    Only asymmetric algorithms are accepted (never `none` or an HMAC keyed with a public key), the
    token's algorithm must fit the key it names, and `iss`, `aud`, `exp` and `sub` are required.
    """

    def __init__(
        self,
        issuer: str,
        jwks_url: str,
        audience: str = DEFAULT_AUDIENCE,
        *,
        jwks: JwksCache | None = None,
        leeway_s: float = 30.0,
    ) -> None:
        self._issuer = issuer
        self._audience = audience
        self._leeway_s = leeway_s
        self.jwks = jwks or JwksCache(jwks_url)

    async def verify(self, token: str) -> dict[str, Any]:
        header = _header(token)
        alg = header.get("alg")
        if alg not in ALLOWED_ALGORITHMS:
            raise NotAuthenticated(f"Token algorithm not accepted: {alg}")
        kid = header.get("kid")
        signing = await self.jwks.key_for(kid if isinstance(kid, str) else None)
        if signing is None:
            raise NotAuthenticated("Token signed with an unknown key")
        declared = signing.declared_alg
        if (declared and declared != alg) or _KEY_TYPES.get(str(alg)[:2]) != signing.key.key_type:
            raise NotAuthenticated("Token algorithm does not fit its key")
        return _decode(
            token,
            signing.key.key,
            issuer=self._issuer,
            audience=self._audience,
            algorithms=[alg],
            leeway=self._leeway_s,
        )
