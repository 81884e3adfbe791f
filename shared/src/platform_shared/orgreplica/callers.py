"""Who the callers are, as the org replica last showed them: every request names its caller, and
reading the person, their roles and delegations (and the unit it reports for) from the database on
each one was two statements of the few a report needs.

An entry is dropped when the replica changes in this process (`replica_changed`, called after the
commit of every transaction the projector wrote in) and is never used for longer than `ttl_s` after it
was read: what another process (a second worker applying part of the replica's events) changed, and a
role or delegation beginning or ending with time, is seen within that bound, the same order as the
replica's own lag behind org-svc."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

TTL_S = 1.0
MAX_ENTRIES = 10_000

_generation = 0


def generation() -> int:
    """The number of replica changes committed in this process (any service's replica)."""
    return _generation


def replica_changed() -> None:
    global _generation
    _generation += 1


def changes_replica(session: AsyncSession) -> None:
    """The replica is written in this session's transaction: every cache forgets what it read once
    the transaction ends, committed or not (what was read inside it may show an uncommitted change)."""
    sync = session.sync_session
    if sync.info.get("changes_replica"):
        return
    sync.info["changes_replica"] = True

    ended_once = False

    def ended(_session: Any, transaction: Any) -> None:
        # Committed, rolled back, or closed unfinished (a unit of work leaving on an error): either
        # the replica changed, or what was read inside the transaction showed what it no longer holds.
        # Only the outermost transaction counts: every ORM flush opens and ends one inside it.
        nonlocal ended_once
        if ended_once or transaction.parent is not None:
            return
        ended_once = True
        sync.info.pop("changes_replica", None)
        replica_changed()

    event.listen(sync, "after_transaction_end", ended)


@dataclass(frozen=True)
class _Entry:
    value: Any
    read_at: datetime
    generation: int


class ReplicaCache:
    """Callers by token subject and the units known to exist, per service runtime."""

    def __init__(self, ttl_s: float = TTL_S, max_entries: int = MAX_ENTRIES) -> None:
        self._ttl = timedelta(seconds=ttl_s)
        self._max = max_entries
        self._callers: dict[str, _Entry] = {}
        self._units: dict[uuid.UUID, _Entry] = {}

    async def caller(self, subject: str, at: datetime, read: Callable[[], Awaitable[Any]]) -> Any:
        """The caller `read()` finds for `subject` at `at`, read again unless read within the bound
        and unchanged since; a subject that is no caller (None) is not kept."""
        return await self._through(self._callers, subject, at, read)

    async def unit_exists(
        self, unit_id: uuid.UUID, at: datetime, read: Callable[[], Awaitable[bool]]
    ) -> bool:
        return bool(await self._through(self._units, unit_id, at, read))

    def _fresh(self, entry: _Entry, at: datetime) -> bool:
        return entry.read_at <= at < entry.read_at + self._ttl

    async def _through(
        self, entries: dict[Any, _Entry], key: Any, at: datetime, read: Callable[[], Awaitable[Any]]
    ) -> Any:
        current = _generation
        entry = entries.get(key)
        if entry is not None and entry.generation == current and self._fresh(entry, at):
            return entry.value
        value = await read()
        # Kept only when no change committed while it was read (it might show the state before).
        if value and _generation == current:
            if len(entries) >= self._max:
                entries.clear()
            entries[key] = _Entry(value, at, current)
        return value
