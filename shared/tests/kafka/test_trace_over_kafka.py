"""The trace context over Kafka: an event made in a request is one trace with the Kafka client's send
span (aiokafka's instrumentation) and the consumer's span; the record carries one `traceparent`."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.instrumentation.aiokafka import AIOKafkaInstrumentor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from platform_shared import tracing
from platform_shared.contracts.risk import RiskAssessed
from platform_shared.contracts.topics import TopicSpec
from platform_shared.db import make_engine, make_metadata, make_session_factory
from platform_shared.messaging.consumer import ConsumerSpec, EventConsumer
from platform_shared.messaging.kafka import KafkaTransport
from platform_shared.messaging.relay import OutboxRelay
from platform_shared.messaging.tables import attach_messaging_tables
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.timeutil import utc_now

metadata = make_metadata()
tables = attach_messaging_tables(metadata)


@pytest.fixture
def kafka_client_traced() -> Iterator[None]:
    tracing.instrument_kafka_client("test")
    try:
        yield
    finally:
        AIOKafkaInstrumentor().uninstrument()


async def test_a_consumer_over_kafka_continues_the_trace_of_the_request_that_made_the_event(
    tmp_path: Path,
    make_transport: Callable[..., KafkaTransport],
    group_name: Callable[[str], str],
    kafka_is_mock: bool,
    kafka_client_traced: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'svc.sqlite'}")
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    factory = make_session_factory(engine)
    topic = f"trace.{uuid.uuid4().hex[:8]}"
    transport = make_transport()
    if not kafka_is_mock:
        await transport.ensure_topics([TopicSpec(topic, partitions=1)])
    seen: list[Any] = []

    async def handle(uow: UnitOfWork, envelope: Any, payload: Any) -> None:
        seen.append(tracing.span_ids())

    def uow() -> UnitOfWork:
        return UnitOfWork(factory, tables, source="test-svc")

    monkeypatch.setattr(RiskAssessed, "topic", topic)  # the test's own topic
    with tracing.collect_spans(InMemorySpanExporter()) as exporter:
        assert isinstance(exporter, InMemorySpanExporter)
        with tracing.tracer("test").start_as_current_span("POST /api/v1/risk/risks", kind=SpanKind.SERVER):
            request_trace = tracing.span_ids()
            async with uow() as unit:
                payload = RiskAssessed(
                    risk_id=uuid.uuid4(),
                    unit_id=uuid.uuid4(),
                    probability=2,
                    consequence=2,
                    risk_value=4,
                    assessed_at=utc_now(),
                )
                unit.emit(payload)
                await unit.commit()
        relay = OutboxRelay(factory, tables, transport, service="test")
        assert await relay.drain() == 1
        await relay.close()

        raw = await transport.subscribe([topic], group_name("raw"))
        records = []
        for _ in range(50):
            records += await raw.fetch(10, 0.2)
            if records:
                break
        await raw.close()

        consumer = EventConsumer(
            ConsumerSpec(group=group_name("trace"), topics=(topic,), handlers={"RiskAssessed": handle}),
            service="test",
            session_factory=factory,
            tables=tables,
            transport=transport,
            uow_factory=uow,
        )
        for _ in range(50):
            await consumer.step()
            if seen:
                break
        await consumer.stop()
        spans = list(exporter.get_finished_spans())
    await engine.dispose()

    assert request_trace is not None and seen and seen[0] is not None
    assert seen[0][0] == request_trace[0]  # the consumer's span is in the request's trace
    (record,) = records
    assert record.headers["traceparent"].split("-")[1] == request_trace[0]
    in_trace = [s for s in spans if format(s.context.trace_id, "032x") == request_trace[0]]
    kinds = {(s.kind, s.name) for s in in_trace}
    assert (SpanKind.PRODUCER, f"{topic} create") in kinds
    assert (SpanKind.PRODUCER, f"{topic} send") in kinds  # the Kafka client's span
    assert (SpanKind.CONSUMER, f"{topic} process") in kinds
