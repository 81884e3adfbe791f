"""A service at run time: its database, bus transport, outbox relay and consumers, and their lifecycle."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy import MetaData, Table, text
from sqlalchemy.engine import make_url

from platform_shared import tracing
from platform_shared.audit import Auditor
from platform_shared.auth.tokens import DevTokens, OidcTokens, TokenVerifier, VerifiedTokens
from platform_shared.db import make_engine, make_session_factory, pool_options
from platform_shared.loops import Loop, Supervisor
from platform_shared.loops import cancel_all as cancel_all  # re-exported
from platform_shared.messaging.consumer import ConsumerSpec, EventConsumer
from platform_shared.messaging.dead_letters import DeadLetters
from platform_shared.messaging.local import LocalTransport
from platform_shared.messaging.relay import OutboxRelay
from platform_shared.messaging.tables import MessagingTables
from platform_shared.messaging.transport import Transport
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.migrations import upgrade_to_head
from platform_shared.orgreplica.callers import ReplicaCache
from platform_shared.orgreplica.projector import replica_consumer
from platform_shared.orgreplica.tables import ReplicaTables
from platform_shared.private_files import private_file
from platform_shared.service_metrics import BacklogGauges, watch_pool
from platform_shared.settings import ServiceSettings
from platform_shared.timeutil import Clock, utc_now

if TYPE_CHECKING:  # the runtime itself needs no web framework; the app (platform_shared.api) mounts them
    from fastapi import APIRouter

    from platform_shared.api.openapi_doc import Operation

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
    # Background loops beside the relay and consumers (e.g. the deadline scheduler), each supervised.
    extra_workers: Callable[[ServiceRuntime], list[Loop]] = field(default=lambda _rt: [])
    # The request pipeline's tables, when the service has them: Idempotency-Key first answers
    # (platform_shared.idempotency.attach_idempotency_table) and the audit log of personal data
    # (platform_shared.audit.attach_audit_table).
    idempotency: Table | None = None
    audit_log: Table | None = None
    # Each operation's id, description and examples for the OpenAPI document (api/openapi_doc.py).
    operations: Mapping[tuple[str, str], Operation] = field(default_factory=dict)


def make_transport(settings: ServiceSettings, client_id: str) -> Transport:
    if settings.bus == "kafka":
        from platform_shared.messaging.kafka import KafkaTransport

        tracing.instrument_kafka_client(client_id.removesuffix("-svc"))
        return KafkaTransport(
            settings.kafka_bootstrap_servers,
            client_id=client_id,
            fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
            metadata_max_age_ms=settings.kafka_metadata_max_age_ms,
        )
    return LocalTransport(settings.local_bus_url)


def make_verifier(settings: ServiceSettings) -> VerifiedTokens:
    return VerifiedTokens(_signature_verifier(settings))


def _signature_verifier(settings: ServiceSettings) -> TokenVerifier:
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


def _ensure_sqlite_file(url: str) -> None:
    """The database file made 0600 before SQLite makes it (its -wal and -shm files take its mode)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        private_file(Path(parsed.database))


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
            _ensure_sqlite_file(url)
        self.engine = make_engine(
            settings.database_url,
            **pool_options(settings.db_pool_size, settings.db_max_overflow, settings.db_pool_timeout_s),
        )
        tracing.export_otlp(settings.otel_exporter_otlp_endpoint)
        tracing.instrument_engine(self.engine, self.name)
        watch_pool(self.name, self.engine)
        self.tracer = tracing.tracer(self.name)
        # Callers and units as the replica last showed them (orgreplica.callers: dropped on change).
        self.replica_cache = ReplicaCache()
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
            linger_s=settings.relay_linger_s,
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
        self.supervisor = Supervisor(self.name)
        self.dead_letters = DeadLetters(self.session_factory, definition.messaging, self.consumers)
        self.auditor = Auditor(definition.audit_log, self.name) if definition.audit_log is not None else None
        # The service's own parts (settings, cipher, stores …), handed to handlers as `ctx.parts`.
        self.components: Any = None

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
            tracer=self.tracer,
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
        """Start the relay, the consumers and the extra workers, each as a supervised loop. Nothing
        here needs the bus: a consumer subscribes in its first step."""
        self.supervisor.start(Loop("relay", self.relay.step))
        for consumer in self.consumers:
            self.supervisor.start(Loop(consumer.loop_name, consumer.step))
        for worker in self.definition.extra_workers(self):
            self.supervisor.start(worker)
        backlog = BacklogGauges(self.name, self.session_factory, self.definition.messaging, self.clock)
        self.supervisor.start(backlog.loop())

    async def stop(self) -> None:
        await self.supervisor.stop()
        await self.relay.close()
        for consumer in self.consumers:
            await consumer.stop()
        if self._owns_transport:
            await self.transport.stop()
        await self.engine.dispose()

    async def check_ready(self) -> Readiness:
        """Ready while the database answers: the API can serve. The body also says whether the bus
        answers and how each background loop is doing (a loop backing off is named)."""
        database = "ok"
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            database = f"error: {type(exc).__name__}"
        try:
            bus = "ok" if await self.transport.ping() else "unreachable"
        except Exception as exc:
            bus = f"unreachable: {type(exc).__name__}"
        return Readiness(
            ready=database == "ok",
            checks={"database": database, "bus": bus},
            relay="active" if self.relay.active else "standby",
            loops=self.supervisor.report(),
            backing_off=self.supervisor.backing_off(),
        )


@dataclass(frozen=True)
class Readiness:
    ready: bool
    checks: dict[str, str]
    relay: str | None = None
    loops: dict[str, dict[str, Any]] = field(default_factory=dict)
    backing_off: list[str] = field(default_factory=list)

    @staticmethod
    def combine(parts: dict[str, Readiness]) -> Readiness:
        """Several services in one process (the embedded runner): each check and loop prefixed."""
        return Readiness(
            ready=all(p.ready for p in parts.values()),
            checks={f"{name}.{check}": v for name, p in parts.items() for check, v in p.checks.items()},
            loops={f"{name}.{loop}": v for name, p in parts.items() for loop, v in p.loops.items()},
            backing_off=[f"{name}.{loop}" for name, p in parts.items() for loop in p.backing_off],
        )

    def body(self) -> dict[str, Any]:
        degraded = [name for name, state in self.checks.items() if state != "ok"] + self.backing_off
        return {
            "status": ("degraded" if degraded else "ok") if self.ready else "not_ready",
            "checks": self.checks,
            "relay": self.relay,
            "loops": self.loops,
            "degraded": degraded,
        }
