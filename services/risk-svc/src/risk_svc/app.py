from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from platform_shared.api.app import create_service_app
from platform_shared.messaging.transport import Transport
from platform_shared.runtime import ServiceDefinition, ServiceRuntime
from platform_shared.timeutil import Clock, utc_now
from risk_svc.adapters.orm import Base, messaging, replica
from risk_svc.config import RiskSettings, get_settings
from risk_svc.entrypoints.api.routes import router

SERVICE_ROOT = Path(__file__).resolve().parents[2]

DEFINITION = ServiceDefinition(
    name="risk",
    title="risk-svc: riskbedömning (sannolikhet × konsekvens)",
    metadata=Base.metadata,
    messaging=messaging,
    replica=replica,
    alembic_ini=SERVICE_ROOT / "alembic.ini",
    routers=[router],
)


def build_runtime(
    settings: RiskSettings | None = None, *, transport: Transport | None = None, clock: Clock = utc_now
) -> ServiceRuntime:
    return ServiceRuntime(DEFINITION, settings or get_settings(), transport=transport, clock=clock)


def create_app(settings: RiskSettings | None = None) -> FastAPI:
    return create_service_app(build_runtime(settings))
