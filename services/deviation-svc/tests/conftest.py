"""Every API test runs on SQLite and on PostgreSQL. A migrated database holding the test organisation
is made once per session: copied for each SQLite test, emptied of cases before each PostgreSQL test."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from deviation_svc.adapters.orm import Base, replica
from deviation_svc.app import SERVICE_ROOT, DeviationRuntime, build_runtime
from deviation_svc.config import DeviationSettings
from platform_shared.auth.tokens import DevTokens
from platform_shared.contracts.org import DelegationGranted
from platform_shared.db import make_engine, make_session_factory
from platform_shared.ids import new_id
from platform_shared.messaging.transport import Transport
from platform_shared.migrations import upgrade_to_head
from platform_shared.orgreplica.projector import ReplicaProjector
from platform_shared.testing import (
    EPOCH,
    OrgFixture,
    TestClock,
    create_pg_database,
    drop_pg_database,
    harness,
    standard_org,
)
from platform_shared.testing import Harness as SharedHarness

OCCURRED = "2026-03-02T08:15:00+01:00"
REQUIRED = (
    "what_happened",
    "consequences",
    "noticed",
    "causes",
    "earlier_events",
    "recurrence_risk",
    "measures",
)

# The provider facts an IVO anmälan needs before it is marked sent (a module may take them away).
PROVIDER = {
    "provider_name": "Socialnämnden",
    "provider_org_nr": "212000-0000",
    "provider_address": "Storgatan 1, 123 45 Exempelstad",
    "provider_contact": "Socialförvaltningen, 010-000 00 00",
}

# Wednesday 4 March 2026, 10:00 in Stockholm: the tests' "now", moved by TestClock.advance.
START = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


class Harness(SharedHarness):
    """The shared harness with deviation-svc's steps through the API."""

    # --- steps through the API, asserting each succeeded ----------------------------------------

    async def report(self, person: str = "medarbetare_a", **body: Any) -> dict[str, Any]:
        payload = {
            "type": "lex_sarah",
            "unit_id": self.unit("enhet_a"),
            "occurred_at": OCCURRED,
            "description": "Brukaren lämnades utan tillsyn under natten",
            **body,
        }
        r = await self.call("POST", "/api/v1/deviations", person, 201, json=payload)
        return dict(r.json())

    async def step(
        self, deviation_id: str, verb: str, person: str, body: dict[str, Any] | None = None, expect: int = 200
    ) -> dict[str, Any]:
        r = await self.call(
            "POST", f"/api/v1/deviations/{deviation_id}/{verb}", person, expect, json=body or {}
        )
        return dict(r.json())

    async def received(self, chef: str = "enhetschef_a", **report: Any) -> dict[str, Any]:
        d = await self.report(**report)
        return await self.step(d["id"], "receive", chef, {"immediate_measures": "Extra tillsyn insatt"})

    async def investigating(
        self, chef: str = "enhetschef_a", investigator: str = "enhetschef_a", **report: Any
    ) -> dict[str, Any]:
        d = await self.received(chef, **report)
        body = {"investigator_id": self.person(investigator)}
        return await self.step(d["id"], "start-investigation", chef, body)

    async def write_investigation(self, deviation_id: str, person: str = "enhetschef_a") -> None:
        """One entry in every section SOSFS 2011:5 asks for."""
        for section in REQUIRED:
            entry = {
                "section": section,
                "kind": "fact",
                "entry_date": "2026-03-03",
                "source": "Intervju med personal",
                "text": f"Uppgifter om {section}",
                "author_title": "Enhetschef",
                **({"cause_area": "rutiner_riktlinjer"} if section == "causes" else {}),
            }
            await self.call(
                "POST", f"/api/v1/deviations/{deviation_id}/investigation/entries", person, 201, json=entry
            )

    async def investigated(
        self, investigator: str = "enhetschef_a", chef: str = "enhetschef_a", **report: Any
    ) -> dict[str, Any]:
        d = await self.investigating(chef=chef, investigator=investigator, **report)
        await self.write_investigation(d["id"], investigator)
        return await self.step(
            d["id"], "complete-investigation", investigator, {"conclusion": "Rutinen följdes inte"}
        )

    async def decided(
        self, decider: str = "socialchef", degree: str | None = "missforhallande", **report: Any
    ) -> dict[str, Any]:
        d = await self.investigated(**report)
        body = {"motivation": "Utredningen visar brister", **({"degree": degree} if degree else {})}
        return await self.step(d["id"], "decision", decider, body)


def test_org(tokens: DevTokens) -> OrgFixture:
    """The standard organisation plus an SAS, a second medarbetare and enhetschef, and a
    verksamhetschef holding the delegations to decide Lex Sarah and its IVO anmälan for omsorg."""
    org = standard_org(tokens)
    org.person("sas", ("sas", "forvaltning"))
    org.person("medarbetare_b", ("medarbetare", "enhet_a"))
    org.person("enhetschef_b", ("enhetschef", "enhet_b"))
    # enhet_a's own chef who is also a kvalitetsledare: her chef role still bars her from handing back
    # or voiding a Lex Sarah report of her unit (issue 12)
    org.person("chef_och_kvalitetsledare", ("enhetschef", "enhet_a"), ("kvalitetsledare", "forvaltning"))
    delegate = org.person("verksamhetschef", ("verksamhetschef", "omsorg"))
    for decision_type in ("ivo_anmalan_lex_sarah", "lex_sarah_beslut"):
        org.events.append(
            DelegationGranted(
                delegation_id=new_id(),
                decision_type=decision_type,
                from_role="socialchef",
                unit_id=org.units["omsorg"],
                to_person_id=delegate,
                valid_from=EPOCH,
            )
        )
    return org


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("deviation-session")


@pytest.fixture(scope="session")
def org(session_dir: Path) -> OrgFixture:
    return test_org(DevTokens(session_dir))


async def _prepare(url: str, org: OrgFixture) -> None:
    await asyncio.to_thread(upgrade_to_head, SERVICE_ROOT / "alembic.ini", url)
    engine = make_engine(url)
    projector = ReplicaProjector(replica)
    async with make_session_factory(engine)() as session, session.begin():
        for event in org.events:
            await projector.apply(session, event)
    await engine.dispose()


# Every table but the org replica and Alembic's: emptied before each PostgreSQL test.
CASE_TABLES = tuple(t.name for t in Base.metadata.sorted_tables if not t.name.startswith("replica_"))


class Templates:
    """Migrated databases holding the test organisation, made on first use (one per kind): SQLite's is
    copied for each test, PostgreSQL's is emptied of cases before each test."""

    def __init__(self, session_dir: Path, org: OrgFixture) -> None:
        self._dir = session_dir
        self._org = org
        self._made: dict[str, str] = {}
        self._lock = asyncio.Lock()

    async def get(self, kind: str) -> str:
        async with self._lock:
            if kind not in self._made:
                if kind == "sqlite":
                    path = self._dir / "template.sqlite"
                    await _prepare(f"sqlite+aiosqlite:///{path}", self._org)
                    self._made[kind] = str(path)
                else:
                    url = await create_pg_database("deviation_tmpl")
                    await _prepare(url, self._org)
                    self._made[kind] = url
            return self._made[kind]

    async def drop(self) -> None:
        if "postgres" in self._made:
            await drop_pg_database(self._made["postgres"])


@pytest.fixture(scope="session")
async def templates(session_dir: Path, org: OrgFixture) -> AsyncIterator[Templates]:
    made = Templates(session_dir, org)
    yield made
    await made.drop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path, templates: Templates) -> AsyncIterator[str]:
    template = await templates.get(request.param)
    if request.param == "sqlite":
        target = tmp_path / "deviation.sqlite"
        shutil.copy(template, target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    # One PostgreSQL database for the session: each test starts from the organisation alone.
    conn = await asyncpg.connect(template.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        # a failed test may have left a connection behind holding locks: end it first
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        await conn.execute("SET lock_timeout = '10s'")
        await conn.execute(f"TRUNCATE {', '.join(CASE_TABLES)}")
    finally:
        await conn.close()
    yield template


def settings_for(db_url: str, tmp_path: Path, session_dir: Path, **extra: Any) -> DeviationSettings:
    return DeviationSettings(
        database_url=db_url,
        dev_key_dir=str(session_dir),
        attachment_dir=str(tmp_path / "attachments"),
        log_json=False,
        run_migrations=False,
        deadline_interval_s=3600,
        **{**PROVIDER, **extra},
    )


@pytest.fixture
def clock() -> TestClock:
    return TestClock(START)


@pytest.fixture
def extra_settings() -> dict[str, Any]:
    """Override in a test module to run the service with other tenant settings."""
    return {}


@pytest.fixture
async def svc(
    db_url: str,
    tmp_path: Path,
    session_dir: Path,
    org: OrgFixture,
    clock: TestClock,
    extra_settings: dict[str, Any],
) -> AsyncIterator[Harness]:
    settings = settings_for(db_url, tmp_path, session_dir, **extra_settings)

    def make(transport: Transport) -> DeviationRuntime:
        return build_runtime(settings, transport=transport, clock=clock)

    # The template database holds the organisation already: no need to feed the replica.
    async with harness(make, tmp_path, org, clock, feed=False, cls=Harness) as h:
        yield h
