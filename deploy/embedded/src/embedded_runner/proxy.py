"""The one public entry of `make run-distributed`: an HTTP reverse proxy that routes each public
path prefix to the service process that owns it (the same table as the embedded gateway and nginx),
and answers /health, /ready (every service's) and /openapi.json (merged) itself."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from embedded_runner.gateway import Receive, Scope, Send, merge_documents, owner_of
from platform_shared.api.problems import Problem

HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
     "transfer-encoding", "upgrade", "host", "content-length"}
)  # fmt: skip
# The owner of the path cannot be reached: one problem, written by the one translator.
UNAVAILABLE = Problem(
    503, "/problems/service-unavailable", "Tjänsten svarar inte", "Tjänsten som äger sökvägen går inte att nå"
)


class ProxyGateway:
    def __init__(self, upstreams: dict[str, str]) -> None:
        self.upstreams = upstreams
        self._client: httpx.AsyncClient | None = None
        self.front = self._front()

    def _front(self) -> FastAPI:
        @asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(60.0, connect=5.0))
            try:
                yield
            finally:
                await self._client.aclose()

        front = FastAPI(title="Kvalitetssystem (distributed)", openapi_url=None, lifespan=lifespan)

        @front.get("/health")
        async def health() -> dict[str, str]:
            return {"status": "ok"}

        @front.get("/ready")
        async def ready() -> JSONResponse:
            found: dict[str, Any] = {}
            for name, url in self.upstreams.items():
                try:
                    response = await self.client.get(f"{url}/ready", timeout=5.0)
                    found[name] = response.json()
                except (httpx.HTTPError, ValueError) as exc:
                    found[name] = {"status": "unreachable", "error": type(exc).__name__}
            ok = all(part.get("status") in ("ok", "degraded") for part in found.values())
            return JSONResponse(
                {"status": "ok" if ok else "not_ready", "services": found}, 200 if ok else 503
            )

        @front.get("/openapi.json", include_in_schema=False)
        async def openapi() -> JSONResponse:
            parts = [(await self.client.get(f"{url}/openapi.json")).json() for url in self.upstreams.values()]
            return JSONResponse(merge_documents("Kvalitetssystem (distributed)", parts))

        return front

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("the gateway has not started")
        return self._client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        service = owner_of(scope["path"]) if scope["type"] == "http" else None
        if service is None:
            await self.front(scope, receive, send)
            return
        await self._forward(self.upstreams[service], scope, receive, send)

    async def _forward(self, upstream: str, scope: Scope, receive: Receive, send: Send) -> None:
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        url = upstream + path.decode("latin-1") + (("?" + query.decode("latin-1")) if query else "")
        headers = [(k, v) for k, v in scope["headers"] if k.decode("latin-1").lower() not in HOP_BY_HOP]
        client = scope.get("client") or ("", 0)
        headers.append((b"x-forwarded-for", str(client[0]).encode()))
        request = self.client.build_request(scope["method"], url, headers=headers, content=bytes(body))
        try:
            response = await self.client.send(request, stream=True)
        except httpx.HTTPError:
            await UNAVAILABLE.response()(scope, receive, send)
            return
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status_code,
                    "headers": [
                        (k, v)
                        for k, v in response.headers.raw
                        if k.decode("latin-1").lower() not in HOP_BY_HOP
                    ],
                }
            )
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()
