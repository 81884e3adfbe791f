"""Bearer tokens: dev tokens signed with a key generated into var/, or OIDC access tokens checked
against the issuer's JWKS (its URL given, or found through OpenID Connect discovery)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
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

from platform_shared.errors import InvalidToken
from platform_shared.private_files import write_private
from platform_shared.timeutil import utc_now

DEV_ISSUER = "kvalitet-dev"
DEFAULT_AUDIENCE = "kvalitet"
ALLOWED_ALGORITHMS = ["ES256", "RS256", "PS256", "EdDSA"]
ACCESS_TOKEN_TYPE = "at+jwt"  # RFC 9068: what tells an access token from an ID token
DISCOVERY_PATH = "/.well-known/openid-configuration"
KEY_FILE = "dev-signing-key.pem"

log = structlog.get_logger(__name__)


class TokenVerifier(Protocol):
    async def verify(self, token: str) -> dict[str, Any]: ...


def _decode(
    token: str,
    key: Any,
    *,
    issuer: str,
    audience: str | list[str],
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
        raise InvalidToken("Token har gått ut") from exc
    except jwt.InvalidIssuerError as exc:
        raise InvalidToken("Token har fel utfärdare") from exc
    except jwt.InvalidAudienceError as exc:
        raise InvalidToken("Token har fel mottagare (audience)") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"Ogiltig token ({type(exc).__name__})") from exc


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
        return jwt.encode(
            payload, self._key, algorithm="ES256", headers={"kid": "dev", "typ": ACCESS_TOKEN_TYPE}
        )

    async def verify(self, token: str) -> dict[str, Any]:
        return _decode(
            token, self._key.public_key(), issuer=DEV_ISSUER, audience=self._audience, algorithms=["ES256"]
        )


_KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}


def _header(token: str) -> dict[str, Any]:
    try:
        return jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"Ogiltig token ({type(exc).__name__})") from exc


@dataclass(frozen=True)
class SigningKey:
    key: PyJWK
    declared_alg: str | None  # the JWK's own "alg", when the issuer states it


class IssuerMetadataError(ValueError):
    pass


def require_https(url: str, what: str) -> None:
    if not url.lower().startswith("https://"):
        raise IssuerMetadataError(f"{what} must be an https URL in production: {url}")


class IssuerMetadata:
    """The JWKS URL from the issuer's OpenID Connect discovery document
    (`<issuer>/.well-known/openid-configuration`), fetched when first needed and then kept.

    The document must name the configured issuer exactly (OpenID Connect Discovery 1.0, 4.3).
    """

    def __init__(self, issuer: str, *, https_only: bool = False, timeout_s: float = 5.0) -> None:
        self.issuer = issuer
        self.url = issuer.rstrip("/") + DISCOVERY_PATH
        self._https_only = https_only
        self._timeout_s = timeout_s
        self._jwks_uri: str | None = None

    async def jwks_uri(self) -> str:
        if self._jwks_uri is None:
            async with httpx.AsyncClient(timeout=self._timeout_s) as client:
                response = await client.get(self.url, headers={"Accept": "application/json"})
                response.raise_for_status()
                document = response.json()
            if not isinstance(document, dict) or document.get("issuer") != self.issuer:
                raise IssuerMetadataError(f"{self.url} does not name the issuer {self.issuer}")
            jwks_uri = document.get("jwks_uri")
            if not isinstance(jwks_uri, str) or not jwks_uri:
                raise IssuerMetadataError(f"{self.url} names no jwks_uri")
            if self._https_only:
                require_https(jwks_uri, "the discovered jwks_uri")
            self._jwks_uri = jwks_uri
        return self._jwks_uri


class JwksCache:
    """The issuer's signing keys by key id, fetched from its JWKS URL and kept for `lifespan_s`.

    The URL is given, or found through discovery on the first fetch. A token naming an unknown key
    id makes it fetch again (the issuer has rotated its keys), but at most once per
    `min_refetch_interval_s`, so tokens with made-up key ids cannot flood the issuer. When the issuer
    cannot be reached, the keys already known stay in use.
    """

    def __init__(
        self,
        url: str | Callable[[], Awaitable[str]],
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

    @property
    def has_keys(self) -> bool:
        return bool(self._keys)

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
            url = self._url if isinstance(self._url, str) else await self._url()
            async with httpx.AsyncClient(timeout=self._timeout_s) as client:
                response = await client.get(url, headers={"Accept": "application/json"})
                response.raise_for_status()
                document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning(
                "jwks fetch failed; keeping the keys already known", error=type(exc).__name__, detail=str(exc)
            )
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


def token_type(value: object) -> str:
    """A JWT `typ` compared as RFC 7515 4.1.9 says: case-insensitive, `application/` optional."""
    text = str(value or "").strip().lower()
    return text.removeprefix("application/")


class OidcTokens:
    """Verifies access tokens from an OIDC issuer; signing keys come from its JWKS, cached, rotation
    honoured. The JWKS URL is discovered from the issuer when not given.

    Only asymmetric algorithms are accepted (never `none` or an HMAC keyed with a public key), the
    token's algorithm must fit the key it names, its `typ` header must be one of `token_types`
    (`at+jwt` by default, so an ID token is not taken for an access token), `aud` must name one of
    `audience`, and `iss`, `aud`, `exp` and `sub` are required. With `https_only` (production) the
    issuer and the JWKS URL must be https. `subject_claim` names the claim that identifies the caller
    (Entra ID's stable user and application id is `oid`); it is returned as `sub`.
    """

    def __init__(
        self,
        issuer: str,
        jwks_url: str | None = None,
        audience: str | Iterable[str] = DEFAULT_AUDIENCE,
        *,
        token_types: Iterable[str] = (ACCESS_TOKEN_TYPE,),
        https_only: bool = False,
        jwks: JwksCache | None = None,
        min_refetch_interval_s: float = 30.0,
        subject_claim: str = "sub",
        leeway_s: float = 30.0,
    ) -> None:
        if https_only:
            require_https(issuer, "OIDC_ISSUER")
            if jwks_url:
                require_https(jwks_url, "OIDC_JWKS_URL")
        self._issuer = issuer
        self._audience = [audience] if isinstance(audience, str) else list(audience)
        self._token_types = {token_type(t) for t in token_types}
        self._leeway_s = leeway_s
        self._subject_claim = subject_claim
        self.metadata = IssuerMetadata(issuer, https_only=https_only)
        self.jwks = jwks or JwksCache(
            jwks_url or self.metadata.jwks_uri, min_refetch_interval_s=min_refetch_interval_s
        )

    async def verify(self, token: str) -> dict[str, Any]:
        header = _header(token)
        alg = header.get("alg")
        if alg not in ALLOWED_ALGORITHMS:
            raise InvalidToken(f"Tokenens algoritm godtas inte: {alg}")
        if token_type(header.get("typ")) not in self._token_types:
            raise InvalidToken(f"Tokentypen godtas inte: {header.get('typ')} (en åtkomsttoken krävs)")
        kid = header.get("kid")
        signing = await self.jwks.key_for(kid if isinstance(kid, str) else None)
        if signing is None:
            known = self.jwks.has_keys
            raise InvalidToken(
                "Token signerad med en okänd nyckel" if known else "Utfärdarens nycklar kan inte hämtas"
            )
        declared = signing.declared_alg
        if (declared and declared != alg) or _KEY_TYPES.get(str(alg)[:2]) != signing.key.key_type:
            raise InvalidToken("Tokenens algoritm passar inte nyckeln")
        claims = _decode(
            token,
            signing.key.key,
            issuer=self._issuer,
            audience=self._audience,
            algorithms=[alg],
            leeway=self._leeway_s,
        )
        if self._subject_claim != "sub":
            subject = claims.get(self._subject_claim)
            if not isinstance(subject, str) or not subject:
                raise InvalidToken(f"Token saknar anspråket {self._subject_claim}")
            claims = {**claims, "sub": subject}  # `sub` is what the org's subjects are matched against
        return claims


class VerifiedTokens:
    """A verifier that remembers the tokens it has verified, for `ttl_s` and never past their `exp`.

    Checking an ES256 or RSA signature costs more CPU than the rest of resolving a caller, and a case
    system sends the same access token for minutes. A token is the same bytes each time, so a verified
    one need not be checked again until it expires; a refused one is never remembered. The price: a
    key withdrawn from the issuer's JWKS stops tokens already seen at most `ttl_s` later (the JWKS
    itself is kept five minutes). At most `max_entries` tokens are kept, the least recently used
    forgotten first; they are kept by their SHA-256, not as bearer secrets.
    """

    def __init__(
        self,
        inner: TokenVerifier,
        *,
        ttl_s: float = 60.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.inner = inner
        self._ttl_s = ttl_s
        self._max_entries = max_entries
        self._clock = clock
        self._kept: OrderedDict[bytes, tuple[float, dict[str, Any]]] = OrderedDict()

    async def verify(self, token: str) -> dict[str, Any]:
        key = hashlib.sha256(token.encode()).digest()
        now = self._clock()
        kept = self._kept.get(key)
        if kept is not None:
            if now < kept[0]:
                self._kept.move_to_end(key)
                return dict(kept[1])
            del self._kept[key]
        claims = await self.inner.verify(token)
        until = min(now + self._ttl_s, float(claims["exp"]))
        if until > now:
            self._kept[key] = (until, dict(claims))
            if len(self._kept) > self._max_entries:
                self._kept.popitem(last=False)
        return claims
