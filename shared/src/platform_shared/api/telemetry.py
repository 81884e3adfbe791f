"""What an operator sees of every HTTP request: a latency histogram per route template, method and
status (`<service>_http_request_duration_seconds`; its `_count` is the request count), and a server span
continuing the caller's trace (OpenTelemetry's ASGI instrumentation; platform_shared/tracing.py). Both
are pure ASGI; the span is named after the route template FastAPI leaves in the scope once it has
routed the request (OpenTelemetry's FastAPI instrumentation would match every route a second time)."""

from __future__ import annotations

import time

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.metrics import NoOpMeterProvider
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_shared import metrics, tracing

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Probes and scrapes make no traces (they still count in the histogram).
UNTRACED = "/health$,/ready$,/metrics$"


class HttpMetricsMiddleware:
    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self._duration = metrics.histogram(
            f"{service}_http_request_duration_seconds",
            "Time to answer an HTTP request, by method, route template and status",
            ("method", "route", "status"),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                _name_span(scope)  # now: the server span ends with the response
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope["method"] if scope["method"] in METHODS else "other"
            self._duration.labels(method, route, str(status)).observe(time.perf_counter() - started)


def _name_span(scope: Scope) -> None:
    """The server span named after the route template (`POST /api/v1/deviations/{deviation_id}`)."""
    span = trace.get_current_span()
    route = getattr(scope.get("route"), "path", None)
    if route and span.is_recording():
        span.update_name(f"{scope['method']} {route}")
        span.set_attribute("http.route", route)


def _method_only(scope: Scope) -> tuple[str, dict[str, str]]:
    """The span's first name (the path may hold ids; HttpMetricsMiddleware names it after the route)."""
    return str(scope.get("method", "HTTP")), {}


def _without_query(span: trace.Span, scope: Scope) -> None:
    """A query string may hold personal data or a secret (a calendar feed's `?feed=`): the server span
    keeps the URL without it, as the access log does (platform_shared.logs.WithoutQueryString)."""
    if span.is_recording() and scope.get("query_string"):
        server = scope.get("server") or ("", None)
        host, port = server[0], server[1]
        netloc = f"{host}:{port}" if port else str(host)
        span.set_attribute("http.url", f"{scope.get('scheme', 'http')}://{netloc}{scope.get('path', '')}")
        span.set_attribute("http.target", str(scope.get("path", "")))


def install_telemetry(app: FastAPI, service: str) -> None:
    """The request histogram and the server spans on `app` (call after the other middleware: both then
    cover everything they do)."""
    app.add_middleware(HttpMetricsMiddleware, service=service)
    app.add_middleware(
        OpenTelemetryMiddleware,
        tracer_provider=tracing.provider_for(service),
        meter_provider=NoOpMeterProvider(),
        excluded_urls=UNTRACED,
        exclude_spans=["receive", "send"],
        default_span_details=_method_only,
        server_request_hook=_without_query,
    )
