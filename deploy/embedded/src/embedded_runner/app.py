"""The embedded default: four services, one process, SQLite files under var/, the local bus."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from deviation_svc.app import build_runtime as build_deviation
from deviation_svc.config import DeviationSettings
from embedded_runner.gateway import Gateway, merged_openapi
from embedded_runner.seed.client import ADMIN_SUBJECT as DEMO_ADMIN_SUBJECT
from org_svc.app import build_runtime as build_org
from org_svc.config import OrgSettings
from platform_shared.api.app import add_operational_routes, create_service_app
from platform_shared.api.event_docs import add_event_docs_routes
from platform_shared.errors import install_error_handlers
from platform_shared.messaging.local import LocalTransport
from platform_shared.runtime import ServiceRuntime
from reporting_svc.app import build_runtime as build_reporting
from reporting_svc.config import ReportingSettings
from risk_svc.app import build_runtime as build_risk
from risk_svc.config import RiskSettings

log = structlog.get_logger(__name__)


@dataclass
class Embedded:
    app: Gateway
    front: FastAPI
    runtimes: dict[str, ServiceRuntime]
    transport: LocalTransport
    var_dir: Path


def build_embedded(var_dir: Path, *, seed: bool = True) -> Embedded:
    var_dir.mkdir(parents=True, exist_ok=True)

    def sqlite(name: str) -> str:
        return f"sqlite+aiosqlite:///{var_dir / (name + '.sqlite')}"

    common: dict[str, Any] = {"dev_key_dir": str(var_dir), "local_bus_url": sqlite("bus"), "bus": "local"}
    transport = LocalTransport(sqlite("bus"))
    org_settings = OrgSettings(database_url=sqlite("org"), **common)
    if not org_settings.bootstrap_admin_subject:  # not configured: the demo administrator
        org_settings = org_settings.model_copy(update={"bootstrap_admin_subject": DEMO_ADMIN_SUBJECT})
    runtimes: dict[str, ServiceRuntime] = {
        "org": build_org(org_settings, transport=transport),
        "deviation": build_deviation(
            DeviationSettings(database_url=sqlite("deviation"), **common), transport=transport
        ),
        "risk": build_risk(RiskSettings(database_url=sqlite("risk"), **common), transport=transport),
        "reporting": build_reporting(
            ReportingSettings(database_url=sqlite("reporting"), **common), transport=transport
        ),
    }
    apps = {name: create_service_app(rt, manage_lifecycle=False) for name, rt in runtimes.items()}
    holder: dict[str, Gateway] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await transport.start()
        started: list[ServiceRuntime] = []
        try:
            for runtime in runtimes.values():
                await runtime.start()
                started.append(runtime)
            if seed:
                from embedded_runner.seed import seed_demo

                await seed_demo(holder["app"], runtimes, var_dir)
            yield
        finally:
            for runtime in reversed(started):
                await runtime.stop()
            await transport.stop()

    front = FastAPI(title="Kvalitetssystem (embedded)", lifespan=lifespan, openapi_url=None)
    install_error_handlers(front)

    async def check_ready() -> dict[str, str]:
        checks: dict[str, str] = {}
        for name, runtime in runtimes.items():
            for part, state in (await runtime.check_ready()).items():
                checks[f"{name}.{part}"] = state
        return checks

    add_operational_routes(front, check_ready)
    add_event_docs_routes(front)

    @front.get("/openapi.json", include_in_schema=False)
    async def openapi() -> JSONResponse:
        return JSONResponse(merged_openapi(apps))

    gateway = Gateway(apps, front)
    holder["app"] = gateway
    return Embedded(app=gateway, front=front, runtimes=runtimes, transport=transport, var_dir=var_dir)
