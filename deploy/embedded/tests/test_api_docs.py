"""The API as an integrator reads it: `/docs` on the embedded gateway and on each service, served by
the app itself (no CDN), where a person pastes a dev token and tries calls; every protected operation
names the bearer scheme (and the OIDC discovery URL when configured); every error answer is the one
Problem schema."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from embedded_runner.app import build_embedded
from embedded_runner.process import embedded_process
from org_svc.app import build_runtime as build_org
from org_svc.config import OrgSettings
from platform_shared.api.app import create_service_app
from platform_shared.api.openapi_doc import security_schemes
from platform_shared.auth.tokens import DevTokens
from platform_shared.node_tools import ensure_node_tools

ROOT = Path(__file__).resolve().parents[3]
DEMO_ADMIN = "demo:sam.systemsson"


# A calendar client cannot send a token: the feed URL's secret stands in for it (optional bearer).
TOKEN_OR_FEED_SECRET = {("get", "/api/v1/arshjul/calendar.ics")}


def _check_document(spec: dict[str, Any]) -> None:
    assert spec["components"]["securitySchemes"]["bearer"] == {
        **spec["components"]["securitySchemes"]["bearer"],
        "type": "http",
        "scheme": "bearer",
    }
    assert "Problem" in spec["components"]["schemas"]
    operations = [
        (p, m, o) for p, ops in spec["paths"].items() if p.startswith("/api/") for m, o in ops.items()
    ]
    assert operations
    unprotected = [
        (m, p)
        for p, m, o in operations
        if o.get("security") != [{"bearer": []}]
        and not ((m, p) in TOKEN_OR_FEED_SECRET and o.get("security") == [{"bearer": []}, {}])
    ]
    assert unprotected == []
    errors = [
        (m, p, status, answer)
        for p, m, o in operations
        for status, answer in o["responses"].items()
        if status[0] in "45"
    ]
    assert errors and all(status in o["responses"] for status in ("401",) for _, _, o in operations)
    not_problem = [
        (m, p, status)
        for m, p, status, answer in errors
        if answer["content"]
        != {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    ]
    assert not_problem == []
    assert "HTTPValidationError" not in spec["components"]["schemas"]


async def test_the_merged_and_each_services_document_name_the_bearer_scheme_and_the_problem_schema(
    tmp_path: Path,
) -> None:
    embedded = build_embedded(tmp_path / "var", seed=False)
    async with embedded.front.router.lifespan_context(embedded.front):
        transport = httpx.ASGITransport(app=embedded.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://embedded") as client:
            _check_document((await client.get("/openapi.json")).json())
    for runtime in embedded.runtimes.values():
        _check_document(create_service_app(runtime, manage_lifecycle=False).openapi())


def test_with_an_oidc_issuer_the_document_names_its_discovery_url(tmp_path: Path) -> None:
    assert security_schemes("https://login.example.se/tenant/v2.0/")["oidc"] == {
        "type": "openIdConnect",
        "openIdConnectUrl": "https://login.example.se/tenant/v2.0/.well-known/openid-configuration",
        "description": "The configured OIDC issuer (its discovery document)",
    }
    settings = OrgSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'org.sqlite'}",
        auth_mode="oidc",
        oidc_issuer="https://login.example.se/tenant/v2.0",
    )
    spec = create_service_app(build_org(settings), manage_lifecycle=False).openapi()
    assert set(spec["components"]["securitySchemes"]) == {"bearer", "oidc"}
    assert spec["paths"]["/api/v1/org/me"]["get"]["security"] == [{"bearer": []}, {"oidc": []}]


async def test_the_docs_page_and_its_assets_come_from_the_app_itself(tmp_path: Path) -> None:
    embedded = build_embedded(tmp_path / "var", seed=False)
    apps = {
        "embedded": embedded.app,
        **{n: create_service_app(rt, manage_lifecycle=False) for n, rt in embedded.runtimes.items()},
    }
    async with embedded.front.router.lifespan_context(embedded.front):
        for name, app in apps.items():
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://app"
            ) as client:
                page = await client.get("/docs")
                assert page.status_code == 200, name
                linked = re.findall(r'(?:src|href)="([^"]+)"', page.text)
                assert linked and all(url.startswith("/docs/assets/") for url in linked), linked
                assert "url: '/openapi.json'" in page.text
                for url in linked:
                    asset = await client.get(url)
                    assert asset.status_code == 200 and asset.content, url


# --- in a browser ---------------------------------------------------------------------------------


@pytest.fixture
def running_embedded(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`kvalitet-embedded` on a free port (no demo seed: its bootstrap administrator only)."""
    with embedded_process(tmp_path, "--var-dir", "var", "--no-seed", timeout_s=60) as base:
        yield base, tmp_path / "var"


def test_a_person_authorises_on_the_docs_page_with_a_dev_token_and_runs_a_call_offline(
    running_embedded: tuple[str, Path],
) -> None:
    base, var_dir = running_embedded
    chromium = subprocess.run(
        [str(ROOT / "scripts" / "ensure-chromium")], check=True, capture_output=True, text=True
    ).stdout.strip()
    tools = ensure_node_tools()
    token = DevTokens(var_dir).mint(DEMO_ADMIN)
    result = subprocess.run(
        ["node", str(tools / "docs-page.mjs"), base, token, chromium],
        cwd=tools,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200 and seen["shown"] == "200" and seen["authorized"]
    assert seen["body"]["subject"] == DEMO_ADMIN
    assert f"{base}/api/v1/org/me" in seen["requested"]
    elsewhere = [
        url for url in seen["requested"] if not url.startswith(base + "/") and not url.startswith("data:")
    ]
    assert elsewhere == []
