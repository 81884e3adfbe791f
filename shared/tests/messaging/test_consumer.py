from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import event, func, select

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope, wrap
from platform_shared.contracts.risk import RiskAssessed
from platform_shared.messaging import consumer as consumer_module
from platform_shared.messaging.consumer import ConsumerSpec, EventConsumer
from platform_shared.messaging.dead_letters import DeadLetters
from platform_shared.messaging.local import LocalTransport
from platform_shared.messaging.transport import OutgoingMessage, TransportUnavailable
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.timeutil import utc_now

from ..conftest import Db, thing  # type: ignore[import-not-found]


def envelope(probability: int = 2, risk_id: uuid.UUID | None = None) -> EventEnvelope:
    payload = RiskAssessed(
        risk_id=risk_id or uuid.uuid4(),
        unit_id=uuid.uuid4(),
        probability=probability,
        consequence=2,
        risk_value=4,
        assessed_at=utc_now(),
    )
    return wrap(payload, source="risk-svc", actor_id=None, correlation_id="c1")


def message(env_or_raw: EventEnvelope | bytes, key: str | None = None) -> OutgoingMessage:
    raw = env_or_raw if isinstance(env_or_raw, bytes) else env_or_raw.to_json()
    subject = key or (env_or_raw.subject if isinstance(env_or_raw, EventEnvelope) else "k")
    return OutgoingMessage(topic="risk.events", key=subject, value=raw, headers={})


class Handler:
    """Applies RiskAssessed as a row in `thing`; fails on probability 3 until fixed, and
    transiently (a lost connection) `transient` times."""

    def __init__(self) -> None:
        self.poisoned = True
        self.transient = 0
        self.applied: list[uuid.UUID] = []

    async def __call__(self, uow: UnitOfWork, env: EventEnvelope, payload: EventPayload) -> None:
        assert isinstance(payload, RiskAssessed)
        if self.transient:
            self.transient -= 1
            raise ConnectionResetError("connection to the database was lost")
        if self.poisoned and payload.probability == 3:
            raise ValueError("cannot apply this one")
        await uow.session.execute(thing.insert().values(id=uuid.uuid4(), name=str(env.id)))
        self.applied.append(env.id)


async def make_consumer(db: Db, tmp_path: Path) -> tuple[EventConsumer, LocalTransport, Handler]:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    handler = Handler()
    spec = ConsumerSpec(group="test.projection", topics=("risk.events",), handlers={"RiskAssessed": handler})
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
    return consumer, transport, handler


async def things(db: Db) -> int:
    async with db.factory() as session:
        return int(await session.scalar(select(func.count()).select_from(thing)) or 0)


async def inbox_ids(db: Db) -> set[uuid.UUID]:
    async with db.factory() as session:
        return set(await session.scalars(select(db.tables.inbox.c.event_id)))


async def test_redelivered_event_is_applied_once(db: Db, tmp_path: Path) -> None:
    consumer, transport, _ = await make_consumer(db, tmp_path)
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


async def test_a_transient_failure_is_retried_with_the_same_messages_and_nothing_is_dead_lettered(
    db: Db, tmp_path: Path
) -> None:
    consumer, transport, handler = await make_consumer(db, tmp_path)
    events = [envelope(n % 2 + 1) for n in range(4)]
    await transport.send_batch([message(e) for e in events])
    handler.transient = 7  # more than the attempts a poison message gets
    for _ in range(7):
        with pytest.raises(ConnectionResetError):
            await consumer.poll_once()
    assert await consumer.poll_once() == 4  # the same batch, not a new fetch
    assert handler.applied == [e.id for e in events]
    async with db.factory() as session:
        assert await session.scalar(select(func.count()).select_from(db.tables.dead_letter)) == 0
    await consumer.stop()
    await consumer.start()
    assert await consumer.poll_once() == 0  # and the offsets were committed
    await transport.stop()


async def test_poison_goes_to_dead_letters_unclaimed_and_holds_the_later_events_of_its_aggregate(
    db: Db, tmp_path: Path
) -> None:
    consumer, transport, handler = await make_consumer(db, tmp_path)
    risk = uuid.uuid4()
    bad, after_bad = envelope(3, risk), envelope(2, risk)
    other = envelope(2)
    await transport.send_batch(
        [message(b"{not json", key="garbage"), message(bad), message(other), message(after_bad)]
    )
    assert await consumer.poll_once() == 4
    assert handler.applied == [other.id]  # another aggregate goes on
    assert bad.id not in await inbox_ids(db)  # a dead letter is not recorded as processed
    dead = await DeadLetters(db.factory, db.tables, [consumer]).entries()
    assert [(d.event_id, d.key) for d in dead] == [
        (None, "garbage"),
        (bad.id, str(risk)),
        (after_bad.id, str(risk)),
    ]
    assert "cannot apply" in dead[1].error and dead[2].error.startswith("held")
    dlq = await transport.subscribe(["risk.events.dlq"], "ops")
    assert len(await dlq.fetch(10, 0.1)) == 3
    # the committed offset is past all four: a restart does not retry them
    await consumer.stop()
    await consumer.start()
    assert await consumer.poll_once() == 0

    letters = DeadLetters(db.factory, db.tables, [consumer])
    assert [r.outcome for r in await letters.redrive([dead[2].id])] == ["held"]  # its turn is later
    assert [r.outcome for r in await letters.redrive()] == ["failed", "failed", "held"]  # not fixed yet
    handler.poisoned = False  # the cause is fixed
    assert [r.outcome for r in await letters.redrive()] == ["failed", "applied", "applied"]
    assert handler.applied == [other.id, bad.id, after_bad.id]  # in order, once each
    assert [r.outcome for r in await letters.redrive([dead[1].id])] == ["resolved"]
    assert [d.id for d in await letters.entries()] == [dead[0].id]  # garbage stays garbage
    await transport.stop()


async def test_a_consumer_that_cannot_reach_the_bus_fails_its_step_and_retries(
    db: Db, tmp_path: Path
) -> None:
    class Unreachable(LocalTransport):
        down = True

        async def subscribe(self, topics: list[str], group: str):  # type: ignore[no-untyped-def]
            if self.down:
                raise TransportUnavailable("bus is down")
            return await super().subscribe(topics, group)

    transport = Unreachable(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    handler = Handler()
    consumer = EventConsumer(
        ConsumerSpec(group="g", topics=("risk.events",), handlers={"RiskAssessed": handler}),
        service="test",
        session_factory=db.factory,
        tables=db.tables,
        transport=transport,
        uow_factory=db.uow,
    )
    with pytest.raises(TransportUnavailable):
        await consumer.step()
    transport.down = False
    env = envelope()
    await transport.send_batch([message(env)])
    await consumer.step()
    assert handler.applied == [env.id]
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


async def test_the_batch_path_keeps_each_events_trace_for_what_its_handler_emits(
    db: Db, tmp_path: Path
) -> None:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()

    async def react(uow: UnitOfWork, env: EventEnvelope, payload: EventPayload) -> None:
        assert isinstance(payload, RiskAssessed)
        uow.emit(payload.model_copy(update={"risk_id": uuid.uuid4()}))  # an event caused by this one

    consumer = EventConsumer(
        ConsumerSpec(group="g", topics=("risk.events",), handlers={"RiskAssessed": react}),
        service="test",
        session_factory=db.factory,
        tables=db.tables,
        transport=transport,
        uow_factory=db.uow,
    )
    await consumer.start()
    traces = [uuid.uuid4().hex for _ in range(3)]
    await transport.send_batch(
        [
            OutgoingMessage(
                "risk.events",
                f"k{n}",
                envelope().to_json(),
                {"traceparent": f"00-{trace}-00f067aa0ba902b7-01"},
            )
            for n, trace in enumerate(traces)
        ]
    )
    assert await consumer.poll_once() == 3  # one batch, one transaction
    async with db.factory() as session:
        headers = list(
            await session.scalars(select(db.tables.outbox.c.headers).order_by(db.tables.outbox.c.seq))
        )
    assert [h["traceparent"].split("-")[1] for h in headers] == traces
    await transport.stop()


async def committed_offset(transport: LocalTransport) -> int:
    fresh = await transport.subscribe(["risk.events"], "test.projection")
    return fresh._positions["risk.events"]


async def test_offsets_are_committed_at_most_once_per_interval_and_the_rest_on_stop(
    db: Db, tmp_path: Path
) -> None:
    consumer, transport, handler = await make_consumer(db, tmp_path)
    consumer._commit_interval_s = 3600.0  # one commit, then none until the stop
    first, second = envelope(), envelope()
    await transport.send_batch([message(first)])
    assert await consumer.poll_once(overlap_commit=True) == 1
    await consumer._settle_commit()
    assert await committed_offset(transport) == 1
    await transport.send_batch([message(second)])
    assert await consumer.poll_once(overlap_commit=True) == 1
    await consumer._settle_commit()
    assert handler.applied == [first.id, second.id]
    assert await committed_offset(transport) == 1  # applied, its offset not committed yet
    await consumer.stop()
    assert await committed_offset(transport) == 2
    await transport.stop()


async def test_the_batch_path_knows_the_open_dead_letters_keys_without_asking_each_batch(
    db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    consumer, transport, handler = await make_consumer(db, tmp_path)
    asked: list[str] = []

    @event.listens_for(db.engine.sync_engine, "before_cursor_execute")
    def _statement(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if "FROM dead_letter" in statement:
            asked.append(statement)

    for _ in range(3):
        await transport.send_batch([message(envelope())])
        assert await consumer.poll_once() == 1
    assert len(asked) == 1  # read once, then known
    assert len(handler.applied) == 3

    # A dead letter another process wrote (a key this member's fast path did not see): read again
    # within OPEN_KEYS_MAX_AGE_S, the later events of its key then wait behind it.
    risk = uuid.uuid4()
    async with db.factory() as session, session.begin():
        await session.execute(
            db.tables.dead_letter.insert().values(
                consumer="test.projection",
                topic="risk.events",
                partition=0,
                offset=999,
                key=str(risk),
                value=b"{}",
                headers={},
                error="written elsewhere",
                attempts=3,
                failed_at=utc_now(),
            )
        )
    monkeypatch.setattr(consumer_module, "OPEN_KEYS_MAX_AGE_S", 0.0)
    held = envelope(2, risk)
    await transport.send_batch([message(held)])
    assert await consumer.poll_once() == 1
    assert held.id not in handler.applied
    dead = await DeadLetters(db.factory, db.tables, [consumer]).entries()
    assert [d.event_id for d in dead] == [None, held.id]
    await transport.stop()
