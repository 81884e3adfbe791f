"""Rebuilding the read models from the events: empty them and the projection group's inbox, move the
group's offsets back to the start of every topic, and replay what the bus keeps (Kafka topics keep
their history; the embedded local bus keeps its log) through the same projection handlers.

Run it while the service's own projection consumer is stopped (`reporting-svc rebuild` with the
service down): afterwards the service resumes from where the replay ended.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import structlog
from sqlalchemy import delete, func, select

from platform_shared.messaging.consumer import EventConsumer
from platform_shared.messaging.local import LocalTransport
from platform_shared.runtime import ServiceRuntime
from reporting_svc.adapters.orm import READ_MODELS
from reporting_svc.service_layer.projections import PROJECTIONS_GROUP, projection_consumer

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RebuildResult:
    events: int
    rows: dict[str, int]
    seconds: float


async def truncate(runtime: ServiceRuntime) -> None:
    inbox = runtime.messaging.inbox
    async with runtime.session_factory() as session, session.begin():
        for table in READ_MODELS:
            await session.execute(delete(table))
        await session.execute(delete(inbox).where(inbox.c.consumer == PROJECTIONS_GROUP))


async def reset_offsets(runtime: ServiceRuntime, topics: tuple[str, ...]) -> None:
    transport = runtime.transport
    if isinstance(transport, LocalTransport):
        await transport.reset_group(PROJECTIONS_GROUP)
        return
    await reset_kafka_group(runtime.settings.kafka_bootstrap_servers, PROJECTIONS_GROUP, topics)


async def reset_kafka_group(bootstrap: str, group: str, topics: tuple[str, ...]) -> None:
    """Commit the beginning of every partition as the group's offset (the group must have no active
    member: stop the service first)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from aiokafka.structs import OffsetAndMetadata

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topic, p) for topic in topics for p in sorted(await _partitions(consumer, topic))
        ]
        if not partitions:
            return
        consumer.assign(partitions)
        beginnings = await consumer.beginning_offsets(partitions)
        await consumer.commit({tp: OffsetAndMetadata(offset, "") for tp, offset in beginnings.items()})
    finally:
        await consumer.stop()


async def _partitions(consumer: object, topic: str) -> set[int]:
    for _ in range(20):
        found = consumer.partitions_for_topic(topic)  # type: ignore[attr-defined]
        if found:
            return set(found)
        await consumer._client.force_metadata_update()  # type: ignore[attr-defined]
        await asyncio.sleep(0.1)
    return set()


async def replay(runtime: ServiceRuntime, *, idle_polls: int = 3, settle_s: float = 0.0) -> int:
    """Feed the projection group from its (reset) offsets until the log is drained."""
    spec = projection_consumer()
    consumer = EventConsumer(
        spec,
        service=f"{runtime.name}_rebuild",
        session_factory=runtime.session_factory,
        tables=runtime.messaging,
        transport=runtime.transport,
        uow_factory=runtime.uow,
        fetch_timeout_s=0.2,
    )
    await consumer.start()
    started = time.monotonic()
    idle = 0
    try:
        while idle < idle_polls or time.monotonic() - started < settle_s:
            idle = idle + 1 if await consumer.poll_once(500) == 0 else 0
    finally:
        await consumer.stop()
    return consumer.processed_total


async def count_rows(runtime: ServiceRuntime) -> dict[str, int]:
    async with runtime.session_factory() as session:
        return {
            table.name: int(await session.scalar(select(func.count()).select_from(table)) or 0)
            for table in READ_MODELS
        }


async def rebuild(runtime: ServiceRuntime) -> RebuildResult:
    started = time.monotonic()
    spec = projection_consumer()
    await truncate(runtime)
    await reset_offsets(runtime, spec.topics)
    kafka = not isinstance(runtime.transport, LocalTransport)
    # Kafka: joining the group takes a few seconds before the first records come.
    events = await replay(runtime, idle_polls=5 if kafka else 2, settle_s=10.0 if kafka else 0.0)
    rows = await count_rows(runtime)
    log.info("read models rebuilt", events=events, rows=rows)
    return RebuildResult(events, rows, round(time.monotonic() - started, 2))
