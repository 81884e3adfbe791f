"""Every released event type, through the real outbox and relay onto Kafka, reads as a CloudEvent
with the CloudEvents SDK's own Kafka binding (`from_kafka`): structured mode, no ce_* headers."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from cloudevents.core.bindings.kafka import KafkaMessage, from_kafka_event
from sqlalchemy import update

from platform_shared import tracing
from platform_shared.contracts.examples import released_examples
from platform_shared.contracts.topics import TopicSpec
from platform_shared.db import make_engine, make_metadata, make_session_factory
from platform_shared.messaging.kafka import KafkaTransport
from platform_shared.messaging.relay import OutboxRelay
from platform_shared.messaging.tables import attach_messaging_tables
from platform_shared.messaging.unit_of_work import UnitOfWork

metadata = make_metadata()
tables = attach_messaging_tables(metadata)
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


async def test_every_released_event_type_reads_as_a_cloudevent_with_the_sdks_kafka_binding(
    tmp_path: Path,
    make_transport: Callable[..., KafkaTransport],
    group_name: Callable[[str], str],
    kafka_is_mock: bool,
) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'outbox.sqlite'}")
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    factory = make_session_factory(engine)
    payloads = released_examples()
    with tracing.continued({"traceparent": f"00-{TRACE}-00f067aa0ba902b7-01"}):
        for payload in payloads:  # one commit each, as the services make them
            async with UnitOfWork(factory, tables, source="test-svc", default_topic="test.events") as uow:
                uow.emit(payload)
                await uow.commit()

    run = uuid.uuid4().hex[:8]  # topics of this run only: the real names plus a suffix
    outbox = tables.outbox
    async with engine.begin() as conn:
        await conn.execute(update(outbox).values(topic=outbox.c.topic + f".{run}"))
        topics = sorted(set((await conn.scalars(outbox.select().with_only_columns(outbox.c.topic))).all()))
    transport = make_transport()
    if not kafka_is_mock:  # (the mock has no admin API; it creates topics on first use)
        await transport.ensure_topics([TopicSpec(t, partitions=2) for t in topics])
    relay = OutboxRelay(factory, tables, transport, service="cetest")
    assert await relay.drain() == len(payloads)
    await relay.close()
    await engine.dispose()

    subscription = await transport.subscribe(topics, group_name("cloudevents"))
    parsed: Counter[str] = Counter()
    received = 0
    for _ in range(300):
        for message in await subscription.fetch(500, 0.2):
            received += 1
            event = from_kafka_event(
                KafkaMessage(
                    headers={k: v.encode() for k, v in message.headers.items()},
                    key=(message.key or "").encode(),
                    value=message.value,
                )
            )
            assert message.headers["content-type"] == "application/cloudevents+json"
            assert message.headers["traceparent"].split("-")[1] == TRACE
            assert event.get_id() and event.get_source() == "test-svc"
            parsed[event.get_type()] += 1
        if received >= len(payloads):
            break
    assert sum(parsed.values()) == received == len(payloads)
    assert parsed == Counter(type(p).event_type for p in payloads)
