from __future__ import annotations

from pathlib import Path
from typing import cast

from fastapi import FastAPI

from platform_shared.api.app import create_service_app
from platform_shared.deadlines.store import DeadlineScheduler
from platform_shared.loops import Loop
from platform_shared.messaging.consumer import ConsumerSpec
from platform_shared.messaging.transport import Transport
from platform_shared.runtime import ServiceDefinition, ServiceRuntime
from platform_shared.timeutil import Clock, utc_now
from reporting_svc.adapters.mailer import make_mailer
from reporting_svc.adapters.orm import Base, deadline_tables, idempotency, messaging, replica
from reporting_svc.config import ReportingSettings, get_settings
from reporting_svc.entrypoints.api import (
    arshjul,
    dashboard,
    kvalitetsrad,
    notifications,
    openapi_docs,
    reports,
    statistics,
    webhooks,
)
from reporting_svc.service_layer.arshjul.fulfilment import ARSHJUL_GROUP, arshjul_consumer
from reporting_svc.service_layer.context import Components
from reporting_svc.service_layer.dashboard import DashboardGauges
from reporting_svc.service_layer.mail import MailWorker
from reporting_svc.service_layer.notifications import IvoReminders, NotificationRouting
from reporting_svc.service_layer.projections import projection_consumer
from reporting_svc.service_layer.webhooks import WebhookWorker, refresh_subscribed_types

SERVICE_ROOT = Path(__file__).resolve().parents[2]


def settings_of(runtime: ServiceRuntime) -> ReportingSettings:
    return cast(ReportingSettings, runtime.settings)


def consumers(runtime: ServiceRuntime) -> list[ConsumerSpec]:
    settings = settings_of(runtime)
    found: list[ConsumerSpec] = []
    if "projections" in settings.groups:
        found.append(projection_consumer())
    if "notifications" in settings.groups:
        found.append(NotificationRouting(runtime.replica, settings).spec())
    if ARSHJUL_GROUP.removeprefix("reporting.") in settings.groups:
        found.append(arshjul_consumer())
    return found


def deadline_scheduler(runtime: ServiceRuntime) -> DeadlineScheduler:
    """The årshjul's activities as deadlines (rule arshjul_activity): DeadlineApproaching and
    DeadlineMissed once each, claimed with SKIP LOCKED on PostgreSQL."""
    return DeadlineScheduler(deadline_tables, runtime.uow, service=runtime.name)


def workers(runtime: ServiceRuntime) -> list[Loop]:
    settings = settings_of(runtime)
    interval = settings.worker_interval_s
    found = [
        Loop(
            "ivo-reminders",
            IvoReminders(runtime.uow, runtime.replica, settings, runtime.clock).tick,
            interval,
        ),
        Loop("deadlines", deadline_scheduler(runtime).tick, interval),
        Loop("webhooks", WebhookWorker(runtime.session_factory, settings, runtime.clock).tick, interval),
        Loop("webhook-types", lambda: refresh_subscribed_types(runtime), interval),
        Loop(
            "dashboard-gauges",
            DashboardGauges(
                runtime.session_factory, runtime.replica, runtime.clock, lambda: runtime.consumers
            ).refresh,
            settings.metrics_refresh_s,
        ),
    ]
    mailer = make_mailer(settings)
    if mailer is not None:
        found.append(
            Loop("mail", MailWorker(runtime.session_factory, mailer, settings, runtime.clock).tick, interval)
        )
    return found


DEFINITION = ServiceDefinition(
    name="reporting",
    title="reporting-svc: statistik, rapporter och aviseringar byggda från händelser",
    metadata=Base.metadata,
    messaging=messaging,
    replica=replica,
    alembic_ini=SERVICE_ROOT / "alembic.ini",
    routers=[
        statistics.router,
        reports.router,
        notifications.router,
        webhooks.router,
        dashboard.router,
        arshjul.router,
        kvalitetsrad.router,
    ],
    extra_consumers=consumers,
    extra_workers=workers,
    operations=openapi_docs.OPERATIONS,
    idempotency=idempotency,
)


class ReportingRuntime(ServiceRuntime):
    """The shared runtime with reporting-svc's components (handed to handlers as `ctx.parts`)."""

    def __init__(
        self, settings: ReportingSettings, *, transport: Transport | None = None, clock: Clock = utc_now
    ) -> None:
        super().__init__(DEFINITION, settings, transport=transport, clock=clock)
        self.components = Components(
            settings=settings,
            refresh_webhooks=self._refresh_webhooks,
            service=self.name,
            consumers=lambda: self.consumers,
        )

    async def _refresh_webhooks(self) -> None:
        await refresh_subscribed_types(self)


def build_runtime(
    settings: ReportingSettings | None = None, *, transport: Transport | None = None, clock: Clock = utc_now
) -> ReportingRuntime:
    return ReportingRuntime(settings or get_settings(), transport=transport, clock=clock)


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    return create_service_app(build_runtime(settings))
