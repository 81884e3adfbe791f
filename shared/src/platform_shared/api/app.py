"""create_app for every service: lifespan, error handlers, health/ready/metrics, correlation ids."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from platform_shared.api.docs_page import add_docs_page
from platform_shared.api.event_docs import add_event_docs_routes
from platform_shared.api.middleware import install_middleware
from platform_shared.api.openapi_doc import document_api
from platform_shared.api.ops import ops_router
from platform_shared.api.overload import ConcurrencyLimiter
from platform_shared.api.problems import Problem, install_error_handlers
from platform_shared.api.telemetry import install_telemetry
from platform_shared.runtime import Readiness, ServiceRuntime


def create_service_app(
    runtime: ServiceRuntime, *, manage_lifecycle: bool = True, limiter: ConcurrencyLimiter | None = None
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if manage_lifecycle:
            await runtime.start()
        try:
            yield
        finally:
            if manage_lifecycle:
                await runtime.stop()

    app = FastAPI(
        title=runtime.definition.title, version="1.0.0", lifespan=lifespan, docs_url=None, redoc_url=None
    )
    document_api(
        app,
        runtime.settings.oidc_issuer if runtime.settings.auth_mode == "oidc" else None,
        runtime.name,
        runtime.definition.operations,
    )
    add_docs_page(app, runtime.definition.title)
    app.state.runtime = runtime
    install_error_handlers(app)
    install_middleware(app, runtime.settings, limiter)
    install_telemetry(app, runtime.name)
    add_operational_routes(app, runtime.check_ready)
    add_event_docs_routes(app)
    for router in runtime.definition.routers:
        app.include_router(router)
    app.include_router(ops_router(runtime.name))
    return app


def add_operational_routes(app: FastAPI, check_ready: Callable[[], Awaitable[Readiness]]) -> None:
    @app.get("/health", summary="Liveness", tags=["operations"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/ready",
        summary="Readiness: 200 while the database answers; the body tells the bus and every loop",
        tags=["operations"],
    )
    async def ready() -> Response:
        readiness = await check_ready()
        if readiness.ready:
            return JSONResponse(readiness.body())
        problem = Problem(503, "/problems/not-ready", "Tjänsten är inte redo", str(readiness.checks))
        return problem.response()

    @app.get("/metrics", summary="Prometheus metrics", tags=["operations"])
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
