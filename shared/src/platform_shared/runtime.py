"""A service at run time: its database, bus transport, outbox relay and consumers, and their lifecycle."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog
from fastapi import APIRouter
from sqlalchemy import MetaData, text
from sqlalchemy.engine import make_url

from platform_shared.auth.tokens import DevTokens, OidcTokens, TokenVerifier
from platform_shared.db import make_engine, make_session_factory
from platform_shared.messaging.consumer import ConsumerSpec, EventConsumer
from platform_shared.messaging.local import LocalTransport
from platform_shared.messaging.relay import OutboxRelay
from platform_shared.messaging.tables import MessagingTables
from platform_shared.messaging.transport import Transport
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.migrations import upgrade_to_head
from platform_shared.orgreplica.projector import replica_consumer
from platform_shared.orgreplica.tables import ReplicaTables
from platform_shared.settings import ServiceSettings
from platform_shared.timeutil import Clock, utc_now

log = structlog.get_logger(__name__)


@dataclass
class ServiceDefinition:
    name: str
    title: str
    metadata: MetaData
    messaging: MessagingTables
    replica: ReplicaTables
    alembic_ini: Path
    routers: Sequence[APIRouter]
    extra_consumers: Callable[[ServiceRuntime], list[ConsumerSpec]] = field(default=lambda _rt: [])
    # org-svc writes its replica in the same transaction as its own changes instead.
    consumes_org_events: bool = True
    # Background loops beside the relay and consumers (e.g. the deadline scheduler).
    extra_workers: Callable[[ServiceRuntime], list[Callable[[], Coroutine[Any, Any, None]]]] = field(
        default=lambda _rt: []
    )


def make_transport(settings: ServiceSettings, client_id: str) -> Transport:
    if settings.bus == "kafka":
        from platform_shared.messaging.kafka import KafkaTransport

        return KafkaTransport(
            settings.kafka_bootstrap_servers,
            client_id=client_id,
            fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
            metadata_max_age_ms=settings.kafka_metadata_max_age_ms,
        )
    return LocalTransport(settings.local_bus_url)


def make_verifier(settings: ServiceSettings) -> TokenVerifier:
    if settings.auth_mode == "oidc":
        assert settings.oidc_issuer
        return OidcTokens(
            settings.oidc_issuer,
            settings.oidc_jwks_url,
            settings.oidc_audiences,
            token_types=settings.oidc_token_type_list,
            https_only=settings.mode == "production",
            min_refetch_interval_s=settings.oidc_jwks_min_refetch_s,
            subject_claim=settings.oidc_subject_claim,
        )
    return DevTokens(settings.dev_key_dir, settings.oidc_audiences[0])


def _ensure_sqlite_dir(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


class ServiceRuntime:
    def __init__(
        self,
        definition: ServiceDefinition,
        settings: ServiceSettings,
        *,
        transport: Transport | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.definition = definition
        self.name = definition.name
        self.settings = settings
        self.clock = clock
        for url in (settings.database_url, settings.local_bus_url):
            _ensure_sqlite_dir(url)
        self.engine = make_engine(settings.database_url)
        self.session_factory = make_session_factory(self.engine)
        self._owns_transport = transport is None
        self.transport = transport or make_transport(settings, client_id=f"{self.name}-svc")
        self.verifier = make_verifier(settings)
        self.relay = OutboxRelay(
            self.session_factory,
            definition.messaging,
            self.transport,
            service=self.name,
            poll_interval_s=settings.relay_poll_interval_s,
        )
        specs = [
            *([replica_consumer(self.name, definition.replica)] if definition.consumes_org_events else []),
            *definition.extra_consumers(self),
        ]
        self.consumers = [
            EventConsumer(
                spec,
                service=self.name,
                session_factory=self.session_factory,
                tables=definition.messaging,
                transport=self.transport,
                uow_factory=self.uow,
            )
            for spec in specs
        ]
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def messaging(self) -> MessagingTables:
        return self.definition.messaging

    @property
    def replica(self) -> ReplicaTables:
        return self.definition.replica

    def uow(self, actor_id: uuid.UUID | None = None) -> UnitOfWork:
        return UnitOfWork(
            self.session_factory,
            self.definition.messaging,
            source=f"{self.name}-svc",
            actor_id=actor_id,
            on_commit=self.relay.wake,
            clock=self.clock,
        )

    async def migrate(self) -> None:
        await asyncio.to_thread(upgrade_to_head, self.definition.alembic_ini, self.settings.database_url)

    async def start(self) -> None:
        if self.settings.run_migrations:
            await self.migrate()
        await self.transport.start()
        if self.settings.run_workers:
            await self.start_workers()

    async def start_workers(self) -> None:
        for consumer in self.consumers:
            await consumer.start()
        self._tasks.append(asyncio.create_task(self.relay.run(), name=f"{self.name}-relay"))
        for consumer in self.consumers:
            self._tasks.append(asyncio.create_task(consumer.run(), name=f"{consumer.spec.group}"))
        for index, worker in enumerate(self.definition.extra_workers(self)):
            self._tasks.append(asyncio.create_task(worker(), name=f"{self.name}-worker-{index}"))

    async def stop(self) -> None:
        await cancel_all(self._tasks)
        self._tasks.clear()
        for consumer in self.consumers:
            await consumer.stop()
        if self._owns_transport:
            await self.transport.stop()
        await self.engine.dispose()

    async def check_ready(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"error: {type(exc).__name__}"
        try:
            checks["bus"] = "ok" if await self.transport.ping() else "error"
        except Exception as exc:
            checks["bus"] = f"error: {type(exc).__name__}"
        return checks


async def cancel_all(tasks: list[asyncio.Task[None]], grace_s: float = 5.0) -> None:
    """Cancel background tasks and wait for them; cancel again if one swallowed the first request."""
    pending = {t for t in tasks if not t.done()}
    deadline = asyncio.get_running_loop().time() + grace_s
    while pending:
        for task in pending:
            task.cancel()
        done, pending = await asyncio.wait(pending, timeout=0.2)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                log.warning(
                    "background task ended with an error", task=task.get_name(), error=repr(task.exception())
                )
        if asyncio.get_running_loop().time() > deadline:
            log.error("background tasks did not stop", tasks=[t.get_name() for t in pending])
            return
