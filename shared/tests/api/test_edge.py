"""The edge of every service app: correlation ids, response headers, access log, unexpected errors."""

from __future__ import annotations

import logging
import uuid

import httpx
from fastapi import APIRouter, FastAPI

from platform_shared.api.middleware import install_middleware
from platform_shared.api.problems import install_error_handlers
from platform_shared.errors import NotFound
from platform_shared.logs import WithoutQueryString
from platform_shared.settings import ServiceSettings

from .conftest import JsonLog


def edge_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    install_middleware(app, ServiceSettings())
    router = APIRouter(prefix="/api/v1/things")

    @router.get("")
    async def listing(q: str | None = None) -> dict[str, str]:
        return {"ok": "yes"}

    @router.get("/missing")
    async def missing() -> dict[str, str]:
        raise NotFound("Finns inte")

    @router.get("/broken")
    async def broken() -> dict[str, str]:
        raise RuntimeError("the real cause")

    app.include_router(router)
    return app


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(edge_app()), base_url="http://test")


async def test_a_short_plain_correlation_id_is_kept_and_any_other_is_replaced() -> None:
    async with client() as http:
        kept = await http.get("/api/v1/things", headers={"x-correlation-id": "lifecare-42.7"})
        long = await http.get("/api/v1/things", headers={"x-correlation-id": "a" * 5_000})
        odd = await http.get("/api/v1/things", headers={"x-correlation-id": "a b<script>"})
        none = await http.get("/api/v1/things")
    assert kept.headers["x-correlation-id"] == "lifecare-42.7"
    for replaced in (long, odd, none):
        assert uuid.UUID(replaced.headers["x-correlation-id"])


async def test_every_response_carries_no_store_nosniff_and_the_correlation_id() -> None:
    async with client() as http:
        answers = [
            await http.get("/api/v1/things"),
            await http.get("/api/v1/things/missing"),
            await http.get("/api/v1/things", params={"q": ["a", "b"]}),
            await http.get("/nowhere"),
        ]
    for r in answers:
        assert r.headers["cache-control"] == "no-store", r.url
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-correlation-id"]


async def test_an_unexpected_exception_answers_a_500_problem_with_the_correlation_id_and_logs_its_traceback(
    json_log: JsonLog,
) -> None:
    async with client() as http:
        r = await http.get("/api/v1/things/broken", headers={"x-correlation-id": "case-1"})
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"] == "/problems/internal-error" and body["title"] == "Internt fel"
    assert "case-1" in body["detail"] and "the real cause" not in r.text
    (error,) = [line for line in json_log.lines() if line["event"] == "unexpected error"]
    assert error["correlation_id"] == "case-1"
    assert "Traceback (most recent call last)" in error["exception"]
    assert 'RuntimeError("the real cause")' in error["exception"] or "the real cause" in error["exception"]
    assert "<traceback object" not in json_log.text


async def test_the_access_log_has_the_path_without_its_query_string_and_the_correlation_id(
    json_log: JsonLog,
) -> None:
    async with client() as http:
        await http.get(
            "/api/v1/things",
            params={"q": "Anna Andersson 19121212-1212"},
            headers={"x-correlation-id": "c-7"},
        )
    (line,) = [line for line in json_log.lines() if line["event"] == "request"]
    assert line["path"] == "/api/v1/things" and line["status"] == 200 and line["correlation_id"] == "c-7"
    assert "Anna" not in json_log.text and "1212" not in json_log.text


def test_uvicorn_access_lines_lose_their_query_string() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/v1/org/people?email=anna%40example.se", "1.1", 200),
        None,
    )
    WithoutQueryString().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /api/v1/org/people HTTP/1.1" 200'
