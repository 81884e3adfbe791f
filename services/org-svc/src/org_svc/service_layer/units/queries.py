"""Reading units: one, now or as it stood at a time; the tree (as parent links) with filters; a unit's
history. The read model adds the regimes (Lex Sarah, Lex Maria) its laws put it under."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from org_svc.adapters.orm import OrgUnit, OrgUnitChange
from org_svc.domain.history import UnitState
from org_svc.domain.model import UnitLevel
from org_svc.service_layer import views
from org_svc.service_layer.access import NO_ROLE, readable_unit, require_grant
from org_svc.service_layer.context import Ctx, QueryCtx
from platform_shared.access import Action
from platform_shared.errors import NotFound
from platform_shared.pagination import PageRequest, keyset_page


async def view(
    ctx: Ctx, units: list[OrgUnit], states: dict[uuid.UUID, UnitState] | None = None
) -> list[dict[str, Any]]:
    """The units as read models (as they stood, when `states` holds their state then)."""
    regimes = await views.regimes(ctx.session)
    found = []
    for unit in units:
        state = states.get(unit.id) if states is not None else None
        found.append(
            {
                "id": unit.id,
                "parent_id": state.parent_id if state else unit.parent_id,
                "name": state.name if state else unit.name,
                "code": unit.code,
                "level": unit.level,
                "laws": list(state.laws) if state else list(unit.laws),
                "regimes": sorted(regimes.get(unit.id, frozenset())),
                "regi": state.regi.value if state else unit.regi,
                "provider": views.provider_view(state.provider if state else views.provider_of(unit)),
                "valid_from": unit.valid_from,
                "valid_to": unit.valid_to,
                "version": unit.version,
            }
        )
    return found


async def unit(ctx: QueryCtx, unit_id: uuid.UUID, at: datetime | None) -> dict[str, Any]:
    found = await readable_unit(ctx, unit_id)
    states = await views.states_at(ctx.session, [found.id], at) if at else None
    if states is not None and found.id not in states:
        raise NotFound("Enheten fanns inte då")
    return (await view(ctx, [found], states))[0]


@dataclass(frozen=True)
class UnitFilter:
    parent_id: uuid.UUID | None = None
    level: UnitLevel | None = None
    code: str | None = None
    at: datetime | None = None


async def units(ctx: QueryCtx, f: UnitFilter, page: PageRequest) -> tuple[list[dict[str, Any]], str | None]:
    require_grant(ctx, Action.ORG_READ, NO_ROLE)
    stmt = select(OrgUnit)
    if f.level is not None:
        stmt = stmt.where(OrgUnit.level == f.level.value)
    if f.code is not None:
        stmt = stmt.where(OrgUnit.code == f.code)
    when = f.at
    if when is None:
        if f.parent_id is not None:
            stmt = stmt.where(OrgUnit.parent_id == f.parent_id)
        rows, next_cursor = await keyset_page(ctx.session, stmt, [OrgUnit.id], page)
        return await view(ctx, rows), next_cursor
    stmt = stmt.where(OrgUnit.valid_from <= when, or_(OrgUnit.valid_to.is_(None), OrgUnit.valid_to > when))
    if f.parent_id is not None:  # the parent then: a unit moved away since still counts under it
        moved_there = select(OrgUnitChange.unit_id).where(OrgUnitChange.parent_id == f.parent_id)
        stmt = stmt.where(or_(OrgUnit.parent_id == f.parent_id, OrgUnit.id.in_(moved_there)))
    items: list[dict[str, Any]] = []
    while True:  # keyset pages of candidates, filtered by the state at `when`
        rows, next_cursor = await keyset_page(ctx.session, stmt, [OrgUnit.id], page)
        states = await views.states_at(ctx.session, [u.id for u in rows], when)
        kept = [
            u
            for u in rows
            if u.id in states and (f.parent_id is None or states[u.id].parent_id == f.parent_id)
        ]
        items.extend(await view(ctx, kept, states))
        if next_cursor is None or items:
            return items, next_cursor
        page = PageRequest(next_cursor, page.limit)


async def history(
    ctx: QueryCtx, unit_id: uuid.UUID, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    """The unit's changes, each with what it set (a created or regi_changed one: the regi and the
    provider from then on)."""
    await readable_unit(ctx, unit_id)
    stmt = select(OrgUnitChange).where(OrgUnitChange.unit_id == unit_id)
    rows, next_cursor = await keyset_page(ctx.session, stmt, [OrgUnitChange.id], page)
    return [_change(row) for row in rows], next_cursor


def _change(row: OrgUnitChange) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "effective_at": row.effective_at,
        "name": row.name,
        "parent_id": row.parent_id,
        "laws": row.laws,
        "regi": row.regi,
        "provider": views.provider_view(views.provider_of(row)),
        "actor_id": row.actor_id,
        "recorded_at": row.recorded_at,
    }
