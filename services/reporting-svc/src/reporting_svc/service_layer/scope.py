"""Whose figures a caller may see, and whether small cells are hidden from them (docs/domain.md 8.2, 8.3).

STATS_READ: chefs, MAS, SAS in their subtree; socialchef and kvalitetsledare everywhere; nämnd,
controller and verksamhetsutvecklare as aggregates only (AGGREGATE grant: small cells suppressed).
Naming a unit outside one's scope is 403 (the caller names it; docs/ENGINEERING.md), an unknown unit 422.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.access import Action
from platform_shared.errors import Forbidden
from platform_shared.orgreplica.tables import ReplicaTables
from platform_shared.permissions import Scope
from reporting_svc.adapters.orm import replica
from reporting_svc.service_layer.context import Ctx, require_unit


@dataclass(frozen=True)
class StatsScope:
    roots: list[uuid.UUID]
    suppress: bool  # the caller may only see aggregates for (some of) these units


async def top_units(session: AsyncSession, replica: ReplicaTables) -> list[uuid.UUID]:
    u = replica.unit.c
    rows = await session.scalars(select(u.id).where(u.parent_id.is_(None)))
    return sorted(rows.all(), key=str)


async def stats_scope(ctx: Ctx, unit_id: uuid.UUID | None) -> StatsScope:
    caller = ctx.caller
    principal = caller.principal
    if not principal.may(Action.STATS_READ):
        raise Forbidden("Din roll ger inte behörighet att läsa statistik")
    if unit_id is not None:
        await require_unit(ctx, unit_id)
        if await caller.can(Action.STATS_READ, unit_id):
            return StatsScope([unit_id], suppress=False)
        if await caller.authz.can_aggregate(principal, Action.STATS_READ, unit_id):
            return StatsScope([unit_id], suppress=True)
        raise Forbidden("Din roll ger inte behörighet att läsa statistik för denna enhet")
    if principal.is_client:
        return StatsScope(list(principal.client_units), suppress=True)
    roots: list[uuid.UUID] = []
    suppress = False
    for scoped, grant in principal.grants_for(Action.STATS_READ):
        if grant.scope is Scope.ALL:
            roots += await top_units(ctx.session, replica)
        elif grant.scope in (Scope.SUBTREE, Scope.AGGREGATE):
            roots.append(scoped.unit_id)
        suppress = suppress or grant.scope is Scope.AGGREGATE
    if suppress:
        # Aggregate-only somewhere: suppress unless a full grant covers every root anyway.
        full = [await caller.can(Action.STATS_READ, root) for root in roots]
        suppress = not all(full)
    return StatsScope(list(dict.fromkeys(roots)), suppress)
