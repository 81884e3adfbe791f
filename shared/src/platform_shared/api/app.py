"""create_app for every service: lifespan, error handlers, health/ready/metrics, correlation ids."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from platform_shared.api.event_docs import add_event_docs_routes
from platform_shared.context import correlation_id_var, traceparent_var
from platform_shared.errors import Problem, install_error_handlers
from platform_shared.runtime import ServiceRuntime


def create_service_app(runtime: ServiceRuntime, *, manage_lifecycle: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if manage_lifecycle:
            await runtime.start()
        try:
            yield
        finally:
            if manage_lifecycle:
                await runtime.stop()

    app = FastAPI(title=runtime.definition.title, version="1.0.0", lifespan=lifespan)
    app.state.runtime = runtime
    install_error_handlers(app)
    install_correlation_middleware(app)
    add_operational_routes(app, runtime.check_ready)
    add_event_docs_routes(app)
    for router in runtime.definition.routers:
        app.include_router(router)
    return app


def install_correlation_middleware(app: FastAPI) -> None:
    @app.middleware("http")
    async def correlation(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        correlation_id = request.headers.get("x-correlation-id") or str(uuid.uuid4())
        correlation_token = correlation_id_var.set(correlation_id)
        trace_token = traceparent_var.set(request.headers.get("traceparent"))
        try:
            response = await call_next(request)
        finally:
            correlation_id_var.reset(correlation_token)
            traceparent_var.reset(trace_token)
        response.headers["X-Correlation-ID"] = correlation_id
        return response


def add_operational_routes(app: FastAPI, check_ready: Callable[[], Awaitable[dict[str, str]]]) -> None:
    @app.get("/health", summary="Liveness", tags=["operations"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready", summary="Readiness: database and bus reachable", tags=["operations"])
    async def ready() -> Response:
        checks = await check_ready()
        if all(v == "ok" for v in checks.values()):
            return JSONResponse({"status": "ok", "checks": checks})
        problem = Problem(503, "/problems/not-ready", "Tjänsten är inte redo", str(checks))
        return problem.response()

    @app.get("/metrics", summary="Prometheus metrics", tags=["operations"])
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
