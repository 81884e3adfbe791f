"""Bearer tokens: dev tokens signed with a key generated into var/, or OIDC tokens checked against JWKS."""

from __future__ import annotations

import asyncio
import contextlib
import os
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from platform_shared.errors import NotAuthenticated
from platform_shared.timeutil import utc_now

DEV_ISSUER = "kvalitet-dev"
DEFAULT_AUDIENCE = "kvalitet"
ALLOWED_ALGORITHMS = ["ES256", "RS256", "PS256", "EdDSA"]
KEY_FILE = "dev-signing-key.pem"


class TokenVerifier(Protocol):
    async def verify(self, token: str) -> dict[str, Any]: ...


def _decode(token: str, key: Any, *, issuer: str, audience: str) -> dict[str, Any]:
    try:
        return jwt.decode(
            token,
            key,
            algorithms=ALLOWED_ALGORITHMS,
            issuer=issuer,
            audience=audience,
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
    path.parent.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pem)
    os.chmod(tmp, 0o600)
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
        return _decode(token, self._key.public_key(), issuer=DEV_ISSUER, audience=self._audience)


class OidcTokens:
    """Verifies tokens from an OIDC issuer; signing keys come from its JWKS, cached, rotation honoured."""

    def __init__(self, issuer: str, jwks_url: str, audience: str = DEFAULT_AUDIENCE) -> None:
        self._issuer = issuer
        self._audience = audience
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300)

    async def verify(self, token: str) -> dict[str, Any]:
        try:
            # PyJWKClient refetches the JWKS when it meets an unknown kid (key rotation).
            signing_key = await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
        except jwt.PyJWTError as exc:
            raise NotAuthenticated(f"Unknown signing key: {type(exc).__name__}") from exc
        return _decode(token, signing_key.key, issuer=self._issuer, audience=self._audience)
