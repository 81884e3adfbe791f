"""Read side: the deviation summary over a set of units and a period, a person's notifications."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.api.pagination import decode_cursor, encode_cursor
from platform_shared.errors import FieldError, ValidationFailed
from platform_shared.timeutil import local_day_range
from reporting_svc.adapters.orm import DeviationFact, Notification
from reporting_svc.domain.model import RuleViolation, Summary, check_period, summarise


@dataclass(frozen=True)
class DeviationSummaryQuery:
    first: date  # inclusive, Europe/Stockholm
    last: date  # inclusive, Europe/Stockholm
    unit_ids: Collection[uuid.UUID] | None  # None: every unit


def to_domain_error(err: RuleViolation) -> ValidationFailed:
    return ValidationFailed(err.message, errors=[FieldError(err.field, err.message)])


async def deviation_summary(session: AsyncSession, query: DeviationSummaryQuery) -> Summary:
    try:
        check_period(query.first, query.last)
    except RuleViolation as err:
        raise to_domain_error(err) from err
    if query.unit_ids is not None and not query.unit_ids:
        return Summary()
    start, end = local_day_range(query.first, query.last)
    f = DeviationFact
    stmt = select(f.type, f.unit_id, func.count()).where(f.reported_at >= start, f.reported_at < end)
    if query.unit_ids is not None:
        stmt = stmt.where(f.unit_id.in_(list(query.unit_ids)))
    rows = await session.execute(stmt.group_by(f.type, f.unit_id))
    return summarise((row[0], row[1], int(row[2])) for row in rows)


def _decode_created_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    created_at, last_id = decode_cursor(cursor, 2)
    try:
        return datetime.fromisoformat(created_at), uuid.UUID(last_id)
    except ValueError as exc:
        raise ValidationFailed(
            "Invalid cursor", errors=[FieldError("cursor", "not a cursor from this API")]
        ) from exc


async def notifications_of(
    session: AsyncSession, recipient_id: uuid.UUID, cursor: str | None, limit: int
) -> tuple[list[Notification], str | None]:
    """Newest first, keyset-paged on (created_at, id) descending."""
    n = Notification
    stmt = select(n).where(n.recipient_id == recipient_id)
    if cursor:
        created_at, last_id = _decode_created_cursor(cursor)
        stmt = stmt.where(or_(n.created_at < created_at, and_(n.created_at == created_at, n.id < last_id)))
    stmt = stmt.order_by(n.created_at.desc(), n.id.desc()).limit(limit + 1)
    rows = list((await session.scalars(stmt)).all())
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, encode_cursor(rows[-1].created_at.isoformat(), rows[-1].id)
    return rows, None
