"""Dates and numbers a client can send never give a 5xx: every GET operation's date, date-time and
integer query parameters, enumerated from each service's OpenAPI (a new endpoint is covered without
editing this test), called with extreme values as a role that may use the operation."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from embedded_runner.app import Embedded, build_embedded

DATES = ["0001-01-01", "9999-12-31", "0", "1", "2026-02-30", "99999-01-01", "-2026-01-01", "2026-1-1"]
DATETIMES = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31",
    "0001-01-01",
    "0",
    "1e300",
]
INTEGERS = [str(2**63), str(-(2**63) - 1), str(2**63 - 1), str(2**31), "-1", "0", str(10**100)]
SANE = {"date": "2026-01-01", "date-time": "2026-01-01T00:00:00+01:00", "integer": "1"}
ROLES = ("socialchef", "systemadministrator", "kvalitetsledare", "namnd_ledamot")


@dataclass
class Running:
    embedded: Embedded
    http: httpx.AsyncClient
    tokens: dict[str, str]

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@pytest.fixture(scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    var = tmp_path_factory.mktemp("embedded") / "var"
    embedded = build_embedded(var)
    async with embedded.front.router.lifespan_context(embedded.front):
        entries = json.loads((var / "dev-tokens.json").read_text(encoding="utf-8"))
        tokens: dict[str, str] = {}
        for entry in entries:
            for role in entry["roles"]:
                tokens.setdefault(role["role"], entry["token"])
        transport = httpx.ASGITransport(app=embedded.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://embedded") as http:
            yield Running(embedded, http, tokens)


def kind_of(schema: dict[str, Any]) -> str | None:
    for alternative in schema.get("anyOf", [schema]):
        if alternative.get("type") == "integer":
            return "integer"
        if alternative.get("type") == "string" and alternative.get("format") in ("date", "date-time"):
            return str(alternative["format"])
    return None


@dataclass
class Operation:
    path: str
    parameters: list[dict[str, Any]]

    def ranged(self) -> list[tuple[str, str]]:
        found = []
        for p in self.parameters:
            kind = kind_of(p.get("schema", {}))
            if p["in"] == "query" and kind is not None:
                found.append((p["name"], kind))
        return found

    def baseline(self) -> dict[str, str]:
        """Sane values for the required query parameters (a period: from 2026-01-01 to 2026-12-31)."""
        params: dict[str, str] = {}
        for p in self.parameters:
            if p["in"] != "query" or not p.get("required"):
                continue
            schema = p.get("schema", {})
            kind = kind_of(schema)
            if p["name"] == "to" and kind == "date":
                params["to"] = "2026-12-31"
            elif kind is not None:
                params[p["name"]] = SANE[kind]
            elif "enum" in schema:
                params[p["name"]] = str(schema["enum"][0])
        return params


def ranged_operations(spec: dict[str, Any]) -> list[Operation]:
    found = []
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if path.startswith("/api/") and get is not None:
            operation = Operation(path, get.get("parameters", []))
            if operation.ranged():
                found.append(operation)
    return found


async def concrete_path(running: Running, operation: Operation) -> str:
    """Path parameters filled with a real object where one can be listed (the path up to the parameter
    is the list), an enum's first value, or else a random id."""
    path = operation.path
    for p in operation.parameters:
        if p["in"] != "path":
            continue
        name = "{" + p["name"] + "}"
        schema = p.get("schema", {})
        value = str(schema["enum"][0]) if "enum" in schema else str(uuid.uuid4())
        if "enum" not in schema:
            listing = path.split("/" + name)[0]
            for role in ROLES:
                r = await running.http.get(listing, headers=running.auth(role))
                if r.status_code == 200 and r.json().get("items"):
                    value = str(r.json()["items"][0]["id"])
                    break
        path = path.replace(name, value)
    return path


async def role_for(running: Running, path: str, baseline: dict[str, str]) -> str:
    for role in ROLES:
        r = await running.http.get(path, params=baseline, headers=running.auth(role))
        if r.status_code == 200:
            return role
    return ROLES[0]


EXTREMES = {"date": DATES, "date-time": DATETIMES, "integer": INTEGERS}
SERVICES = ["org", "deviation", "risk", "reporting"]


@pytest.mark.parametrize("service", SERVICES)
async def test_extreme_dates_and_numbers_in_get_parameters_answer_4xx_never_5xx(
    running: Running, service: str
) -> None:
    operations = ranged_operations(running.embedded.app._apps[service].openapi())
    assert operations, f"{service} has no GET operation with date or integer parameters"
    failures: list[str] = []
    checked = 0
    for operation in operations:
        path = await concrete_path(running, operation)
        baseline = operation.baseline()
        role = await role_for(running, path, baseline)
        for name, kind in operation.ranged():
            for value in EXTREMES[kind]:
                r = await running.http.get(path, params={**baseline, name: value}, headers=running.auth(role))
                checked += 1
                if r.status_code >= 500:
                    failures.append(f"{operation.path}?{name}={value} as {role}: {r.status_code}")
    assert not failures, "\n".join(failures)
    assert checked >= 20


async def test_out_of_range_dates_and_numbers_in_request_bodies_answer_422(running: Running) -> None:
    units = (await running.http.get("/api/v1/org/units", headers=running.auth("socialchef"))).json()["items"]
    forvaltning = next(u for u in units if u["level"] == "forvaltning")
    admin, kvalitet = running.auth("systemadministrator"), running.auth("kvalitetsledare")
    answers = {
        "moved_at": await running.http.post(
            f"/api/v1/org/units/{forvaltning['id']}/move",
            json={"parent_id": forvaltning["parent_id"], "moved_at": "0001-01-01T00:00:00+14:00"},
            headers=admin,
        ),
        "analysis_date": await running.http.post(
            "/api/v1/risk/analyses",
            json={"unit_id": forvaltning["id"], "trigger": "arlig", "analysis_date": "9999-12-31"},
            headers=kvalitet,
        ),
        "year": await running.http.post(
            "/api/v1/reports",
            json={"type": "kb", "year": 2**63, "unit_id": forvaltning["id"]},
            headers=kvalitet,
        ),
    }
    for field, r in answers.items():
        assert r.status_code == 422, (field, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["field"] == field, r.text


async def test_a_json_route_refuses_a_large_body_a_wrong_content_type_and_a_huge_token(
    running: Running,
) -> None:
    chef = running.auth("socialchef")
    big = await running.http.post(
        "/api/v1/risk/risks",
        content=b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}',
        headers={**chef, "content-type": "application/json"},
    )
    assert big.status_code == 413 and big.json()["type"] == "/problems/payload-too-large"
    text = await running.http.post(
        "/api/v1/risk/risks", content=b"title=x", headers={**chef, "content-type": "text/plain"}
    )
    assert text.status_code == 415 and text.json()["type"] == "/problems/unsupported-media-type"
    token = await running.http.get(
        "/api/v1/risk/risks", headers={"authorization": "Bearer " + "a" * 1_000_000}
    )
    assert token.status_code in (401, 431)
    assert token.headers["content-type"] == "application/problem+json"


async def test_api_answers_carry_no_store_nosniff_and_a_plain_correlation_id(running: Running) -> None:
    r = await running.http.get(
        "/api/v1/deviations", headers={**running.auth("socialchef"), "x-correlation-id": "x" * 5_000}
    )
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store" and r.headers["x-content-type-options"] == "nosniff"
    assert uuid.UUID(r.headers["x-correlation-id"])
    for path in ("/health", "/openapi.json"):
        front = await running.http.get(path)
        assert front.headers["x-content-type-options"] == "nosniff" and front.headers["x-correlation-id"]
