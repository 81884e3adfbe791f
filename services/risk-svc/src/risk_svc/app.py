from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from platform_shared.api.app import create_service_app
from platform_shared.deadlines.store import Deadlines
from platform_shared.loops import Loop
from platform_shared.messaging.consumer import ConsumerSpec
from platform_shared.messaging.transport import Transport
from platform_shared.runtime import ServiceDefinition, ServiceRuntime
from platform_shared.timeutil import Clock, utc_now
from risk_svc.adapters.orm import Base, deadlines, idempotency, messaging, replica
from risk_svc.config import RiskSettings, get_settings
from risk_svc.entrypoints.api import (
    analyses,
    control_plans,
    controls,
    goals,
    guarantees,
    imports,
    openapi_docs,
    risks,
    self_assessments,
    settings,
)
from risk_svc.service_layer.context import Components
from risk_svc.service_layer.goals.filling import ComputedIndicatorWorker
from risk_svc.service_layer.history import history_consumer
from risk_svc.service_layer.scheduler import DeadlineWorker

SERVICE_ROOT = Path(__file__).resolve().parents[2]
COMPUTE_INTERVAL_S = 60.0  # computed indicators: a new deviation shows in the month's value within a minute


def consumers(_: ServiceRuntime) -> list[ConsumerSpec]:
    return [history_consumer()]


def deadline_worker(runtime: ServiceRuntime) -> DeadlineWorker:
    return DeadlineWorker(runtime)


def workers(runtime: ServiceRuntime) -> list[Loop]:
    settings = runtime.settings
    if isinstance(settings, RiskSettings) and not settings.run_scheduler:
        return []
    interval = settings.scheduler_interval_s if isinstance(settings, RiskSettings) else 30.0
    return [
        Loop("deadlines", deadline_worker(runtime).tick, interval_s=interval),
        Loop("computed-indicators", ComputedIndicatorWorker(runtime).tick, interval_s=COMPUTE_INTERVAL_S),
    ]


DEFINITION = ServiceDefinition(
    name="risk",
    title="risk-svc: riskanalys, internkontrollplan och egenkontroll",
    metadata=Base.metadata,
    messaging=messaging,
    replica=replica,
    alembic_ini=SERVICE_ROOT / "alembic.ini",
    routers=[
        risks.router,
        risks.matrix_router,
        analyses.router,
        control_plans.router,
        controls.router,
        self_assessments.router,
        settings.router,
        goals.router,
        guarantees.router,
        imports.router,
    ],
    extra_consumers=consumers,
    extra_workers=workers,
    idempotency=idempotency,
    operations=openapi_docs.OPERATIONS,
)


class RiskRuntime(ServiceRuntime):
    """The shared runtime with risk-svc's components (handed to handlers as `ctx.parts`)."""

    def __init__(
        self, settings: RiskSettings, *, transport: Transport | None = None, clock: Clock = utc_now
    ) -> None:
        super().__init__(DEFINITION, settings, transport=transport, clock=clock)
        self.components = Components(settings=settings, deadlines=Deadlines(deadlines))


def build_runtime(
    settings: RiskSettings | None = None, *, transport: Transport | None = None, clock: Clock = utc_now
) -> RiskRuntime:
    return RiskRuntime(settings or get_settings(), transport=transport, clock=clock)


def create_app(settings: RiskSettings | None = None) -> FastAPI:
    return create_service_app(build_runtime(settings))
