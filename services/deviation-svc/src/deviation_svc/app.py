from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI

from deviation_svc.adapters.attachments import AttachmentStore, LocalDirectoryStore
from deviation_svc.adapters.orm import Base, audit_log, deadline_tables, idempotency, messaging, replica
from deviation_svc.config import DeviationSettings, get_settings
from deviation_svc.entrypoints.api import (
    actions,
    attachments,
    breaches,
    complaints,
    deviations,
    ivo,
    openapi_docs,
    proposals,
)
from deviation_svc.service_layer.context import Components
from deviation_svc.service_layer.proposals.moved import MovedProposals
from platform_shared.api.app import create_service_app
from platform_shared.deadlines.overrides import OverrideCache
from platform_shared.deadlines.store import Deadlines, DeadlineScheduler
from platform_shared.loops import Loop
from platform_shared.messaging.transport import Transport
from platform_shared.runtime import ServiceDefinition, ServiceRuntime
from platform_shared.timeutil import Clock, utc_now

SERVICE_ROOT = Path(__file__).resolve().parents[2]
# Moved complaints are announced in the first pass after start; later passes find nothing, cheaply.
MOVED_PROPOSALS_INTERVAL_S = 300.0


def deadline_scheduler(runtime: ServiceRuntime) -> DeadlineScheduler:
    return DeadlineScheduler(deadline_tables, runtime.uow, service=runtime.name)


def _workers(runtime: ServiceRuntime) -> list[Loop]:
    settings = runtime.settings
    interval = settings.deadline_interval_s if isinstance(settings, DeviationSettings) else 30.0
    return [
        Loop("deadlines", deadline_scheduler(runtime).tick, interval_s=interval),
        Loop("moved-proposals", MovedProposals(runtime.uow).tick, interval_s=MOVED_PROPOSALS_INTERVAL_S),
    ]


DEFINITION = ServiceDefinition(
    name="deviation",
    title="deviation-svc: avvikelser, Lex Sarah, Lex Maria, klagomål, personuppgiftsincidenter",
    metadata=Base.metadata,
    messaging=messaging,
    replica=replica,
    alembic_ini=SERVICE_ROOT / "alembic.ini",
    routers=[
        deviations.router,
        actions.router,
        ivo.router,
        attachments.router,
        complaints.router,
        proposals.router,
        breaches.router,
    ],
    extra_workers=_workers,
    idempotency=idempotency,
    audit_log=audit_log,
    operations=openapi_docs.OPERATIONS,
)


class DeviationRuntime(ServiceRuntime):
    """The shared runtime with deviation-svc's components (handed to handlers as `ctx.parts`): its
    settings, the personal-data cipher, deadlines and the attachment store."""

    def __init__(
        self,
        settings: DeviationSettings,
        *,
        transport: Transport | None = None,
        clock: Clock = utc_now,
        attachments: AttachmentStore | None = None,
    ) -> None:
        super().__init__(DEFINITION, settings, transport=transport, clock=clock)
        # The SQLite driver logs every statement's parameters at DEBUG: personal data never goes there.
        driver_log = logging.getLogger("aiosqlite")
        driver_log.setLevel(max(driver_log.getEffectiveLevel(), logging.INFO))
        self.components = Components(
            settings=settings,
            cipher=settings.cipher(),
            deadlines=Deadlines(deadline_tables, OverrideCache(settings.database_url)),
            attachments=attachments or LocalDirectoryStore(settings.attachments_path()),
        )

    async def stop(self) -> None:
        await self.components.deadlines.close()  # the override listener's connection
        await super().stop()


def build_runtime(
    settings: DeviationSettings | None = None, *, transport: Transport | None = None, clock: Clock = utc_now
) -> DeviationRuntime:
    return DeviationRuntime(settings or get_settings(), transport=transport, clock=clock)


def create_app(settings: DeviationSettings | None = None) -> FastAPI:
    return create_service_app(build_runtime(settings))
