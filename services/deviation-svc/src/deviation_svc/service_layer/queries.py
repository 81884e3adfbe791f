"""Lists (keyset pages, newest first, id as tie-breaker; never what the caller may not see, filtered in
SQL from Authorizer.visibility) and a case's timeline."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, not_, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from deviation_svc.adapters.orm import (
    Complaint,
    DataBreach,
    Deviation,
    DeviationAction,
    deadline_tables,
    messaging,
)
from deviation_svc.domain.model import DeviationType
from platform_shared.access import Action, Authorizer, Principal, Visibility
from platform_shared.api.pagination import decode_cursor, encode_cursor
from platform_shared.contracts.common import AuditRecorded
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.timeutil import as_utc, local_day_range

DEVIATION_TYPES = frozenset(t.value for t in DeviationType)


@dataclass(frozen=True)
class Scope:
    """Who is asking, and from where the unit tree is read."""

    principal: Principal
    authz: Authorizer
    directory: OrgDirectory
    now: datetime


def _visibility_clause(
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


def _period(col: Any, first: date | None, last: date | None) -> list[ColumnElement[bool]]:
    conds = []
    if first is not None:
        conds.append(col >= local_day_range(first, first)[0])
    if last is not None:
        conds.append(col < local_day_range(last, last)[1])
    return conds


async def _units(scope: Scope, unit_id: uuid.UUID | None) -> list[uuid.UUID] | None:
    return None if unit_id is None else await scope.directory.subtree(unit_id)


async def _page(
    session: AsyncSession,
    stmt: Select[Any],
    time_col: InstrumentedAttribute[datetime],
    id_col: InstrumentedAttribute[uuid.UUID],
    cursor: str | None,
    limit: int,
) -> tuple[list[Any], str | None]:
    """Newest first by (time, id); the cursor holds the last row's pair."""
    if cursor:
        at, last_id = decode_cursor(cursor, 2)
        stmt = stmt.where(
            tuple_(time_col, id_col) < tuple_(as_utc(datetime.fromisoformat(at)), uuid.UUID(last_id))
        )
    rows = list((await session.scalars(stmt.order_by(time_col.desc(), id_col.desc()).limit(limit + 1))).all())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode_cursor(as_utc(getattr(last, time_col.key)).isoformat(), getattr(last, id_col.key))


DEADLINE = deadline_tables.deadline.c


def _late(of_object: ColumnElement[bool], now: datetime) -> ColumnElement[bool]:
    """The object has a deadline still open and past due."""
    d = DEADLINE
    return exists(select(d.id).where(of_object, d.met_at.is_(None), d.cancelled_at.is_(None), d.due_at < now))


@dataclass(frozen=True)
class DeviationFilter:
    status: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    unit_id: uuid.UUID | None = None
    first: date | None = None
    last: date | None = None
    category: str | None = None
    severity: int | None = None
    overdue: bool | None = None
    q: str | None = None
    cursor: str | None = None
    limit: int = 50


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def deviations(
    session: AsyncSession, scope: Scope, f: DeviationFilter
) -> tuple[list[Deviation], str | None]:
    vis = await scope.authz.visibility(scope.principal, Action.CASE_READ)
    if vis.nothing:
        return [], None
    me = scope.principal.person_id
    assigned = or_(
        Deviation.investigator_id == me,
        exists(
            select(DeviationAction.id).where(
                DeviationAction.deviation_id == Deviation.id, DeviationAction.responsible_id == me
            )
        ),
    )
    stmt = select(Deviation)
    visible = _visibility_clause(
        vis,
        scope.principal,
        Deviation.unit_id,
        Deviation.type,
        DEVIATION_TYPES,
        Deviation.reporter_id,
        assigned,
    )
    if visible is not None:
        stmt = stmt.where(visible)
    units = await _units(scope, f.unit_id)
    if units is not None:
        stmt = stmt.where(Deviation.unit_id.in_(units))
    if f.status:
        stmt = stmt.where(Deviation.status.in_(f.status))
    if f.type:
        stmt = stmt.where(Deviation.type.in_(f.type))
    if f.category is not None:
        stmt = stmt.where(Deviation.category == f.category)
    if f.severity is not None:
        stmt = stmt.where(Deviation.severity == f.severity)
    if f.q:
        stmt = stmt.where(Deviation.description.ilike(_like(f.q), escape="\\"))
    stmt = stmt.where(*_period(Deviation.reported_at, f.first, f.last))
    if f.overdue is not None:
        actions = select(DeviationAction.id).where(DeviationAction.deviation_id == Deviation.id)
        late = or_(
            _late(DEADLINE.object_id == Deviation.id, scope.now),
            _late(DEADLINE.object_id.in_(actions), scope.now),
        )
        stmt = stmt.where(late if f.overdue else not_(late))
    return await _page(session, stmt, Deviation.reported_at, Deviation.id, f.cursor, f.limit)


@dataclass(frozen=True)
class CaseFilter:
    status: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    unit_id: uuid.UUID | None = None
    first: date | None = None
    last: date | None = None
    overdue: bool | None = None
    cursor: str | None = None
    limit: int = 50


async def complaints(
    session: AsyncSession, scope: Scope, f: CaseFilter
) -> tuple[list[Complaint], str | None]:
    vis = await scope.authz.visibility(scope.principal, Action.CASE_READ)
    if vis.nothing:
        return [], None
    stmt = select(Complaint)
    visible = _visibility_clause(
        vis, scope.principal, Complaint.unit_id, None, frozenset({"complaint"}), Complaint.registered_by, None
    )
    if visible is not None:
        stmt = stmt.where(visible)
    units = await _units(scope, f.unit_id)
    if units is not None:
        stmt = stmt.where(Complaint.unit_id.in_(units))
    if f.status:
        stmt = stmt.where(Complaint.status.in_(f.status))
    if f.kind:
        stmt = stmt.where(Complaint.kind.in_(f.kind))
    stmt = stmt.where(*_period(Complaint.received_at, f.first, f.last))
    if f.overdue is not None:
        late = _late(DEADLINE.object_id == Complaint.id, scope.now)
        stmt = stmt.where(late if f.overdue else not_(late))
    return await _page(session, stmt, Complaint.received_at, Complaint.id, f.cursor, f.limit)


async def breaches(session: AsyncSession, scope: Scope, f: CaseFilter) -> tuple[list[DataBreach], str | None]:
    vis = await scope.authz.visibility(scope.principal, Action.CASE_READ)
    if vis.nothing:
        return [], None
    stmt = select(DataBreach)
    visible = _visibility_clause(
        vis,
        scope.principal,
        DataBreach.unit_id,
        None,
        frozenset({"data_breach"}),
        DataBreach.reported_by,
        None,
    )
    if visible is not None:
        stmt = stmt.where(visible)
    units = await _units(scope, f.unit_id)
    if units is not None:
        stmt = stmt.where(DataBreach.unit_id.in_(units))
    if f.status:
        stmt = stmt.where(DataBreach.status.in_(f.status))
    stmt = stmt.where(*_period(DataBreach.reported_at, f.first, f.last))
    if f.overdue is not None:
        late = _late(DEADLINE.object_id == DataBreach.id, scope.now)
        stmt = stmt.where(late if f.overdue else not_(late))
    return await _page(session, stmt, DataBreach.reported_at, DataBreach.id, f.cursor, f.limit)


async def history(
    session: AsyncSession, object_id: uuid.UUID, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """The case's timeline, read from the service's event log (the outbox keeps sent rows): every step
    with its time, actor and the facts it carried; audit records of reads are left out."""
    o = messaging.outbox.c
    stmt = (
        select(o.seq, o.payload)
        .where(o.key == str(object_id), o.event_type != AuditRecorded.event_type)
        .order_by(o.seq)
        .limit(limit + 1)
    )
    if cursor:
        (last_seq,) = decode_cursor(cursor, 1)
        stmt = stmt.where(o.seq > int(last_seq))
    rows = (await session.execute(stmt)).all()
    items = [
        {
            "at": row.payload["time"],
            "type": row.payload["type"],
            "actor_id": row.payload.get("actorid"),
            "status": row.payload["data"].get("status"),
            "data": row.payload["data"],
        }
        for row in rows[:limit]
    ]
    next_cursor = encode_cursor(rows[limit - 1].seq) if len(rows) > limit else None
    return items, next_cursor
