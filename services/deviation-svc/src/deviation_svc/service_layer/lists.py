"""What every list of cases shares: the visibility filter built in SQL from Authorizer.visibility (never
an object the caller may not see), periods in Stockholm dates, "overdue", free-text matching."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select

from deviation_svc.adapters.orm import deadline_tables
from deviation_svc.service_layer.context import Ctx
from platform_shared.access import Principal, Visibility
from platform_shared.timeutil import local_day_range

DEADLINE = deadline_tables.deadline.c


def visibility_clause(
    vis: Visibility,
    principal: Principal,
    unit_col: Any,
    type_col: Any | None,
    case_types: frozenset[str],
    owner_col: Any,
    assigned: ColumnElement[bool] | None,
) -> ColumnElement[bool] | None:
    """None: no restriction. Grants narrowed to case types count only for the types listed here."""
    if vis.everything:
        return None
    parts: list[ColumnElement[bool]] = []
    for types, units in vis.units.items():
        wanted = case_types if types is None else case_types & types
        if not wanted or not units:
            continue
        clause = unit_col.in_(sorted(units))
        if type_col is not None and wanted != case_types:
            clause = and_(clause, type_col.in_(sorted(wanted)))
        parts.append(clause)
    if vis.own:
        parts.append(owner_col == principal.person_id)
    if vis.assigned and assigned is not None:
        parts.append(assigned)
    return or_(*parts) if parts else false()


def period(col: Any, first: date | None, last: date | None) -> list[ColumnElement[bool]]:
    """Within the Stockholm dates first..last, inclusive."""
    conds = []
    if first is not None:
        conds.append(col >= local_day_range(first, first)[0])
    if last is not None:
        conds.append(col < local_day_range(last, last)[1])
    return conds


async def subtree(ctx: Ctx, unit_id: uuid.UUID | None) -> list[uuid.UUID] | None:
    return None if unit_id is None else await ctx.caller.directory.subtree(unit_id)


def late(of_object: ColumnElement[bool], now: datetime) -> ColumnElement[bool]:
    """The object has a deadline still open and past due."""
    d = DEADLINE
    return exists(select(d.id).where(of_object, d.met_at.is_(None), d.cancelled_at.is_(None), d.due_at < now))


def like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
