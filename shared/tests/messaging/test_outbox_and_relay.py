from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from platform_shared import tracing
from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.risk import RiskAssessed
from platform_shared.db import make_engine, make_session_factory
from platform_shared.loops import Loop, Supervisor
from platform_shared.messaging.local import LocalTransport
from platform_shared.messaging.relay import OutboxRelay
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.testing import wait_until
from platform_shared.timeutil import utc_now

from ..conftest import Db, thing  # type: ignore[import-not-found]


def risk_event(n: int = 1, risk_id: uuid.UUID | None = None) -> RiskAssessed:
    return RiskAssessed(
        risk_id=risk_id or uuid.uuid4(),
        unit_id=uuid.uuid4(),
        probability=n,
        consequence=1,
        risk_value=n,
        assessed_at=utc_now(),
    )


async def count(db: Db, table: Any) -> int:
    async with db.factory() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def unpublished(db: Db) -> int:
    outbox = db.tables.outbox
    async with db.factory() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            )
            or 0
        )


async def emit(db: Db, *events: RiskAssessed) -> None:
    for payload in events:
        async with db.uow() as uow:
            uow.emit(payload)
            await uow.commit()


async def bus_log(transport: LocalTransport) -> list[EventEnvelope]:
    subscription = await transport.subscribe(["risk.events"], f"checker-{uuid.uuid4().hex}")
    return [EventEnvelope.from_json(m.value) for m in await subscription.fetch(1000, 0.1)]


def relay_for(db: Db, transport: LocalTransport, **options: Any) -> OutboxRelay:
    return OutboxRelay(db.factory, db.tables, transport, service="test", poll_interval_s=0.02, **options)


async def test_state_and_event_are_committed_together(db: Db) -> None:
    async with db.uow() as uow:
        await uow.session.execute(thing.insert().values(id=uuid.uuid4(), name="a"))
        uow.emit(risk_event())
        await uow.commit()
    assert await count(db, thing) == 1
    assert await count(db, db.tables.outbox) == 1


def test_an_anonymous_event_names_no_actor_in_its_envelope(db: Db) -> None:
    actor = uuid.uuid4()
    uow = UnitOfWork(db.factory, db.tables, source="test-svc", actor_id=actor)
    assert uow.emit(risk_event()).actorid == str(actor)
    assert uow.emit(risk_event(), anonymous=True).actorid is None


async def test_failure_at_commit_leaves_neither_state_nor_event(db: Db) -> None:
    def fail_commit(_: Any) -> None:
        raise RuntimeError("injected failure at commit")

    # Fires inside commit, after the state and the outbox rows were flushed to the database.
    event.listen(Session, "before_commit", fail_commit)
    try:
        with pytest.raises(RuntimeError, match="injected"):
            async with db.uow() as uow:
                await uow.session.execute(thing.insert().values(id=uuid.uuid4(), name="a"))
                uow.emit(risk_event())
                await uow.commit()
    finally:
        event.remove(Session, "before_commit", fail_commit)
    assert await count(db, thing) == 0
    assert await count(db, db.tables.outbox) == 0


async def test_relay_loses_nothing_while_the_bus_is_down_and_blames_no_row(db: Db, tmp_path: Path) -> None:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    relay = relay_for(db, transport)
    supervisor = Supervisor("relaytest", initial_backoff_s=0.01, max_backoff_s=0.05)
    transport.fail_sends = True
    state = supervisor.start(Loop("relay", relay.step))
    try:
        await emit(db, *(risk_event(n % 4 + 1) for n in range(5)))
        relay.wake()
        await wait_until(lambda: _true(state.failures > 2))
        assert state.status == "backing_off" and "local bus is down" in (state.last_error or "")
        outbox = db.tables.outbox
        async with db.factory() as session:
            attempts = await session.scalar(select(func.max(outbox.c.attempts)))
        assert attempts == 0, "an unreachable bus is not the rows' fault"
        assert await unpublished(db) == 5
        transport.fail_sends = False  # the bus is back
        await wait_until(lambda: _zero(db))
        await wait_until(lambda: _true(state.status == "running"))
    finally:
        await supervisor.stop()
        await relay.close()
    async with db.factory() as session:
        expected = list(await session.scalars(select(outbox.c.event_id).order_by(outbox.c.seq)))
    assert [e.id for e in await bus_log(transport)] == expected
    await transport.stop()


async def test_commits_right_behind_a_woken_relay_are_published_in_its_round(db: Db, tmp_path: Path) -> None:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    rounds: list[int] = []
    send_each = transport.send_each

    async def counted(messages: Any) -> Any:
        rounds.append(len(messages))
        return await send_each(messages)

    transport.send_each = counted  # type: ignore[method-assign]
    relay = OutboxRelay(db.factory, db.tables, transport, service="test", poll_interval_s=30, linger_s=0.5)
    supervisor = Supervisor("relaytest", initial_backoff_s=0.01, max_backoff_s=0.05)
    supervisor.start(Loop("relay", relay.step))
    try:
        await asyncio.sleep(0.1)  # the relay's first round found nothing and waits for a commit
        for n in range(3):
            await emit(db, risk_event(n + 1))
            relay.wake()
        await wait_until(lambda: _zero(db))
    finally:
        await supervisor.stop()
        await relay.close()
        await transport.stop()
    assert rounds == [3]


async def test_a_row_the_bus_refuses_waits_with_its_key_while_every_other_key_flows(
    db: Db, tmp_path: Path
) -> None:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    stuck = uuid.uuid4()
    transport.refuse = lambda m: "record too large" if m.key == str(stuck) else None
    relay = relay_for(db, transport, refused_backoff_s=1.0, refused_backoff_max_s=1.0)
    refused_before = REGISTRY.get_sample_value("test_outbox_refused_total") or 0.0
    others = [risk_event(n % 4 + 1) for n in range(6)]
    await emit(db, others[0], risk_event(1, stuck), others[1], risk_event(2, stuck), *others[2:])

    assert await relay.publish_pending() == 6
    outbox = db.tables.outbox
    async with db.factory() as session:
        rows = {
            r.event_id: r
            for r in await session.execute(select(outbox).where(outbox.c.published_at.is_(None)))
        }
    assert len(rows) == 2
    refused_row = min(rows.values(), key=lambda r: r.seq)
    assert refused_row.attempts == 1 and "record too large" in refused_row.last_error
    assert refused_row.next_attempt_at is not None
    held_row = max(rows.values(), key=lambda r: r.seq)
    assert held_row.attempts == 0, "the later row of the key was held, not refused"
    assert (REGISTRY.get_sample_value("test_outbox_refused_total") or 0) == refused_before + 1

    await emit(db, risk_event(3))  # the other keys keep flowing
    assert await relay.publish_pending() == 1

    transport.refuse = None  # whatever was wrong is fixed; after its backoff the key goes on
    await asyncio.sleep(1.05)
    assert await relay.publish_pending() == 2
    log = [e.subject for e in await bus_log(transport)]
    assert [s for s in log if s == str(stuck)] == [str(stuck)] * 2
    assert await unpublished(db) == 0
    await relay.close()
    await transport.stop()


async def test_events_carry_the_structured_mode_content_type_and_the_trace_of_their_cause(
    db: Db, tmp_path: Path
) -> None:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    with tracing.continued({"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"}):
        await emit(db, risk_event())
    relay = relay_for(db, transport)
    await relay.drain()
    await relay.close()
    subscription = await transport.subscribe(["risk.events"], "headers")
    (received,) = await subscription.fetch(10, 0.1)
    assert received.headers["content-type"] == "application/cloudevents+json"
    assert received.headers["traceparent"].split("-")[1] == trace_id
    assert not [name for name in received.headers if name.startswith("ce_")]
    await transport.stop()


async def _true(value: bool) -> bool:
    return value


async def _zero(db: Db) -> bool:
    return await unpublished(db) == 0


@pytest.mark.postgres
async def test_two_relays_on_one_database_publish_one_at_a_time_in_order_per_key_with_fail_over(
    pg_db: Db, tmp_path: Path
) -> None:
    db = pg_db
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    replicas = [make_engine(db.engine.url.render_as_string(hide_password=False)) for _ in range(2)]
    relays = [
        OutboxRelay(make_session_factory(e), db.tables, transport, service="test", poll_interval_s=0.02)
        for e in replicas
    ]
    supervisors = [Supervisor(f"replica{n}") for n in range(2)]
    for supervisor, relay in zip(supervisors, relays, strict=True):
        supervisor.start(Loop("relay", relay.step))
    keys = [uuid.uuid4() for _ in range(10)]
    try:
        await emit(db, *(risk_event(n % 4 + 1, keys[n % 10]) for n in range(100)))
        await wait_until(lambda: _true(any(r.active for r in relays)))
        assert sum(r.active for r in relays) == 1
        active = next(n for n, r in enumerate(relays) if r.active)
        await emit(db, *(risk_event(n % 4 + 1, keys[n % 10]) for n in range(100)))
        await supervisors[active].stop()  # the active replica hangs...
        async with db.engine.begin() as conn:  # ...and its connection (holding the lock) ends
            await conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'")
            )
        await emit(db, *(risk_event(n % 4 + 1, keys[n % 10]) for n in range(100)))
        await wait_until(lambda: _zero(db), timeout_s=20)
        assert relays[1 - active].active  # the standby took over
    finally:
        for supervisor in supervisors:
            await supervisor.stop()
        for relay in relays:
            await relay.close()
        for engine in replicas:
            await engine.dispose()
    outbox = db.tables.outbox
    async with db.factory() as session:
        rows = (await session.execute(select(outbox.c.event_id, outbox.c.key).order_by(outbox.c.seq))).all()
    log = await bus_log(transport)
    for key in keys:
        expected = [r.event_id for r in rows if r.key == str(key)]
        seen: list[uuid.UUID] = []
        for received in log:
            if received.subject == str(key) and received.id not in seen:
                seen.append(received.id)
        assert seen == expected, f"order of {key} on the bus"
    await transport.stop()
