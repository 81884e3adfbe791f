"""The HTTP middleware of every service app, all pure ASGI (a `BaseHTTPMiddleware` or
`@app.middleware("http")` layer runs each request in an extra task and copies the response; it cost
more than half the CPU of a request).

Outermost first: `EdgeMiddleware` (correlation id, response headers, access log, unexpected errors),
`HeaderLimitsMiddleware` (api/limits.py), `ConcurrencyLimitMiddleware` (api/overload.py),
`BodyLimitsMiddleware` (api/limits.py).
"""

from __future__ import annotations

import re
import time
import uuid

import structlog
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_shared.api.http_problems import http_problem
from platform_shared.api.limits import BodyLimitsMiddleware, HeaderLimitsMiddleware
from platform_shared.api.overload import ConcurrencyLimiter, ConcurrencyLimitMiddleware
from platform_shared.api.problems import Problem
from platform_shared.context import correlation_id_var
from platform_shared.settings import ServiceSettings

ACCESS_LOGGER = "platform_shared.access"
log = structlog.get_logger(ACCESS_LOGGER)

# A client's correlation id is echoed into logs, events and responses: only a short, plain one.
PLAIN_CORRELATION_ID = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
NO_STORE = (b"cache-control", b"no-store")
NOSNIFF = (b"x-content-type-options", b"nosniff")


def accepted_correlation_id(value: bytes | None) -> str:
    """The client's id when it is short and plain, else a new one."""
    if value and PLAIN_CORRELATION_ID.fullmatch(value):
        return value.decode("ascii")
    return str(uuid.uuid4())


class EdgeMiddleware:
    """Sets the correlation id for the request (its trace is OpenTelemetry's: api/telemetry.py);
    adds `X-Correlation-ID`, `Cache-Control: no-store` (unless the route set its own) and
    `X-Content-Type-Options: nosniff` to every response; logs one access line (method, path without
    query string, status, duration, correlation id); turns any unexpected exception into a 500
    problem+json and logs its traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given_id: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"x-correlation-id":
                given_id = value
        correlation_id = accepted_correlation_id(given_id)
        correlation_token = correlation_id_var.set(correlation_id)
        started_at = time.perf_counter()
        status = 500
        response_started = False
        identity = (b"x-correlation-id", correlation_id.encode("ascii"))

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = list(message.get("headers", ()))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append(NO_STORE)
                headers += (NOSNIFF, identity)
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unexpected error", method=scope["method"], path=scope["path"])
            status = 500
            if not response_started:
                detail = f"Ett oväntat fel inträffade. Ange korrelations-id {correlation_id} vid kontakt."
                response = Problem(500, *http_problem(500, detail)).response()
                await response(scope, receive, send_with_headers)
        finally:
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round((time.perf_counter() - started_at) * 1000, 1),
            )
            correlation_id_var.reset(correlation_token)


def install_middleware(
    app: FastAPI, settings: ServiceSettings, limiter: ConcurrencyLimiter | None = None
) -> None:
    """Edge, header limits and the concurrency limit on `app` (`limiter`: one shared by several apps
    in one process; by default the app gets its own from `settings`)."""
    limiter = limiter or ConcurrencyLimiter.from_settings(settings)
    # add_middleware puts each layer outside the ones added before it.
    app.add_middleware(BodyLimitsMiddleware, settings=settings)
    app.add_middleware(ConcurrencyLimitMiddleware, limiter=limiter)
    app.add_middleware(
        HeaderLimitsMiddleware,
        max_header_bytes=settings.max_header_bytes,
        max_token_bytes=settings.max_token_bytes,
    )
    app.add_middleware(EdgeMiddleware)
