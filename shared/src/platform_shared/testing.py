"""Test support shared by every service's tests: databases, a running service, org events, tokens, the
test clock and the `Harness` every service's API tests drive it through."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import orjson
from sqlalchemy import func, select

from platform_shared.api.app import create_service_app
from platform_shared.auth.tokens import DevTokens
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import structured_headers, wrap
from platform_shared.contracts.org import OrgUnitCreated, PersonRegistered, RoleAssigned
from platform_shared.ids import new_id
from platform_shared.messaging.local import LocalTransport
from platform_shared.messaging.transport import OutgoingMessage, Transport
from platform_shared.runtime import ServiceRuntime
from platform_shared.timeutil import utc_now

PG_ADMIN_DSN = os.environ.get("TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


async def create_pg_database(prefix: str) -> str:
    """A fresh, uniquely named PostgreSQL database; returns its SQLAlchemy async URL."""
    import asyncpg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


async def drop_pg_database(url: str) -> None:
    import asyncpg

    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@asynccontextmanager
async def database_url(kind: str, tmp_path: Path, prefix: str) -> AsyncIterator[str]:
    """kind 'sqlite' (a file, as in the embedded default) or 'postgres' (the real server)."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / (prefix + '.sqlite')}"
        return
    url = await create_pg_database(prefix)
    try:
        yield url
    finally:
        await drop_pg_database(url)


async def wait_until(
    predicate: Callable[[], Awaitable[bool]], timeout_s: float = 10.0, interval_s: float = 0.02
) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        if await predicate():
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s")
        await asyncio.sleep(interval_s)


async def publish(transport: Transport, *payloads: EventPayload, source: str = "org-svc") -> None:
    """Put events on the bus as their producing service would (used to feed a replica in tests)."""
    messages = []
    for payload in payloads:
        envelope = wrap(payload, source=source, actor_id=None, correlation_id="test")
        messages.append(
            OutgoingMessage(
                topic=payload.topic,
                key=envelope.subject,
                value=orjson.dumps(envelope.model_dump(mode="json")),
                headers=structured_headers(None),
            )
        )
    await transport.send_batch(messages)


@dataclass
class OrgFixture:
    """A small organisation expressed as org events, with a dev token per person."""

    tokens: DevTokens
    units: dict[str, uuid.UUID] = field(default_factory=dict)
    people: dict[str, uuid.UUID] = field(default_factory=dict)
    events: list[EventPayload] = field(default_factory=list)

    def unit(self, key: str, level: str, parent: str | None = None, laws: tuple[str, ...] = ()) -> uuid.UUID:
        unit_id = new_id()
        self.units[key] = unit_id
        self.events.append(
            OrgUnitCreated(
                unit_id=unit_id,
                parent_id=self.units[parent] if parent else None,
                name=key,
                level=level,
                laws=list(laws),
                valid_from=EPOCH,
            )
        )
        return unit_id

    def person(self, key: str, *roles: tuple[str, str]) -> uuid.UUID:
        person_id = new_id()
        self.people[key] = person_id
        self.events.append(
            PersonRegistered(person_id=person_id, subject=f"sub-{key}", email=f"{key}@example.se", name=key)
        )
        for role, unit_key in roles:
            self.events.append(
                RoleAssigned(
                    assignment_id=new_id(),
                    person_id=person_id,
                    role=role,
                    unit_id=self.units[unit_key],
                    valid_from=EPOCH,
                )
            )
        return person_id

    def token(self, person_key: str) -> str:
        return self.tokens.mint(f"sub-{person_key}")

    def auth(self, person_key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(person_key)}"}


def standard_org(tokens: DevTokens) -> OrgFixture:
    """nämnd > förvaltning > two areas > three enheter, and one person per typical role."""
    org = OrgFixture(tokens)
    org.unit("namnd", "namnd")
    org.unit("forvaltning", "forvaltning", "namnd", ("SoL", "LSS", "HSL"))
    org.unit("omsorg", "verksamhetsomrade", "forvaltning", ("SoL", "HSL"))
    org.unit("lss", "verksamhetsomrade", "forvaltning", ("LSS",))
    org.unit("enhet_a", "enhet", "omsorg", ("SoL", "HSL"))
    org.unit("enhet_b", "enhet", "omsorg", ("SoL",))
    org.unit("enhet_c", "enhet", "lss", ("LSS",))
    org.person("socialchef", ("socialchef", "forvaltning"))
    org.person("mas", ("mas", "forvaltning"))
    org.person("kvalitetsledare", ("kvalitetsledare", "forvaltning"))
    org.person("enhetschef_a", ("enhetschef", "enhet_a"))
    org.person("enhetschef_c", ("enhetschef", "enhet_c"))
    org.person("medarbetare_a", ("medarbetare", "enhet_a"))
    org.person("namnd", ("namnd_ledamot", "namnd"))
    org.person("admin", ("systemadministrator", "namnd"))
    return org


@asynccontextmanager
async def running_service(runtime: ServiceRuntime) -> AsyncIterator[httpx.AsyncClient]:
    """Migrated and started service (relay and consumers running) with an in-process HTTP client."""
    app = create_service_app(runtime, manage_lifecycle=False)
    await runtime.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as client:
            yield client
    finally:
        await runtime.stop()


async def replica_role_count_at_least(runtime: ServiceRuntime, expected: int) -> bool:
    async with runtime.session_factory() as session:
        count = await session.scalar(select(func.count()).select_from(runtime.replica.role))
        return (count or 0) >= expected


async def feed_org(runtime: ServiceRuntime, org: OrgFixture) -> None:
    """Publish the fixture's org events and wait until the service's replica has them all."""
    await publish(runtime.transport, *org.events)
    expected = sum(isinstance(e, RoleAssigned) for e in org.events)
    await wait_until(lambda: replica_role_count_at_least(runtime, expected))


def kafka_bootstrap_address() -> str:
    """The test session's broker (see platform_shared.testing_kafka)."""
    from platform_shared.testing_kafka import session_broker

    return session_broker().bootstrap


class TestClock:
    """The runtime's clock in tests: fixed at `now` (real time while None) and moved by hand."""

    __test__ = False  # not a pytest test class

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now or utc_now()

    def set(self, when: datetime) -> None:
        self.now = when

    def advance(self, delta: timedelta | None = None, **parts: float) -> None:
        """`advance(timedelta(hours=2))` or `advance(hours=2)`."""
        self.now = self() + (delta or timedelta()) + timedelta(**parts)


@dataclass
class Harness:
    """A started service and its test organisation, driven through the API. A service's conftest
    subclasses it for its own steps (report a deviation, build a unit …)."""

    client: httpx.AsyncClient
    runtime: ServiceRuntime
    transport: Transport
    clock: TestClock
    org: OrgFixture

    def auth(self, person: str, **headers: str) -> dict[str, str]:
        return {**self.org.auth(person), **headers}

    def person(self, key: str) -> str:
        return str(self.org.people[key])

    def unit(self, key: str) -> str:
        return str(self.org.units[key])

    async def call(
        self, method: str, path: str, person: str, expect: int | None = None, **kwargs: Any
    ) -> httpx.Response:
        """A request as `person`; with `expect`, asserts the status (the body is in the message)."""
        headers = {**self.auth(person), **kwargs.pop("headers", {})}
        response = await self.client.request(method, path, headers=headers, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (method, path, person, response.text)
        return response

    async def outbox(self, *types: str) -> list[dict[str, Any]]:
        """Every event the service wrote (the stored envelope with its data), oldest first; only
        `types` when given."""
        o = self.runtime.messaging.outbox.c
        async with self.runtime.session_factory() as session:
            rows = await session.execute(select(o.event_type, o.payload).order_by(o.seq))
            return [r.payload for r in rows if not types or r.event_type in types]

    async def event_types(self, subject: str | None = None) -> list[str]:
        return [e["type"] for e in await self.outbox() if subject is None or e["subject"] == subject]

    async def publish(self, *payloads: EventPayload, source: str = "org-svc") -> None:
        await publish(self.transport, *payloads, source=source)


H = TypeVar("H", bound=Harness)


@asynccontextmanager
async def harness(
    make_runtime: Callable[[Transport], ServiceRuntime],
    tmp_path: Path,
    org: OrgFixture,
    clock: TestClock,
    *,
    feed: bool = True,
    cls: type[H] = Harness,  # type: ignore[assignment]
) -> AsyncIterator[H]:
    """The service on a local bus in `tmp_path`, started, its replica fed with `org` (unless the database
    holds it already: feed=False), as a `cls` harness."""
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    try:
        runtime = make_runtime(transport)
        async with running_service(runtime) as client:
            if feed:
                await feed_org(runtime, org)
            yield cls(client, runtime, transport, clock, org)
    finally:
        await transport.stop()
