from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest

from platform_shared.auth.tokens import DevTokens
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope, wrap
from platform_shared.messaging.consumer import EventConsumer
from platform_shared.messaging.local import LocalTransport
from platform_shared.messaging.transport import OutgoingMessage
from platform_shared.runtime import ServiceRuntime
from platform_shared.testing import (
    OrgFixture,
    database_url,
    feed_org,
    publish,
    running_service,
    standard_org,
    wait_until,
)
from reporting_svc.app import build_runtime
from reporting_svc.config import ReportingSettings


@dataclass
class Harness:
    client: httpx.AsyncClient
    runtime: ServiceRuntime
    org: OrgFixture
    transport: LocalTransport

    @staticmethod
    def envelope(payload: EventPayload, source: str = "deviation-svc") -> EventEnvelope:
        return wrap(payload, source=source, actor_id=None, correlation_id="test")

    def consumer(self, group: str) -> EventConsumer:
        return next(c for c in self.runtime.consumers if c.spec.group == group)

    async def publish(self, *payloads: EventPayload) -> None:
        """Events as deviation-svc / risk-svc put them on the bus (a fresh envelope each)."""
        await publish(self.transport, *payloads, source="deviation-svc")

    async def deliver(self, envelope: EventEnvelope, topic: str, times: int = 1) -> None:
        """The SAME envelope (same event id) on the bus `times` times: an at-least-once redelivery."""
        message = OutgoingMessage(
            topic=topic,
            key=envelope.subject,
            value=orjson.dumps(envelope.model_dump(mode="json")),
            headers={"ce_type": envelope.type},
        )
        await self.transport.send_batch([message] * times)

    async def processed(self, group: str, at_least: int) -> None:
        consumer = self.consumer(group)

        async def done() -> bool:
            return consumer.processed_total >= at_least

        await wait_until(done)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_url(request.param, tmp_path, "reporting") as url:
        yield url


@pytest.fixture
async def svc(db_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    settings = ReportingSettings(database_url=db_url, dev_key_dir=str(tmp_path), log_json=False)
    runtime = build_runtime(settings, transport=transport)
    async with running_service(runtime) as client:
        org = standard_org(DevTokens(tmp_path))
        await feed_org(runtime, org)
        yield Harness(client, runtime, org, transport)
    await transport.stop()
