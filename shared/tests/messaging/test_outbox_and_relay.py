from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.risk import RiskAssessed
from platform_shared.messaging.local import LocalTransport
from platform_shared.messaging.relay import OutboxRelay
from platform_shared.testing import wait_until
from platform_shared.timeutil import utc_now

from ..conftest import Db, thing  # type: ignore[import-not-found]


def risk_event(n: int = 1) -> RiskAssessed:
    return RiskAssessed(
        risk_id=uuid.uuid4(),
        unit_id=uuid.uuid4(),
        probability=n,
        consequence=1,
        risk_value=n,
        assessed_at=utc_now(),
    )


async def count(db: Db, table: Any) -> int:
    async with db.factory() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def test_state_and_event_are_committed_together(db: Db) -> None:
    async with db.uow() as uow:
        await uow.session.execute(thing.insert().values(id=uuid.uuid4(), name="a"))
        uow.emit(risk_event())
        await uow.commit()
    assert await count(db, thing) == 1
    assert await count(db, db.tables.outbox) == 1


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


async def test_relay_loses_nothing_while_the_bus_is_down(db: Db, tmp_path: Path) -> None:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    relay = OutboxRelay(
        db.factory,
        db.tables,
        transport,
        service="test",
        poll_interval_s=0.02,
        initial_backoff_s=0.01,
        max_backoff_s=0.05,
    )
    transport.fail_sends = True
    task = asyncio.create_task(relay.run())
    try:
        for n in range(1, 6):
            async with db.uow() as uow:
                uow.emit(risk_event(n % 4 + 1))
                await uow.commit()
            relay.wake()
        await asyncio.sleep(0.2)
        async with db.factory() as session:
            outbox = db.tables.outbox
            attempts = await session.scalar(select(func.max(outbox.c.attempts)))
            unpublished = await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            )
        assert attempts and attempts > 1, "the relay should have retried"
        assert unpublished == 5
        transport.fail_sends = False  # the bus is back

        async def all_published() -> bool:
            async with db.factory() as session:
                return (
                    await session.scalar(
                        select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
                    )
                ) == 0

        await wait_until(all_published)
    finally:
        task.cancel()
    subscription = await transport.subscribe(["risk.events"], "checker")
    received = await subscription.fetch(100, 0.1)
    async with db.factory() as session:
        expected = list(
            await session.scalars(select(db.tables.outbox.c.event_id).order_by(db.tables.outbox.c.seq))
        )
    assert [EventEnvelope.from_json(m.value).id for m in received] == expected
    await transport.stop()
