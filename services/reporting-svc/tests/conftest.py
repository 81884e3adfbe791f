from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import orjson
import pytest

from platform_shared.auth.tokens import DevTokens
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope, wrap
from platform_shared.contracts.topics import DEVIATION_EVENTS, RISK_EVENTS
from platform_shared.messaging.consumer import EventConsumer
from platform_shared.messaging.local import LocalTransport
from platform_shared.messaging.transport import OutgoingMessage, Transport
from platform_shared.runtime import ServiceRuntime
from platform_shared.testing import (
    Harness,
    TestClock,
    database_url,
    harness,
    publish,
    standard_org,
    wait_until,
)
from reporting_svc.app import build_runtime
from reporting_svc.config import ReportingSettings
from reporting_svc.service_layer.projections import PROJECTIONS_GROUP


@dataclass
class ReportingHarness(Harness):
    """The shared harness with reporting's own steps: events as the other services publish them, and
    waiting until a consumer group has handled them."""

    transport: LocalTransport
    tmp_path: Path = field(default_factory=Path)

    @property
    def settings(self) -> ReportingSettings:
        return cast(ReportingSettings, self.runtime.settings)

    @staticmethod
    def envelope(payload: EventPayload, source: str = "deviation-svc") -> EventEnvelope:
        return wrap(payload, source=source, actor_id=None, correlation_id="test")

    def consumer(self, group: str) -> EventConsumer:
        return next(c for c in self.runtime.consumers if c.spec.group == group)

    async def publish(self, *payloads: EventPayload, source: str | None = None) -> None:
        """Events as deviation-svc / risk-svc put them on the bus (a fresh envelope each); events
        without a topic of their own (deadlines) on deviation.events, as deviation-svc emits them."""
        messages = []
        for payload in payloads:
            topic = payload.topic or DEVIATION_EVENTS
            sender = source or ("risk-svc" if topic == RISK_EVENTS else "deviation-svc")
            envelope = self.envelope(payload, sender)
            messages.append(
                OutgoingMessage(
                    topic=topic,
                    key=envelope.subject,
                    value=orjson.dumps(envelope.model_dump(mode="json")),
                    headers={"ce_type": envelope.type},
                )
            )
        await self.transport.send_batch(messages)

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

    async def feed(self, *payloads: EventPayload, group: str = PROJECTIONS_GROUP) -> None:
        """Publish events and wait until `group` has handled them all (and so every earlier one)."""
        before = self.consumer(group).processed_total
        await self.publish(*payloads)
        await self.processed(group, before + sum(1 for p in payloads if p.event_type in self.handled(group)))

    def handled(self, group: str) -> set[str]:
        return set(self.consumer(group).spec.handlers)

    async def org_events(self, *payloads: EventPayload) -> None:
        group = "reporting.org-replica"
        before = self.consumer(group).processed_total
        await publish(self.transport, *payloads, source="org-svc")
        await self.processed(group, before + len(payloads))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_url(request.param, tmp_path, "reporting") as url:
        yield url


@pytest.fixture
async def svc(db_url: str, tmp_path: Path) -> AsyncIterator[ReportingHarness]:
    # Background workers tick once at start, then rarely: tests drive their ticks by hand.
    settings = ReportingSettings(
        database_url=db_url,
        dev_key_dir=str(tmp_path),
        log_json=False,
        worker_interval_s=3600,
        metrics_refresh_s=3600,
        webhook_allowed_receivers=["127.0.0.1"],  # the tests' receiver listens there
    )
    clock = TestClock()
    org = standard_org(DevTokens(tmp_path))

    def make_runtime(transport: Transport) -> ServiceRuntime:
        return build_runtime(settings, transport=transport, clock=clock)

    async with harness(make_runtime, tmp_path, org, clock, cls=ReportingHarness) as h:
        h.tmp_path = tmp_path
        yield h
