from __future__ import annotations

import uuid
from pathlib import Path

import orjson
from sqlalchemy import func, select

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope, wrap
from platform_shared.contracts.risk import RiskAssessed
from platform_shared.messaging.consumer import ConsumerSpec, EventConsumer
from platform_shared.messaging.local import LocalTransport
from platform_shared.messaging.transport import OutgoingMessage
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.timeutil import utc_now

from ..conftest import Db, thing  # type: ignore[import-not-found]


def envelope() -> EventEnvelope:
    payload = RiskAssessed(
        risk_id=uuid.uuid4(),
        unit_id=uuid.uuid4(),
        probability=2,
        consequence=2,
        risk_value=4,
        assessed_at=utc_now(),
    )
    return wrap(payload, source="risk-svc", actor_id=None, correlation_id="c1")


def message(env_or_raw: EventEnvelope | bytes) -> OutgoingMessage:
    raw = env_or_raw if isinstance(env_or_raw, bytes) else env_or_raw.to_json()
    return OutgoingMessage(topic="risk.events", key="k", value=raw, headers={})


async def make_consumer(
    db: Db, tmp_path: Path, handler_fails: bool = False
) -> tuple[EventConsumer, LocalTransport]:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()

    async def handle(uow: UnitOfWork, env: EventEnvelope, payload: EventPayload) -> None:
        assert isinstance(payload, RiskAssessed)
        if handler_fails and payload.probability == 3:
            raise ValueError("cannot apply this one")
        await uow.session.execute(thing.insert().values(id=uuid.uuid4(), name=str(env.id)))

    spec = ConsumerSpec(group="test.projection", topics=("risk.events",), handlers={"RiskAssessed": handle})
    consumer = EventConsumer(
        spec,
        service="test",
        session_factory=db.factory,
        tables=db.tables,
        transport=transport,
        uow_factory=db.uow,
        retry_delay_s=0.0,
    )
    await consumer.start()
    return consumer, transport


async def things(db: Db) -> int:
    async with db.factory() as session:
        return int(await session.scalar(select(func.count()).select_from(thing)) or 0)


async def test_redelivered_event_is_applied_once(db: Db, tmp_path: Path) -> None:
    consumer, transport = await make_consumer(db, tmp_path)
    env = envelope()
    await transport.send_batch([message(env), message(env)])
    assert await consumer.poll_once() == 2
    assert await things(db) == 1
    # a consumer restarted before committing sees the event again, and still applies it once
    await transport.reset_group("test.projection")
    await consumer.stop()
    await consumer.start()
    assert await consumer.poll_once() == 2
    assert await things(db) == 1
    await transport.stop()


async def test_poison_message_goes_to_dead_letters_and_the_next_is_processed(db: Db, tmp_path: Path) -> None:
    consumer, transport = await make_consumer(db, tmp_path, handler_fails=True)
    good = envelope()
    bad_payload = good.model_copy(update={"id": uuid.uuid4(), "data": {**good.data, "probability": 3}})
    await transport.send_batch([message(b"{not json"), message(bad_payload), message(good)])
    assert await consumer.poll_once() == 3
    assert await things(db) == 1
    async with db.factory() as session:
        rows = (await session.execute(select(db.tables.dead_letter))).all()
    assert len(rows) == 2
    assert {r.event_id for r in rows} == {None, bad_payload.id}
    assert any("cannot apply" in r.error for r in rows)
    dlq = await transport.subscribe(["risk.events.dlq"], "ops")
    assert len(await dlq.fetch(10, 0.1)) == 2
    # the committed offset is past all three: a restart does not retry the poison messages
    await consumer.stop()
    await consumer.start()
    assert await consumer.poll_once() == 0
    await transport.stop()


async def test_events_keep_their_envelope_fields_over_the_local_bus(tmp_path: Path) -> None:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    env = envelope()
    await transport.send_batch([message(env)])
    sub = await transport.subscribe(["risk.events"], "g")
    (received,) = await sub.fetch(10, 0.1)
    decoded = orjson.loads(received.value)
    assert decoded["specversion"] == "1.0" and decoded["type"] == "RiskAssessed"
    assert decoded["dataschema"].endswith("/v1.json") and decoded["correlationid"] == "c1"
    await transport.stop()
