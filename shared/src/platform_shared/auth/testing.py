"""Test support: a tiny OIDC issuer — signing keys, a JWKS and a discovery document served over HTTP
on 127.0.0.1 from a thread — to test OidcTokens and services in `AUTH_MODE=oidc` without a real
identity provider (tests/oidc runs a real one, panva's oidc-provider)."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from platform_shared.auth.tokens import ACCESS_TOKEN_TYPE, DEFAULT_AUDIENCE, DISCOVERY_PATH
from platform_shared.timeutil import utc_now

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


class LocalIssuer:
    """Keys by key id; `publish()` chooses which ones the JWKS shows (rotation); `available = False`
    makes the JWKS answer 503 (the issuer is down)."""

    def __init__(self, issuer: str = "https://idp.example.test", audience: str = DEFAULT_AUDIENCE) -> None:
        self.issuer = issuer
        self.audience = audience
        self.keys: dict[str, PrivateKey] = {}
        self.published: list[str] = []
        self.available = True
        self.requests = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- keys --------------------------------------------------------------------------------
    def add_key(self, kid: str, kind: str = "EC", *, publish: bool = True) -> str:
        self.keys[kid] = (
            ec.generate_private_key(ec.SECP256R1())
            if kind == "EC"
            else rsa.generate_private_key(public_exponent=65537, key_size=2048)
        )
        if publish:
            self.published.append(kid)
        return kid

    def publish(self, *kids: str) -> None:
        self.published = list(kids)

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid in self.published:
            key = self.keys[kid]
            if isinstance(key, rsa.RSAPrivateKey):
                jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
                jwk.update({"alg": "RS256"})
            else:
                jwk = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
                jwk.update({"alg": "ES256"})
            keys.append({**jwk, "kid": kid, "use": "sig"})
        return {"keys": keys}

    def mint(
        self,
        subject: str,
        *,
        kid: str | None = None,
        ttl: timedelta = timedelta(minutes=5),
        typ: str = ACCESS_TOKEN_TYPE,
        **claims: Any,
    ) -> str:
        """An access token as the issuer would sign it; `claims` override iss/aud/exp/… (None removes
        one); `typ` is its header's type (an ID token's is `JWT`)."""
        kid = kid or self.published[0]
        key = self.keys[kid]
        now = utc_now()
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": int(now.timestamp()),
            "exp": int((now + ttl).timestamp()),
        }
        payload.update(claims)
        payload = {k: v for k, v in payload.items() if v is not None}
        alg = "RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"
        return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid, "typ": typ})

    # ---- the JWKS endpoint -------------------------------------------------------------------
    @property
    def url(self) -> str:
        """Where it listens; set `issuer = url` to have services find the JWKS through discovery."""
        assert self._server is not None, "start() the issuer first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/jwks"

    def discovery(self) -> dict[str, Any]:
        return {"issuer": self.issuer, "jwks_uri": self.jwks_url}

    def start(self) -> LocalIssuer:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.requests += 1
                documents = {"/jwks": issuer.jwks, DISCOVERY_PATH: issuer.discovery}
                if self.path not in documents or not issuer.available:
                    self.send_response(404 if self.path not in documents else 503)
                    self.end_headers()
                    return
                body = json.dumps(documents[self.path]()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-issuer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> LocalIssuer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
