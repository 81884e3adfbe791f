"""Input limits before work: body size while reading (413), content type (415), header and token size."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, FastAPI, File, UploadFile
from pydantic import BaseModel

from platform_shared.api.limits import body_limit
from platform_shared.api.middleware import install_middleware
from platform_shared.api.problems import install_error_handlers
from platform_shared.settings import ServiceSettings

SETTINGS = ServiceSettings(max_body_bytes=1_000, max_header_bytes=4_000, max_token_bytes=500)


class Thing(BaseModel):
    name: str


class UploadSettings(ServiceSettings):
    attachment_max_bytes: int = 3_000


def limited_app(settings: ServiceSettings = SETTINGS) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    install_middleware(app, settings)
    router = APIRouter(prefix="/api/v1/things")

    @router.post("")
    async def create(body: Thing) -> dict[str, str]:
        return {"name": body.name}

    @router.post("/{thing_id}/files")
    @body_limit(setting="attachment_max_bytes", framing_bytes=1_000)
    async def upload(thing_id: str, file: Annotated[UploadFile, File()]) -> dict[str, int]:
        return {"size": len(await file.read())}

    @router.post("/{thing_id}/notes")
    async def note(thing_id: str, file: Annotated[UploadFile, File()]) -> dict[str, int]:
        return {"size": len(await file.read())}

    @router.get("")
    async def listing() -> dict[str, str]:
        return {"ok": "yes"}

    app.include_router(router)

    return app


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")


def problem(response: httpx.Response, status: int, type_: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == type_ and body["status"] == status
    return body


async def test_a_json_body_within_the_limit_is_taken() -> None:
    async with client(limited_app()) as http:
        r = await http.post("/api/v1/things", json={"name": "x" * 900})
    assert r.status_code == 200


async def test_a_body_declared_larger_than_the_limit_is_refused_with_413_before_a_byte_is_read() -> None:
    app = limited_app(UploadSettings(max_body_bytes=1_000))
    reads = 0

    async def receive() -> dict[str, Any]:
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": b"{}" * 50_000, "more_body": False}

    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/things",
        "raw_path": b"/api/v1/things",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"100000")],
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
    }
    await app(scope, receive, send)
    assert sent[0]["status"] == 413 and reads == 0


async def test_a_chunked_body_growing_past_the_limit_is_cut_off_with_413() -> None:
    produced = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal produced
        for _ in range(1_000):
            produced += 1
            yield b'{"name": "' + b"x" * 500
        yield b'"}'

    async with client(limited_app()) as http:
        r = await http.post("/api/v1/things", content=chunks(), headers={"content-type": "application/json"})
    body = problem(r, 413, "/problems/payload-too-large")
    assert body["title"] == "Begäran är för stor"
    assert produced < 10  # reading stopped at the limit, not after a megabyte


async def test_a_route_that_takes_uploads_declares_its_own_larger_limit_from_a_setting() -> None:
    async with client(limited_app(UploadSettings(max_body_bytes=1_000))) as http:
        taken = await http.post(
            "/api/v1/things/1/files", files={"file": ("a.txt", b"a" * 2_500, "text/plain")}
        )
        refused = await http.post(
            "/api/v1/things/1/files", files={"file": ("a.txt", b"a" * 6_000, "text/plain")}
        )
        undeclared = await http.post(
            "/api/v1/things/1/notes", files={"file": ("a.txt", b"a" * 2_500, "text/plain")}
        )
    assert taken.status_code == 200 and taken.json() == {"size": 2_500}
    problem(refused, 413, "/problems/payload-too-large")
    problem(undeclared, 413, "/problems/payload-too-large")  # no declaration: the JSON default


async def test_a_body_that_is_not_json_on_a_json_route_answers_415() -> None:
    async with client(limited_app()) as http:
        text = await http.post(
            "/api/v1/things", content=b'{"name": "x"}', headers={"content-type": "text/plain"}
        )
        form = await http.post("/api/v1/things", data={"name": "x"})
        missing = await http.post("/api/v1/things", content=b'{"name": "x"}')
        merge = await http.post(
            "/api/v1/things",
            content=b'{"name": "x"}',
            headers={"content-type": "application/merge-patch+json"},
        )
        charset = await http.post(
            "/api/v1/things",
            content=b'{"name": "x"}',
            headers={"content-type": "application/json; charset=utf-8"},
        )
    for refused in (text, form, missing):
        problem(refused, 415, "/problems/unsupported-media-type")
    assert merge.status_code == 200 and charset.status_code == 200


async def test_headers_over_the_limit_answer_431() -> None:
    async with client(limited_app()) as http:
        r = await http.get("/api/v1/things", headers={"x-filler": "x" * 5_000})
    problem(r, 431, "/problems/headers-too-large")


async def test_a_one_megabyte_bearer_token_is_refused_before_it_is_parsed() -> None:
    settings = ServiceSettings()  # the defaults: 16 KiB of headers, 8 KiB of token
    async with client(limited_app(settings)) as http:
        huge = await http.get("/api/v1/things", headers={"authorization": "Bearer " + "a" * 1_000_000})
        long = await http.get("/api/v1/things", headers={"authorization": "Bearer " + "a" * 9_000})
        fine = await http.get("/api/v1/things", headers={"authorization": "Bearer " + "a" * 4_000})
    assert huge.status_code in (401, 431)
    problem(long, 401, "/problems/unauthenticated")
    assert long.headers["www-authenticate"] == "Bearer"
    assert fine.status_code == 200
