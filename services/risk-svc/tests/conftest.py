"""Every API test runs on SQLite and on PostgreSQL, through the shared Harness with risk-svc's steps."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from platform_shared.auth.tokens import DevTokens
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.org import OrgUnitMoved, OrgUnitRegiChanged, RoleAssigned
from platform_shared.messaging.transport import Transport
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.testing import (
    EPOCH,
    TestClock,
    database_url,
    harness,
    replica_role_count_at_least,
    standard_org,
    wait_until,
)
from platform_shared.testing import Harness as SharedHarness
from risk_svc.app import RiskRuntime, build_runtime, deadline_worker
from risk_svc.config import RiskSettings
from risk_svc.service_layer.history import GROUP as HISTORY_GROUP
from risk_svc.service_layer.scheduler import DeadlineWorker

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


class Harness(SharedHarness):
    """The shared harness with risk-svc's steps: answers as JSON, deviation-svc's events, org changes,
    the deadline worker."""

    @cached_property
    def worker(self) -> DeadlineWorker:
        return deadline_worker(self.runtime)

    def at_version(self, person: str, version: int) -> dict[str, str]:
        """`person`'s headers with If-Match naming `version`."""
        return self.auth(person, **{"If-Match": f'"{version}"'})

    async def json(self, method: str, path: str, person: str, expect: int = 200, **kwargs: Any) -> Any:
        """The JSON answer of a request that must answer `expect`."""
        return (await self.call(method, path, person, expect, **kwargs)).json()

    async def events(self, *types: str) -> list[dict[str, Any]]:
        """The data of every event in the outbox, oldest first (only `types` when given)."""
        return [e["data"] for e in await self.outbox(*types)]

    async def feed(self, *events: EventPayload) -> None:
        """Events as deviation-svc puts them on the bus; returns when risk-svc's history has them."""
        consumer = next(c for c in self.runtime.consumers if c.spec.group == HISTORY_GROUP)
        before = consumer.processed_total
        await self.publish(*events, source="deviation-svc")

        async def done() -> bool:
            return consumer.processed_total >= before + len(events)

        await wait_until(done)

    async def add_person(self, key: str, *roles: tuple[str, str]) -> None:
        """A person joins the organisation (through org events, as org-svc publishes them)."""
        before = len(self.org.events)
        self.org.person(key, *roles)
        await self.publish(*self.org.events[before:])
        expected = sum(isinstance(e, RoleAssigned) for e in self.org.events)
        await wait_until(lambda: replica_role_count_at_least(self.runtime, expected))

    async def org_event(self, event: EventPayload, reached: Any) -> None:
        """An org event, as org-svc publishes it; returns when `reached()` says the replica has it."""
        await self.publish(event)
        await wait_until(reached)

    async def move_unit(self, key: str, new_parent: str, at: datetime) -> None:
        unit = self.org.units[key]
        table = self.runtime.replica.unit
        async with self.runtime.session_factory() as session:
            old = await session.scalar(select(table.c.parent_id).where(table.c.id == unit))

        async def moved() -> bool:
            async with self.runtime.session_factory() as session:
                now = await session.scalar(select(table.c.parent_id).where(table.c.id == unit))
                return bool(now == self.org.units[new_parent])

        event = OrgUnitMoved(
            unit_id=unit, old_parent_id=old, new_parent_id=self.org.units[new_parent], moved_at=at
        )
        await self.org_event(event, moved)

    async def run_privately(self, key: str, provider: str, since: datetime = EPOCH) -> None:
        """A private provider runs the unit from `since` (under LOV), as org-svc publishes it."""
        unit = self.org.units[key]

        async def recorded() -> bool:
            async with self.runtime.session_factory() as session:
                return await OrgDirectory(session, self.runtime.replica).regi_at(unit) is not None

        event = OrgUnitRegiChanged(
            unit_id=unit, regi="privat", procurement_form="lov", provider_name=provider, changed_at=since
        )
        await self.org_event(event, recorded)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_url(request.param, tmp_path, "risk") as url:
        yield url


@pytest.fixture
def clock() -> TestClock:
    return TestClock(START)


@pytest.fixture
async def svc(db_url: str, tmp_path: Path, clock: TestClock) -> AsyncIterator[Harness]:
    settings = RiskSettings(
        database_url=db_url, dev_key_dir=str(tmp_path), log_json=False, run_scheduler=False
    )

    def make(transport: Transport) -> RiskRuntime:
        return build_runtime(settings, transport=transport, clock=clock)

    async with harness(make, tmp_path, standard_org(DevTokens(tmp_path)), clock, cls=Harness) as h:
        yield h
