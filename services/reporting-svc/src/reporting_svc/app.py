from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from platform_shared.api.app import create_service_app
from platform_shared.messaging.consumer import ConsumerSpec
from platform_shared.messaging.transport import Transport
from platform_shared.runtime import ServiceDefinition, ServiceRuntime
from platform_shared.timeutil import Clock, utc_now
from reporting_svc.adapters.orm import Base, messaging, replica
from reporting_svc.config import ReportingSettings, get_settings
from reporting_svc.entrypoints.api.routes import notifications_router, reports_router
from reporting_svc.service_layer.consumers import notification_consumer, projection_consumer

SERVICE_ROOT = Path(__file__).resolve().parents[2]


def consumers(runtime: ServiceRuntime) -> list[ConsumerSpec]:
    return [projection_consumer(), notification_consumer(runtime.replica)]


DEFINITION = ServiceDefinition(
    name="reporting",
    title="reporting-svc: rapporter och aviseringar byggda från händelser",
    metadata=Base.metadata,
    messaging=messaging,
    replica=replica,
    alembic_ini=SERVICE_ROOT / "alembic.ini",
    routers=[reports_router, notifications_router],
    extra_consumers=consumers,
)


def build_runtime(
    settings: ReportingSettings | None = None, *, transport: Transport | None = None, clock: Clock = utc_now
) -> ServiceRuntime:
    return ServiceRuntime(DEFINITION, settings or get_settings(), transport=transport, clock=clock)


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    return create_service_app(build_runtime(settings))
