"""Callers and units as the replica last showed them: read once within the bound, read again after
any change the projector commits in this process, after the bound, or when the clock went back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from platform_shared.access import Principal, principal_for
from platform_shared.contracts.org import PersonDeactivated, RoleAssigned
from platform_shared.ids import new_id
from platform_shared.orgreplica import callers
from platform_shared.orgreplica.callers import ReplicaCache
from platform_shared.orgreplica.projector import ReplicaProjector
from platform_shared.timeutil import utc_now

from .conftest import Replica, tables, tree


class CountedReads:
    def __init__(self, replica: Replica, subject: str) -> None:
        self.replica, self.subject, self.count = replica, subject, 0

    async def __call__(self) -> Principal | None:
        self.count += 1
        await self.replica.session.rollback()  # a new transaction, as each request has
        return await principal_for(self.replica.directory, self.subject, utc_now())


async def test_a_caller_is_read_once_within_the_bound(sqlite_replica: Replica) -> None:
    org = tree(sqlite_replica)
    org.person("chef", ("enhetschef", "enhet_a"))
    await sqlite_replica.apply(*org.events)
    cache, read = ReplicaCache(ttl_s=60), CountedReads(sqlite_replica, "sub-chef")
    now = utc_now()
    first = await cache.caller("sub-chef", now, read)
    again = await cache.caller("sub-chef", now + timedelta(seconds=59), read)
    assert first is again and read.count == 1
    await cache.caller("sub-chef", now + timedelta(seconds=60), read)  # past the bound
    await cache.caller("sub-chef", now - timedelta(seconds=1), read)  # the clock went back
    assert read.count == 3


async def test_a_change_the_projector_commits_is_seen_by_the_next_request(sqlite_replica: Replica) -> None:
    org = tree(sqlite_replica)
    person = org.person("chef", ("enhetschef", "enhet_a"))
    await sqlite_replica.apply(*org.events)
    cache, read = ReplicaCache(ttl_s=60), CountedReads(sqlite_replica, "sub-chef")
    before = await cache.caller("sub-chef", utc_now(), read)
    assert before is not None and len(before.roles) == 1

    await sqlite_replica.apply(
        RoleAssigned(
            assignment_id=new_id(),
            person_id=person,
            role="enhetschef",
            unit_id=org.units["enhet_b"],
            valid_from=utc_now() - timedelta(days=1),
        )
    )
    after = await cache.caller("sub-chef", utc_now(), read)
    assert after is not None and len(after.roles) == 2 and read.count == 2

    await sqlite_replica.apply(PersonDeactivated(person_id=person, deactivated_at=utc_now()))
    assert await cache.caller("sub-chef", utc_now(), read) is None
    assert await cache.caller("sub-chef", utc_now(), read) is None  # no caller is not kept
    assert read.count == 4


async def test_a_projector_transaction_rolled_back_drops_what_was_read_inside_it(
    sqlite_replica: Replica,
) -> None:
    org = tree(sqlite_replica)
    person = org.person("chef", ("enhetschef", "enhet_a"))
    await sqlite_replica.apply(*org.events)
    cache = ReplicaCache(ttl_s=60)
    session = sqlite_replica.factory()
    await session.begin()
    await ReplicaProjector(tables).apply(
        session, PersonDeactivated(person_id=person, deactivated_at=utc_now())
    )
    inside = await cache.unit_exists(org.units["enhet_a"], utc_now(), _true)  # read in the change
    await session.close()  # unfinished, as a unit of work leaves on an error: rolled back
    reads: list[bool] = []

    async def read_again() -> bool:
        reads.append(True)
        return True

    assert inside and await cache.unit_exists(org.units["enhet_a"], utc_now(), read_again)
    assert reads == [True]


async def _true() -> bool:
    return True


async def test_what_was_read_while_a_change_committed_is_not_kept(sqlite_replica: Replica) -> None:
    org = tree(sqlite_replica)
    org.person("chef", ("enhetschef", "enhet_a"))
    await sqlite_replica.apply(*org.events)
    cache, read = ReplicaCache(ttl_s=60), CountedReads(sqlite_replica, "sub-chef")

    async def read_during_a_change() -> Principal | None:
        found = await read()
        callers.replica_changed()  # another transaction committed a replica change meanwhile
        return found

    await cache.caller("sub-chef", utc_now(), read_during_a_change)
    await cache.caller("sub-chef", utc_now(), read)
    assert read.count == 2


async def test_a_unit_known_to_exist_is_not_read_again_an_unknown_one_is(sqlite_replica: Replica) -> None:
    org = tree(sqlite_replica)
    await sqlite_replica.apply(*org.events)
    cache = ReplicaCache(ttl_s=60)
    reads: list[object] = []

    async def exists(unit_id: object) -> bool:
        reads.append(unit_id)
        return unit_id in org.units.values()

    known, unknown = org.units["enhet_a"], new_id()
    for unit_id in (known, known, unknown, unknown):
        await cache.unit_exists(unit_id, utc_now(), lambda u=unit_id: exists(u))
    assert reads == [known, unknown, unknown]


class _Base(DeclarativeBase):
    pass


class _Row(_Base):
    __tablename__ = "row"
    id: Mapped[int] = mapped_column(primary_key=True)


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
async def test_a_flush_inside_a_replica_transaction_does_not_end_it_for_the_caches(
    tmp_path: Path, end: str
) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'flush.sqlite'}")
    async with engine.begin() as conn:
        await conn.run_sync(_Base.metadata.create_all)
    try:
        session = AsyncSession(engine)
        start = callers.generation()
        callers.changes_replica(session)
        session.add(_Row(id=1))
        await session.flush()  # an inner transaction ends here; the replica's has not
        assert callers.generation() == start
        await getattr(session, end)()
        assert callers.generation() == start + 1
        await session.close()
        assert callers.generation() == start + 1
    finally:
        await engine.dispose()
