"""What every list shares: the visibility filter in SQL from Authorizer.visibility (never an object the
caller may not read; aggregate-only readers get no rows)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, false, or_, true

from platform_shared.access import Visibility


def visible_units(vis: Visibility) -> set[uuid.UUID] | None:
    """Units the caller reads everything in (None: all units)."""
    if vis.everything:
        return None
    units: set[uuid.UUID] = set()
    for group in vis.units.values():
        units |= group
    return units


def scope_filter(
    vis: Visibility,
    unit_column: SQLColumnExpression[uuid.UUID],
    own: Sequence[SQLColumnExpression[Any]],
    person_id: uuid.UUID,
) -> ColumnElement[bool]:
    """The SQL condition for 'objects this caller may read' (aggregate-only readers get nothing)."""
    units = visible_units(vis)
    if units is None:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if units:
        conditions.append(unit_column.in_(units))
    if vis.own:
        conditions.extend(column == person_id for column in own)
    return or_(*conditions) if conditions else false()
