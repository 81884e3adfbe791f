"""The outbox relay over the Kafka transport: nothing is lost while the bus is down."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.risk import RiskAssessed
from platform_shared.contracts.topics import TopicSpec
from platform_shared.db import make_engine, make_metadata, make_session_factory
from platform_shared.loops import Loop, Supervisor
from platform_shared.messaging.kafka import KafkaTransport
from platform_shared.messaging.relay import OutboxRelay
from platform_shared.messaging.tables import attach_messaging_tables
from platform_shared.messaging.transport import OutgoingMessage, SendOutcome, TransportUnavailable
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.testing import wait_until
from platform_shared.testing_kafka import OwnBroker
from platform_shared.timeutil import utc_now

metadata = make_metadata()
tables = attach_messaging_tables(metadata)


class SwitchableTransport:
    """The Kafka transport with a switch that makes every send fail, as a broker outage does."""

    def __init__(self, inner: KafkaTransport) -> None:
        self.inner = inner
        self.down = False
        self.name = inner.name

    async def send_each(self, messages: list[OutgoingMessage]) -> list[SendOutcome]:
        if self.down:
            raise TransportUnavailable("broker unreachable (test switch)")
        return await self.inner.send_each(messages)

    def __getattr__(self, item: str) -> Any:
        return getattr(self.inner, item)


async def _outbox(tmp_path: Path) -> tuple[Any, Any]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'svc.sqlite'}")
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    return engine, make_session_factory(engine)


async def _emit(factory: Any, topic_events: int) -> None:
    for n in range(topic_events):
        async with UnitOfWork(factory, tables, source="test-svc") as uow:
            uow.emit(
                RiskAssessed(
                    risk_id=uuid.uuid4(),
                    unit_id=uuid.uuid4(),
                    probability=n % 4 + 1,
                    consequence=1,
                    risk_value=n % 4 + 1,
                    assessed_at=utc_now(),
                )
            )
            await uow.commit()


async def _unpublished(factory: Any) -> int:
    async with factory() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(tables.outbox).where(tables.outbox.c.published_at.is_(None))
            )
            or 0
        )


async def _read_all(transport: KafkaTransport, topic: str, group: str, want: int) -> list[EventEnvelope]:
    subscription = await transport.subscribe([topic], group)
    received: list[EventEnvelope] = []
    for _ in range(100):
        for message in await subscription.fetch(500, 0.2):
            received.append(EventEnvelope.from_json(message.value))
        if len(received) >= want:
            break
    await subscription.close()
    return received


async def _relay_through_outage(
    tmp_path: Path, transport: Any, topic: str, take_down: Callable[[], Any], bring_up: Callable[[], Any]
) -> list[uuid.UUID]:
    engine, factory = await _outbox(tmp_path)
    original_topic = RiskAssessed.topic
    RiskAssessed.topic = topic  # type: ignore[misc]  # one unique topic per test run
    try:
        relay = OutboxRelay(factory, tables, transport, service="test", poll_interval_s=0.05)
        supervisor = Supervisor("relaykafka", initial_backoff_s=0.05, max_backoff_s=0.5)
        supervisor.start(Loop("relay", relay.step))
        await _emit(factory, 3)
        await wait_until(lambda: _zero(factory), timeout_s=30)
        await take_down()
        await _emit(factory, 7)
        await asyncio.sleep(1.0)
        assert await _unpublished(factory) == 7, "nothing may be marked sent while the bus is down"
        await bring_up()
        await wait_until(lambda: _zero(factory), timeout_s=120)
        await supervisor.stop()
        await relay.close()
        async with factory() as session:
            ids = list(await session.scalars(select(tables.outbox.c.event_id).order_by(tables.outbox.c.seq)))
    finally:
        RiskAssessed.topic = original_topic  # type: ignore[misc]
        await engine.dispose()
    return ids


async def _zero(factory: Any) -> bool:
    return await _unpublished(factory) == 0


async def test_relay_loses_nothing_while_kafka_refuses_sends(
    tmp_path: Path,
    make_transport: Callable[..., KafkaTransport],
    new_topic: Callable[..., Awaitable[str]],
    group_name: Callable[[str], str],
) -> None:
    inner = make_transport()
    await inner.start()
    transport = SwitchableTransport(inner)
    topic = await new_topic("relay")

    async def down() -> None:
        transport.down = True

    async def up() -> None:
        transport.down = False

    sent = await _relay_through_outage(tmp_path, transport, topic, down, up)
    received = await _read_all(inner, topic, group_name("check"), want=len(sent))
    assert sorted(e.id for e in received) == sorted(sent)
    assert len({e.id for e in received}) == len(sent) == 10


@pytest.mark.real_kafka
async def test_relay_loses_nothing_while_a_real_broker_is_stopped_and_started(
    tmp_path: Path,
    make_transport: Callable[..., KafkaTransport],
    group_name: Callable[[str], str],
    own_kafka: OwnBroker,
) -> None:
    bootstrap = own_kafka.start()  # a broker of its own: stopping it disturbs no other test
    transport = make_transport(bootstrap, producer_options={"request_timeout_ms": 5000})
    topic = f"test.relay-real.{uuid.uuid4().hex[:8]}"
    await transport.ensure_topics([TopicSpec(topic, partitions=4)])

    async def down() -> None:
        await asyncio.to_thread(own_kafka.stop)

    async def up() -> None:
        await asyncio.to_thread(own_kafka.start)

    sent = await _relay_through_outage(tmp_path, transport, topic, down, up)
    received = await _read_all(transport, topic, group_name("check"), want=len(sent))
    assert {e.id for e in received} == set(sent)
