from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from platform_shared.auth.tokens import DevTokens
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.org import OrgUnitMoved, RoleAssigned
from platform_shared.messaging.local import LocalTransport
from platform_shared.runtime import ServiceRuntime
from platform_shared.testing import (
    OrgFixture,
    database_url,
    feed_org,
    publish,
    replica_role_count_at_least,
    running_service,
    standard_org,
    wait_until,
)
from risk_svc.app import build_runtime, deadline_worker
from risk_svc.config import RiskSettings
from risk_svc.service_layer.history import GROUP as HISTORY_GROUP
from risk_svc.service_layer.scheduler import DeadlineWorker

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@dataclass
class MovableClock:
    """The runtime's injected clock: tests move it instead of waiting."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime) -> None:
        self.now = when

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Harness:
    client: httpx.AsyncClient
    runtime: ServiceRuntime
    org: OrgFixture
    transport: LocalTransport
    clock: MovableClock
    worker: DeadlineWorker = field(init=False)

    def __post_init__(self) -> None:
        self.worker = deadline_worker(self.runtime)

    def auth(self, person: str, version: int | None = None) -> dict[str, str]:
        headers = self.org.auth(person)
        if version is not None:
            headers["If-Match"] = f'"{version}"'
        return headers

    def unit(self, key: str) -> str:
        return str(self.org.units[key])

    async def outbox(self, *types: str) -> list[tuple[str, dict[str, Any]]]:
        """(type, data) of every event in the outbox, oldest first (only `types` when given)."""
        outbox = self.runtime.messaging.outbox
        async with self.runtime.session_factory() as session:
            rows = await session.execute(select(outbox.c.event_type, outbox.c.payload).order_by(outbox.c.seq))
            return [(r[0], r[1]["data"]) for r in rows if not types or r[0] in types]

    async def feed(self, *events: EventPayload) -> None:
        """Events as deviation-svc puts them on the bus; returns when risk-svc's history has them."""
        consumer = next(c for c in self.runtime.consumers if c.spec.group == HISTORY_GROUP)
        before = consumer.processed_total
        await publish(self.transport, *events, source="deviation-svc")

        async def done() -> bool:
            return consumer.processed_total >= before + len(events)

        await wait_until(done)

    async def add_person(self, key: str, *roles: tuple[str, str]) -> None:
        """A person joins the organisation (through org events, as org-svc publishes them)."""
        before = len(self.org.events)
        self.org.person(key, *roles)
        await publish(self.transport, *self.org.events[before:])
        expected = sum(isinstance(e, RoleAssigned) for e in self.org.events)
        await wait_until(lambda: replica_role_count_at_least(self.runtime, expected))

    async def move_unit(self, key: str, new_parent: str, at: datetime) -> None:
        unit = self.org.units[key]
        table = self.runtime.replica.unit
        async with self.runtime.session_factory() as session:
            old = await session.scalar(select(table.c.parent_id).where(table.c.id == unit))
        await publish(
            self.transport,
            OrgUnitMoved(
                unit_id=unit, old_parent_id=old, new_parent_id=self.org.units[new_parent], moved_at=at
            ),
        )

        async def moved() -> bool:
            async with self.runtime.session_factory() as session:
                now = await session.scalar(select(table.c.parent_id).where(table.c.id == unit))
                return bool(now == self.org.units[new_parent])

        await wait_until(moved)

    async def call(self, method: str, path: str, person: str, expect: int = 200, **kwargs: Any) -> Any:
        response = await self.client.request(method, path, headers=self.auth(person), **kwargs)
        assert response.status_code == expect, (method, path, response.status_code, response.text)
        return response.json()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_url(request.param, tmp_path, "risk") as url:
        yield url


@pytest.fixture
async def svc(db_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    settings = RiskSettings(
        database_url=db_url, dev_key_dir=str(tmp_path), log_json=False, run_scheduler=False
    )
    clock = MovableClock()
    runtime = build_runtime(settings, transport=transport, clock=clock)
    async with running_service(runtime) as client:
        org = standard_org(DevTokens(tmp_path))
        await feed_org(runtime, org)
        yield Harness(client, runtime, org, transport, clock)
    await transport.stop()
