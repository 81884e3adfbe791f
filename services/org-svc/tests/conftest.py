"""org-svc under test: migrated, started (relay and consumers running), on SQLite and PostgreSQL,
bootstrapped with a root nämnd and a systemadministrator (subject "admin"); the organisation is built
through the API as the administrator."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from org_svc.adapters.orm import OrgUnit
from org_svc.app import build_runtime
from org_svc.config import OrgSettings
from platform_shared.auth.tokens import DevTokens
from platform_shared.messaging.local import LocalTransport
from platform_shared.runtime import ServiceRuntime
from platform_shared.testing import database_url, running_service

ADMIN = "admin"
SINCE = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass
class Harness:
    client: httpx.AsyncClient
    runtime: ServiceRuntime
    transport: LocalTransport
    tokens: DevTokens
    units: dict[str, uuid.UUID] = field(default_factory=dict)
    people: dict[str, uuid.UUID] = field(default_factory=dict)

    def auth(self, who: str = ADMIN) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.mint(who if who == ADMIN else f'sub-{who}')}"}

    async def call(
        self, method: str, path: str, who: str = ADMIN, *, expect: int | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {**self.auth(who), **kwargs.pop("headers", {})}
        response = await self.client.request(method, f"/api/v1/org{path}", headers=headers, **kwargs)
        if expect is not None:
            assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response

    async def unit(self, key: str, level: str, parent: str, laws: tuple[str, ...] = ()) -> uuid.UUID:
        body = {
            "name": key,
            "code": key.upper(),
            "level": level,
            "parent_id": str(self.units[parent]),
            "laws": list(laws),
            "valid_from": SINCE.isoformat(),
        }
        created = (await self.call("POST", "/units", json=body, expect=201)).json()
        self.units[key] = uuid.UUID(created["id"])
        return self.units[key]

    async def person(self, key: str, *roles: tuple[str, str], acting: bool = False) -> uuid.UUID:
        body = {"name": key, "email": f"{key}@example.se", "subject": f"sub-{key}"}
        created = (await self.call("POST", "/people", json=body, expect=201)).json()
        self.people[key] = uuid.UUID(created["id"])
        for role, unit in roles:
            await self.assign(key, role, unit, acting=acting, valid_from=SINCE)
        return self.people[key]

    async def assign(self, person: str, role: str, unit: str, **extra: Any) -> dict[str, Any]:
        body = {
            "person_id": str(self.people[person]),
            "role": role,
            "unit_id": str(self.units[unit]),
            **extra,
        }
        for key in ("valid_from", "valid_to"):
            if isinstance(body.get(key), datetime):
                body[key] = body[key].isoformat()
        response = await self.call("POST", "/role-assignments", json=body, expect=201)
        return dict(response.json())


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_url(request.param, tmp_path, "org") as url:
        yield url


async def start(db_url: str, tmp_path: Path, **settings: Any) -> AsyncIterator[Harness]:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    config = OrgSettings(
        database_url=db_url,
        dev_key_dir=str(tmp_path),
        log_json=False,
        bootstrap_admin_subject=ADMIN,
        **settings,
    )
    runtime = build_runtime(config, transport=transport)
    async with running_service(runtime) as client:
        harness = Harness(client, runtime, transport, DevTokens(tmp_path))
        async with runtime.session_factory() as session:
            root = await session.scalar(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None)))
        assert root is not None
        harness.units["namnd"] = root
        yield harness
    await transport.stop()


@pytest.fixture
async def bare(db_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    """Only the root nämnd and its systemadministrator."""
    async for harness in start(db_url, tmp_path):
        yield harness


@pytest.fixture
async def svc(bare: Harness) -> Harness:
    """nämnd > förvaltning > omsorg (enhet_a, enhet_b), lss (enhet_c); a person per typical role."""
    h = bare
    await h.unit("forvaltning", "forvaltning", "namnd", ("SoL", "LSS", "HSL"))
    await h.unit("omsorg", "verksamhetsomrade", "forvaltning", ("SoL", "HSL"))
    await h.unit("lss", "verksamhetsomrade", "forvaltning", ("LSS",))
    await h.unit("enhet_a", "enhet", "omsorg", ("SoL", "HSL"))
    await h.unit("enhet_b", "enhet", "omsorg", ("SoL",))
    await h.unit("enhet_c", "enhet", "lss", ("LSS",))
    await h.person("socialchef", ("socialchef", "forvaltning"))
    await h.person("mas", ("mas", "forvaltning"))
    await h.person("kvalitetsledare", ("kvalitetsledare", "forvaltning"))
    await h.person("enhetschef_a", ("enhetschef", "enhet_a"))
    await h.person("medarbetare_a", ("medarbetare", "enhet_a"))
    await h.person("namnd", ("namnd_ledamot", "namnd"))
    await h.person("lss_admin", ("systemadministrator", "lss"))
    return h
