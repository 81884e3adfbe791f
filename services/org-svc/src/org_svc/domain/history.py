"""A unit over time: its changes (created, renamed, moved, laws changed, regi changed, closed) kept in
order, and the unit as it stood at any moment, so last year's figures add up by last year's
organisation and a provider is followed up for the time it ran the unit."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from org_svc.domain.providers import ProviderFacts, Regi


class ChangeKind(StrEnum):
    CREATED = "created"
    RENAMED = "renamed"
    MOVED = "moved"
    LAWS_CHANGED = "laws_changed"
    REGI_CHANGED = "regi_changed"  # egen regi or a provider, from the change on
    CLOSED = "closed"


@dataclass(frozen=True)
class UnitChange:
    kind: ChangeKind
    effective_at: datetime
    name: str | None = None
    parent_id: uuid.UUID | None = None
    laws: tuple[str, ...] | None = None
    regi: Regi | None = None  # CREATED (None: egen) and REGI_CHANGED
    provider: ProviderFacts | None = None  # with regi privat


@dataclass(frozen=True)
class UnitState:
    name: str
    parent_id: uuid.UUID | None
    laws: tuple[str, ...]
    open: bool = True
    regi: Regi = Regi.EGEN
    provider: ProviderFacts | None = None


def state_at(changes: Iterable[UnitChange], at: datetime) -> UnitState | None:
    """The unit as it stood at `at`; None before it was created. Changes apply in effective order
    (equal times: in the order they were recorded)."""
    ordered = sorted(enumerate(changes), key=lambda pair: (pair[1].effective_at, pair[0]))
    state: UnitState | None = None
    for _, change in ordered:
        if change.effective_at > at:
            break
        if change.kind is ChangeKind.CREATED:
            state = UnitState(
                change.name or "",
                change.parent_id,
                change.laws or (),
                regi=change.regi or Regi.EGEN,
                provider=change.provider,
            )
        elif state is None:
            continue
        elif change.kind is ChangeKind.RENAMED and change.name is not None:
            state = replace(state, name=change.name)
        elif change.kind is ChangeKind.MOVED:
            state = replace(state, parent_id=change.parent_id)
        elif change.kind is ChangeKind.LAWS_CHANGED and change.laws is not None:
            state = replace(state, laws=change.laws)
        elif change.kind is ChangeKind.REGI_CHANGED and change.regi is not None:
            state = replace(state, regi=change.regi, provider=change.provider)
        elif change.kind is ChangeKind.CLOSED:
            state = replace(state, open=False)
    return state


def last_change_at(changes: Iterable[UnitChange], *kinds: ChangeKind) -> datetime | None:
    """When the latest change of these kinds took effect (a new one must not be dated before it)."""
    times = [c.effective_at for c in changes if not kinds or c.kind in kinds]
    return max(times) if times else None
