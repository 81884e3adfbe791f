"""Reading the årshjul: a unit's year with its own and inherited activities and their status, the
calendar feed (iCalendar) of a unit or of a person, and the caller's feed URLs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.access import Principal, principal_for
from platform_shared.decisions import Decision
from platform_shared.errors import NotFound
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.timeutil import STOCKHOLM
from reporting_svc.adapters.calendar import CalendarEntry, arshjul_calendar
from reporting_svc.adapters.orm import Arshjul, ArshjulActivity, CalendarFeedToken, replica
from reporting_svc.domain.adoption import decision_text
from reporting_svc.domain.arshjul.activities import (
    KIND_TITLES,
    STATUS_TITLES,
    Activity,
    ActivityStatus,
    activity_status,
    calendar_view,
)
from reporting_svc.domain.arshjul.feeds import FeedScope, for_person, for_unit, hash_feed_secret
from reporting_svc.service_layer import arshjul as core
from reporting_svc.service_layer.arshjul.access import ARSHJUL_NOT_FOUND, may_read
from reporting_svc.service_layer.context import Ctx, QueryCtx

FEED_NOT_FOUND = "Kalenderflödet finns inte"


def today(ctx: Ctx) -> date:
    return ctx.now().astimezone(STOCKHOLM).date()


def status_of(row: ArshjulActivity, on: date) -> ActivityStatus:
    return activity_status(row.due_on, row.fulfilled_on, on, cancelled=row.cancelled_at is not None)


def activity_view(row: ArshjulActivity, on: date, *, inherited: bool = False) -> dict[str, Any]:
    return {
        "id": row.id,
        "arshjul_id": row.arshjul_id,
        "template_key": row.template_key,
        "kind": row.kind,
        "title": row.title,
        "description": row.description,
        "due_on": row.due_on,
        "period_year": row.period_year,
        "tertial": row.tertial,
        "responsible_role": row.responsible_role,
        "unit_id": row.unit_id,
        "reports_to_unit_id": row.reports_to_unit_id,
        "inherited_from_id": row.inherited_from_id,
        "target_id": row.target_id,
        "status": status_of(row, on).value,
        "inherited": inherited,
        "fulfilled_on": row.fulfilled_on,
        "evidence_type": row.evidence_type,
        "evidence_id": row.evidence_id,
        "fulfilment_note": row.fulfilment_note,
        "version": row.version,
    }


def _decision(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    if not stored:
        return None
    decision = Decision.from_dict(stored)
    return decision.as_dict() | {"text": decision_text(decision)}


def wheel_view(wheel: Arshjul, activities: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": wheel.id,
        "year": wheel.year,
        "unit_id": wheel.unit_id,
        "level": wheel.level,
        "parent_id": wheel.parent_id,
        "status": wheel.status,
        "decision": _decision(wheel.decision),
        "adopted_on": wheel.adopted_on,
        "version": wheel.version,
        "activities": activities,
    }


async def _activities(ctx: Ctx, arshjul_ids: list[uuid.UUID]) -> list[ArshjulActivity]:
    a = ArshjulActivity
    stmt = select(a).where(a.arshjul_id.in_(arshjul_ids)).order_by(a.due_on, a.id)
    return list((await ctx.session.scalars(stmt)).all())


async def wheel(ctx: QueryCtx, year: int, unit_id: uuid.UUID) -> Arshjul:
    found = await ctx.session.scalar(select(Arshjul).where(Arshjul.year == year, Arshjul.unit_id == unit_id))
    if found is None or not await may_read(ctx, found.unit_id):
        raise NotFound(ARSHJUL_NOT_FOUND)
    return found


async def view(ctx: QueryCtx, year: int, unit_id: uuid.UUID) -> dict[str, Any]:
    """The unit's årshjul: its own activities and those of the levels above it carries no copy of
    (domain calendar_view), each with its status today."""
    found = await wheel(ctx, year, unit_id)
    return await view_of(ctx, found)


async def view_of(ctx: Ctx, found: Arshjul) -> dict[str, Any]:
    above: list[uuid.UUID] = []
    parent_id = found.parent_id
    while parent_id is not None and parent_id not in above:
        above.append(parent_id)
        parent = await ctx.session.get(Arshjul, parent_id)
        parent_id = parent.parent_id if parent else None
    rows = await _activities(ctx, [found.id, *above])
    by_id = {r.id: r for r in rows}
    own = [core.activity_of(r) for r in rows if r.arshjul_id == found.id]
    higher = [core.activity_of(r) for r in rows if r.arshjul_id != found.id]
    on = today(ctx)
    entries = [
        activity_view(by_id[e.activity.id], on, inherited=e.inherited) for e in calendar_view(own, higher)
    ]
    return wheel_view(found, entries)


async def activity(ctx: Ctx, activity_id: uuid.UUID) -> dict[str, Any]:
    row = await ctx.session.get(ArshjulActivity, activity_id)
    if row is None:  # pragma: no cover - read after a command that loaded it
        raise NotFound("Aktiviteten finns inte")
    return activity_view(row, today(ctx))


# --- calendar -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    name: str
    content: bytes


async def feed_owner(session: AsyncSession, secret: str, at: datetime) -> Principal:
    """The person a feed URL belongs to, as she is now (roles from the replica): 404 for an unknown or
    revoked secret, or a person no longer active. Only the secret's hash is looked up."""
    directory = OrgDirectory(session, replica)
    token = await session.scalar(
        select(CalendarFeedToken).where(CalendarFeedToken.token_hash == hash_feed_secret(secret))
    )
    person = await directory.person(token.person_id) if token and token.revoked_at is None else None
    principal = await principal_for(directory, person.subject, at) if person and person.active else None
    if principal is None:
        raise NotFound(FEED_NOT_FOUND)
    return principal


async def _names(ctx: Ctx) -> dict[uuid.UUID, str]:
    u = replica.unit.c
    return {r.id: r.name for r in await ctx.session.execute(select(u.id, u.name))}


async def _rows_around(ctx: Ctx, year: int) -> list[ArshjulActivity]:
    a = ArshjulActivity
    stmt = (
        select(a)
        .join(Arshjul, Arshjul.id == a.arshjul_id)
        .where(Arshjul.year.between(year - 1, year + 1))
        .order_by(a.due_on, a.id)
    )
    return list((await ctx.session.scalars(stmt)).all())


async def calendar(ctx: QueryCtx, *, unit_id: uuid.UUID | None = None, feed: str | None = None) -> Feed:
    """A unit's activities (a unit the caller may see), or the caller's own: those whose responsible
    role she holds at that unit. With a feed URL's secret, the feed's scope as its person sees now."""
    scope, unit = (FeedScope.UNIT, unit_id) if unit_id else (FeedScope.PERSON, None)
    if feed is not None:
        token = await ctx.session.scalar(
            select(CalendarFeedToken).where(CalendarFeedToken.token_hash == hash_feed_secret(feed))
        )
        if token is None or token.revoked_at is not None or token.person_id != ctx.caller.id:
            raise NotFound(FEED_NOT_FOUND)
        scope, unit = FeedScope(token.scope), token.unit_id
        token.last_used_at = ctx.now()  # shown in the person's list: which feeds a client still reads
        await ctx.uow.commit()
    on = today(ctx)
    rows = await _rows_around(ctx, on.year)
    by_id = {r.id: r for r in rows}
    names = await _names(ctx)
    activities = [core.activity_of(r) for r in rows]
    chosen: list[Activity]
    if scope is FeedScope.UNIT:
        assert unit is not None
        if not await may_read(ctx, unit):
            raise NotFound(FEED_NOT_FOUND if feed else "Årshjulet för enheten finns inte")
        chosen, name = for_unit(activities, unit), f"Årshjul {names.get(unit, '')}".strip()
    else:
        held = [(r.role, r.unit_id) for r in ctx.caller.principal.roles]
        chosen, name = for_person(activities, held), f"Mitt årshjul ({ctx.caller.principal.name})"
    entries = [_entry(by_id[a.id], on, names) for a in chosen]
    return Feed(name, arshjul_calendar(name, entries))


def _entry(row: ArshjulActivity, on: date, names: dict[uuid.UUID, str]) -> CalendarEntry:
    kind = core.ActivityKind(row.kind)
    return CalendarEntry(
        activity_id=row.id,
        title=row.title,
        due_on=row.due_on,
        kind_title=KIND_TITLES[kind],
        status_title=STATUS_TITLES[status_of(row, on)],
        responsible=f"{row.responsible_role}, {names.get(row.unit_id, 'enheten')}",
        reports_to=names.get(row.reports_to_unit_id) if row.reports_to_unit_id else None,
        changed_at=row.updated_at,
        sequence=row.version,
        cancelled=row.cancelled_at is not None,
    )


async def feeds(ctx: QueryCtx) -> list[CalendarFeedToken]:
    """The caller's own feed URLs in force (without their secrets)."""
    t = CalendarFeedToken
    stmt = select(t).where(t.person_id == ctx.caller.id, t.revoked_at.is_(None)).order_by(t.created_at, t.id)
    return list((await ctx.session.scalars(stmt)).all())
