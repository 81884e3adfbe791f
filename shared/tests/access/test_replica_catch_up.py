"""Every service's replica follows org-svc: a burst of org events through a service runtime's replica
consumer is applied in full, and after it a single change arrives within a second (embedded default:
SQLite files and the local bus)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.org import OrgUnitRenamed, PersonRegistered, RoleAssigned, RoleEnded
from platform_shared.db import make_metadata
from platform_shared.messaging.local import LocalTransport
from platform_shared.messaging.tables import attach_messaging_tables
from platform_shared.orgreplica.tables import attach_replica_tables
from platform_shared.runtime import ServiceDefinition, ServiceRuntime
from platform_shared.settings import ServiceSettings
from platform_shared.testing import EPOCH, OrgFixture, publish, wait_until
from platform_shared.timeutil import utc_now

from .conftest import Replica, tree

metadata = make_metadata()
DEFINITION = ServiceDefinition(
    name="probe",
    title="a service that only keeps an org replica",
    metadata=metadata,
    messaging=attach_messaging_tables(metadata),
    replica=attach_replica_tables(metadata),
    alembic_ini=Path("unused.ini"),
    routers=[],
)


@pytest.fixture
async def runtime(tmp_path: Path) -> AsyncIterator[ServiceRuntime]:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    settings = ServiceSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'probe.sqlite'}",
        run_migrations=False,
        dev_key_dir=str(tmp_path),
        log_json=False,
    )
    service = ServiceRuntime(DEFINITION, settings, transport=transport)
    async with service.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)  # tests only; services use Alembic
    await service.start()
    yield service
    await service.stop()
    await transport.stop()


def burst(org: OrgFixture, people: int) -> list[EventPayload]:
    """Each person: registered, given two roles, one of them ended — four events."""
    events: list[EventPayload] = []
    for n in range(people):
        person = org.person(f"p{n}", ("medarbetare", "enhet_a"), ("enhetschef", "enhet_b"))
        assigned = [e for e in org.events[-2:] if isinstance(e, RoleAssigned)]
        events += [
            *org.events[-3:],
            RoleEnded(assignment_id=assigned[0].assignment_id, person_id=person, ended_at=utc_now()),
        ]
    return events


async def _count(runtime: ServiceRuntime, table_name: str, *where: object) -> int:
    table = getattr(runtime.replica, table_name)
    async with runtime.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(table).where(*where)) or 0)  # type: ignore[arg-type]


async def test_a_service_replica_catches_up_with_a_burst_of_300_org_events_and_then_follows_within_a_second(
    runtime: ServiceRuntime, sqlite_replica: Replica
) -> None:
    org = tree(sqlite_replica)
    events: list[EventPayload] = list(org.events)  # 7 units
    org.events.clear()
    events += burst(org, 73)  # 292 more
    events.append(OrgUnitRenamed(unit_id=org.units["enhet_a"], name="Enhet A", renamed_at=EPOCH))
    assert len(events) == 300

    started = time.monotonic()
    await publish(runtime.transport, *events)
    role = runtime.replica.role.c

    async def caught_up() -> bool:
        ended = await _count(runtime, "role", role.valid_to.is_not(None))
        return ended == 73 and await _count(runtime, "person") == 73

    await wait_until(caught_up, timeout_s=30)
    burst_s = time.monotonic() - started
    assert await _count(runtime, "role") == 146
    assert await _count(runtime, "unit") == 7
    assert await _count(runtime, "unit", runtime.replica.unit.c.name == "Enhet A") == 1

    single = PersonRegistered(person_id=org.people["p0"], subject="sub-p0", email="ny@example.se", name="p0")
    started = time.monotonic()
    await publish(runtime.transport, single)
    person = runtime.replica.person.c
    await wait_until(lambda: _has(runtime, person.email == "ny@example.se"), timeout_s=5, interval_s=0.01)
    follow_s = time.monotonic() - started
    assert follow_s < 1.0, f"one change took {follow_s:.2f} s (the burst of 300 took {burst_s:.2f} s)"


async def _has(runtime: ServiceRuntime, condition: object) -> bool:
    return await _count(runtime, "person", condition) == 1
