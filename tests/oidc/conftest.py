"""A real OpenID Connect provider (panva's oidc-provider on the machine's Node.js, tools/node) run by
`provider.mjs` as a child process, and the two ways to get a token from it: client credentials for an
integration, and a person signing in through the authorization code flow with PKCE."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from platform_shared.node_tools import ensure_node_tools

SCRIPT = Path(__file__).with_name("provider.mjs")
AUDIENCE = "api://kvalitet"
APP = {"client_id": "kvalitet-app", "client_secret": "app-secret", "redirect_uri": "http://127.0.0.1:9/cb"}
LIFECARE = {"client_id": "lifecare", "client_secret": "lifecare-secret"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def signing_key(kid: str) -> dict[str, Any]:
    jwk = ECAlgorithm.to_jwk(ec.generate_private_key(ec.SECP256R1()), as_dict=True)
    return {**jwk, "kid": kid, "alg": "ES256", "use": "sig"}


@dataclass
class OidcProvider:
    workdir: Path
    port: int = field(default_factory=_free_port)
    keys: list[dict[str, Any]] = field(default_factory=lambda: [signing_key("key-1")])
    process: subprocess.Popen[bytes] | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> OidcProvider:
        config = {
            "port": self.port,
            "keys": self.keys,
            "audience": AUDIENCE,
            "cookie_key": secrets.token_hex(16),
            "clients": [
                {
                    "client_id": LIFECARE["client_id"],
                    "client_secret": LIFECARE["client_secret"],
                    "grant_types": ["client_credentials"],
                    "response_types": [],
                    "redirect_uris": [],
                },
                {
                    "client_id": APP["client_id"],
                    "client_secret": APP["client_secret"],
                    "grant_types": ["authorization_code"],
                    "response_types": ["code"],
                    "redirect_uris": [APP["redirect_uri"]],
                },
            ],
        }
        path = self.workdir / "provider.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        log = (self.workdir / "provider.log").open("ab")
        self.process = subprocess.Popen(["node", str(SCRIPT), str(path)], stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.workdir / "provider.log").read_text()
            try:
                if httpx.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1).is_success:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("oidc-provider did not start: " + (self.workdir / "provider.log").read_text())

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def rotate(self, new_kid: str) -> None:
        """The provider signs with a new key from now on and still publishes the old one."""
        self.stop()
        self.keys = [signing_key(new_kid), *self.keys]
        self.start()

    # ---- tokens -------------------------------------------------------------------------------
    def client_credentials(self, client: dict[str, str] = LIFECARE) -> str:
        response = httpx.post(
            f"{self.issuer}/token",
            data={"grant_type": "client_credentials", "scope": "kvalitet", "resource": AUDIENCE},
            auth=(client["client_id"], client["client_secret"]),
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def sign_in(self, login: str) -> dict[str, str]:
        """A person signs in to the app (authorization code + PKCE, the provider's login form):
        returns the token response (`access_token`, `id_token`)."""
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        with httpx.Client(base_url=self.issuer) as browser:
            response = browser.get(
                "/auth",
                params={
                    "client_id": APP["client_id"],
                    "response_type": "code",
                    "scope": "openid kvalitet",
                    "redirect_uri": APP["redirect_uri"],
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                    "state": secrets.token_urlsafe(8),
                    "nonce": secrets.token_urlsafe(8),
                    "resource": AUDIENCE,
                },
            )
            for _ in range(10):
                assert response.is_redirect, response.text
                location = response.headers["location"]
                if location.startswith(APP["redirect_uri"]):
                    break
                path = urlsplit(location).path
                if path.startswith("/interaction/"):
                    page = browser.get(path).text
                    prompt = "login" if 'name="login"' in page else "consent"
                    response = browser.post(path, data={"prompt": prompt, "login": login, "password": "x"})
                else:
                    response = browser.get(location)
            code = parse_qs(urlsplit(location).query)["code"][0]
            tokens = browser.post(
                "/token",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": APP["redirect_uri"],
                    "code_verifier": verifier,
                },
                auth=(APP["client_id"], APP["client_secret"]),
            )
        assert tokens.status_code == 200, tokens.text
        return dict(tokens.json())


@pytest.fixture
def oidc_provider(tmp_path: Path) -> Iterator[OidcProvider]:
    ensure_node_tools()
    provider = OidcProvider(tmp_path).start()
    try:
        yield provider
    finally:
        provider.stop()
