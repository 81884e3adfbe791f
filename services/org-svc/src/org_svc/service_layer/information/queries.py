"""What the chef sees of the information duty (per unit: who has and has not been told what), what a
person sees of her own, the records, the items, and the figures per unit for the kvalitetsberättelse."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from org_svc.adapters.orm import (
    InformationDue,
    InformationItemRow,
    InformationRecord,
    InformationRecordParticipant,
    Person,
    replica,
)
from org_svc.domain.information import Due, DueStatus, coverage, due_status
from org_svc.service_layer.access import existing_unit
from org_svc.service_layer.context import Ctx, QueryCtx
from platform_shared.access import Action
from platform_shared.errors import Forbidden
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.pagination import PageRequest, keyset_page
from platform_shared.timeutil import local_date

NOT_YOURS = "Du kan bara se informationen för enheter du är chef för"


async def items(ctx: QueryCtx) -> list[dict[str, Any]]:
    rows = await ctx.session.scalars(select(InformationItemRow).order_by(InformationItemRow.key))
    return [item_view(r) for r in rows.all()]


def item_view(r: InformationItemRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "key": r.key,
        "title": r.title,
        "description": r.description,
        "trigger": r.trigger,
        "due_days": r.due_days,
        "repeat_months": r.repeat_months,
        "regimes": r.regimes,
        "roles": r.roles,
        "document_kinds": r.document_kinds or [],
        "self_acknowledge": r.self_acknowledge,
        "active": r.active,
        "version": r.version,
    }


@dataclass(frozen=True)
class DueFilter:
    unit_id: uuid.UUID | None = None  # this unit and its subtree (the chef's view)
    person_id: uuid.UUID | None = None
    item_id: uuid.UUID | None = None
    status: DueStatus | None = None
    mine: bool = False


async def _units(ctx: QueryCtx, unit_id: uuid.UUID) -> list[uuid.UUID]:
    await existing_unit(ctx, unit_id, "unit_id")
    if not await ctx.caller.can(Action.INFORMATION_RECORD, unit_id):
        raise Forbidden(NOT_YOURS)
    return await OrgDirectory(ctx.session, replica).subtree(unit_id)


async def dues(ctx: QueryCtx, f: DueFilter, page: PageRequest) -> tuple[list[dict[str, Any]], str | None]:
    """A chef's units' dues (INFORMATION_RECORD at the unit), or the caller's own (`mine`)."""
    d = InformationDue
    stmt = select(d).where(d.cancelled_on.is_(None))
    if f.mine or f.unit_id is None:
        stmt = stmt.where(d.person_id == ctx.caller.id)
    else:
        stmt = stmt.where(d.unit_id.in_(await _units(ctx, f.unit_id)))
    if f.person_id is not None:
        stmt = stmt.where(d.person_id == f.person_id)
    if f.item_id is not None:
        stmt = stmt.where(d.item_id == f.item_id)
    today = local_date(ctx.now())
    if f.status in (DueStatus.MET, DueStatus.MET_LATE):
        stmt = stmt.where(d.met_on.is_not(None))
    elif f.status is not None:
        stmt = stmt.where(d.met_on.is_(None))
    rows, cursor = await keyset_page(ctx.session, stmt, [d.due_on, d.id], page)
    names = await _names(ctx, {r.person_id for r in rows})
    titles = await _titles(ctx)
    found = [_due(r, names, titles, today) for r in rows]
    if f.status is not None:
        found = [x for x in found if x["status"] == f.status.value]
    return found, cursor


def _due(
    r: InformationDue, names: dict[uuid.UUID, str], titles: dict[uuid.UUID, str], today: Any
) -> dict[str, Any]:
    status = due_status(r.due_on, r.met_on, today)
    return {
        "id": r.id,
        "item_id": r.item_id,
        "item_title": titles.get(r.item_id, ""),
        "person_id": r.person_id,
        "person_name": names.get(r.person_id, ""),
        "unit_id": r.unit_id,
        "role": r.role,
        "reason": r.reason,
        "document_version_id": r.document_version_id,
        "opened_on": r.opened_on,
        "due_on": r.due_on,
        "met_on": r.met_on,
        "record_id": r.record_id,
        "status": status.value,
    }


async def _names(ctx: QueryCtx, people: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not people:
        return {}
    rows = await ctx.session.execute(select(Person.id, Person.name).where(Person.id.in_(people)))
    return {r.id: r.name for r in rows}


async def _titles(ctx: Ctx) -> dict[uuid.UUID, str]:
    rows = await ctx.session.execute(select(InformationItemRow.id, InformationItemRow.title))
    return {r.id: r.title for r in rows}


async def unit_coverage(ctx: QueryCtx, unit_id: uuid.UUID) -> dict[str, Any]:
    """Per unit of the subtree and item: informed, not yet informed, overdue, the share informed."""
    units = await _units(ctx, unit_id)
    d = InformationDue
    rows = (await ctx.session.scalars(select(d).where(d.unit_id.in_(units), d.cancelled_on.is_(None)))).all()
    grouped: dict[tuple[uuid.UUID, uuid.UUID], list[Due]] = defaultdict(list)
    today = local_date(ctx.now())
    for r in rows:
        if r.opened_on > today:
            continue  # a repeat not yet open (next year's lex Sarah): she is informed until then
        grouped[(r.unit_id, r.item_id)].append(Due("", r.person_id, r.opened_on, r.due_on, None, r.met_on))
    titles = await _titles(ctx)
    found = []
    for (unit, item), dues_ in sorted(
        grouped.items(), key=lambda kv: (str(kv[0][0]), titles.get(kv[0][1], ""))
    ):
        c = coverage(dues_, today)
        share = c.share_informed
        found.append(
            {
                "unit_id": unit,
                "item_id": item,
                "item_title": titles.get(item, ""),
                "informed": len(c.informed),
                "not_informed": len(c.not_informed),
                "overdue": len(c.overdue),
                "share_informed": round(share, 3) if share is not None else None,
            }
        )
    return {"unit_id": unit_id, "as_of": today, "items": found}


async def records(
    ctx: QueryCtx, unit_id: uuid.UUID, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    units = await _units(ctx, unit_id)
    r = InformationRecord
    stmt = select(r).where(r.unit_id.in_(units))
    rows, cursor = await keyset_page(ctx.session, stmt, [r.given_on, r.id], page, descending=True)
    titles = await _titles(ctx)
    return [await record_view(ctx, x, titles) for x in rows], cursor


async def record_view(
    ctx: Ctx, r: InformationRecord, titles: dict[uuid.UUID, str] | None = None
) -> dict[str, Any]:
    P = InformationRecordParticipant
    people = (await ctx.session.scalars(select(P.person_id).where(P.record_id == r.id))).all()
    title = (titles or await _titles(ctx)).get(r.item_id, "")
    return {
        "id": r.id,
        "item_id": r.item_id,
        "item_title": title,
        "unit_id": r.unit_id,
        "method": r.method,
        "given_on": r.given_on,
        "given_by": r.given_by,
        "occasion": r.occasion,
        "document_version_id": r.document_version_id,
        "note": r.note,
        "participant_ids": sorted(people, key=str),
        "recorded_at": r.recorded_at,
    }
