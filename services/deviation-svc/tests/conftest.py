from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from deviation_svc.app import build_runtime
from deviation_svc.config import DeviationSettings
from platform_shared.auth.tokens import DevTokens
from platform_shared.messaging.local import LocalTransport
from platform_shared.runtime import ServiceRuntime
from platform_shared.testing import OrgFixture, database_url, feed_org, running_service, standard_org


@dataclass
class Harness:
    client: httpx.AsyncClient
    runtime: ServiceRuntime
    org: OrgFixture
    transport: LocalTransport


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_url(request.param, tmp_path, "deviation") as url:
        yield url


@pytest.fixture
async def svc(db_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    settings = DeviationSettings(database_url=db_url, dev_key_dir=str(tmp_path), log_json=False)
    runtime = build_runtime(settings, transport=transport)
    async with running_service(runtime) as client:
        org = standard_org(DevTokens(tmp_path))
        await feed_org(runtime, org)
        yield Harness(client, runtime, org, transport)
    await transport.stop()
