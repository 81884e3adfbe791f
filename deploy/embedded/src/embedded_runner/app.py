"""The embedded default: four services, one process, SQLite files under var/, the local bus.

Settings come from the environment as for each service alone (an unprefixed `MODE`, `AUTH_MODE`,
`LOG_LEVEL`, … applies to all four, `DEVIATION_MODE` to deviation-svc alone); the database and bus
files are always under the var directory. The demo (seed, dev tokens, demo administrator) is made only
with dev tokens in the embedded mode: with `MODE=production` or `AUTH_MODE=oidc` people sign in at the
OIDC issuer, and `ORG_BOOTSTRAP_ADMIN_SUBJECT` names the first systemadministrator (her token's
subject), who builds the organisation through the API."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import structlog
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from deviation_svc.app import build_runtime as build_deviation
from deviation_svc.config import DeviationSettings
from embedded_runner.gateway import Gateway, merged_openapi
from embedded_runner.seed import progress, seed_demo
from embedded_runner.seed.client import ADMIN_SUBJECT as DEMO_ADMIN_SUBJECT
from embedded_runner.seed.org import DEMO_PROVIDER
from org_svc.app import build_runtime as build_org
from org_svc.config import OrgSettings
from platform_shared.api.app import add_operational_routes, create_service_app
from platform_shared.api.docs_page import add_docs_page
from platform_shared.api.event_docs import add_event_docs_routes
from platform_shared.api.middleware import ACCESS_LOGGER, install_middleware
from platform_shared.api.overload import ConcurrencyLimiter
from platform_shared.api.problems import install_error_handlers
from platform_shared.api.telemetry import install_telemetry
from platform_shared.messaging.local import LocalTransport
from platform_shared.private_files import private_file, tighten
from platform_shared.runtime import Readiness, ServiceRuntime
from platform_shared.settings import ServiceSettings
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


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _announce_sign_in(org: OrgSettings) -> None:
    if org.bootstrap_admin_subject:
        log.info(
            "no demo: people sign in at the OIDC issuer",
            issuer=org.oidc_issuer,
            first_administrator_subject=org.bootstrap_admin_subject,
        )
    else:
        log.warning(
            "no demo and no administrator: set ORG_BOOTSTRAP_ADMIN_SUBJECT to the token subject of the "
            "first systemadministrator",
            issuer=org.oidc_issuer,
        )


def build_embedded(var_dir: Path, *, seed: bool = True) -> Embedded:
    tighten(var_dir)  # 0700, its files 0600 (also a var/ made by an earlier version)

    def sqlite(name: str) -> str:
        return f"sqlite+aiosqlite:///{var_dir / (name + '.sqlite')}"

    common: dict[str, Any] = {"dev_key_dir": str(var_dir), "local_bus_url": sqlite("bus"), "bus": "local"}
    environment = ServiceSettings(**common)
    org = OrgSettings(database_url=sqlite("org"), **common)
    deviation = DeviationSettings(database_url=sqlite("deviation"), **common)
    risk = RiskSettings(database_url=sqlite("risk"), **common)
    reporting = ReportingSettings(database_url=sqlite("reporting"), **common)
    demo = all(s.mode == "embedded" and s.auth_mode == "dev" for s in (org, deviation, risk, reporting))
    if demo and org.bootstrap_admin_subject is None:
        org = org.model_copy(update={"bootstrap_admin_subject": DEMO_ADMIN_SUBJECT})
    if demo and not deviation.provider_org_nr:  # the demo provider, unless the environment names one
        deviation = deviation.model_copy(update=DEMO_PROVIDER)
    if not demo:
        _announce_sign_in(org)
    private_file(var_dir / "bus.sqlite")
    transport = LocalTransport(sqlite("bus"))
    runtimes: dict[str, ServiceRuntime] = {
        "org": build_org(org, transport=transport),
        "deviation": build_deviation(deviation, transport=transport),
        "risk": build_risk(risk, transport=transport),
        "reporting": build_reporting(reporting, transport=transport),
    }
    # One process, one CPU budget: the four apps share one concurrency limit.
    limiter = ConcurrencyLimiter.from_settings(environment)
    apps = {
        name: create_service_app(rt, manage_lifecycle=False, limiter=limiter) for name, rt in runtimes.items()
    }
    holder: dict[str, Gateway] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await transport.start()
        started: list[ServiceRuntime] = []
        try:
            for name, runtime in runtimes.items():
                progress(f"Starting {name}-svc (its database: {var_dir / (name + '.sqlite')}) …")
                await runtime.start()
                started.append(runtime)
            if seed and demo:
                transport_in_process = httpx.ASGITransport(app=holder["app"])
                async with httpx.AsyncClient(
                    transport=transport_in_process, base_url="http://embedded"
                ) as http:
                    with _quiet(ACCESS_LOGGER):  # the demo's own requests: progress lines instead
                        await seed_demo(http, var_dir, org.bootstrap_admin_subject or DEMO_ADMIN_SUBJECT)
            yield
        finally:
            for runtime in reversed(started):
                await runtime.stop()
            await transport.stop()

    front = FastAPI(
        title="Kvalitetssystem (embedded)", lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None
    )
    install_error_handlers(front)
    install_middleware(front, environment, limiter)
    install_telemetry(front, "embedded")

    async def check_ready() -> Readiness:
        return Readiness.combine({name: await rt.check_ready() for name, rt in runtimes.items()})

    add_operational_routes(front, check_ready)
    add_event_docs_routes(front)
    add_docs_page(front, "Kvalitetssystem")

    @front.get("/openapi.json", include_in_schema=False)
    async def openapi() -> JSONResponse:
        return JSONResponse(merged_openapi(apps))

    gateway = Gateway(apps, front)
    holder["app"] = gateway
    return Embedded(app=gateway, front=front, runtimes=runtimes, transport=transport, var_dir=var_dir)
