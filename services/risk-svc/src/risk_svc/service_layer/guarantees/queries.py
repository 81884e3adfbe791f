"""Reading värdighetsgarantier: one with its indicators' latest status and the complaints that named it
as not kept (in all and this year); the list; and a unit's coverage of the värdegrund's seven areas."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select, true

from platform_shared.errors import NotFound
from platform_shared.pagination import PageRequest, keyset_page
from platform_shared.timeutil import local_date
from risk_svc.adapters.orm import (
    Guarantee,
    Indicator,
    IndicatorGuarantee,
    Measurement,
    complaint_fact,
    complaint_guarantee_fact,
)
from risk_svc.domain.guarantees import (
    AREA_TITLES,
    GuaranteeStatus,
    ValueArea,
    areas_without_guarantee,
    follow_up,
    in_force,
)
from risk_svc.domain.indicators import STATUS_TITLES, IndicatorStatus
from risk_svc.service_layer.access import guarantee_units, readable_guarantee, reads_unit
from risk_svc.service_layer.context import Ctx, QueryCtx, columns_of, today

UNIT_NOT_FOUND = "Enheten finns inte"


async def _visible(ctx: QueryCtx) -> ColumnElement[bool]:
    units = await guarantee_units(ctx)
    return true() if units is None else Guarantee.unit_id.in_(sorted(units, key=str))


async def _indicators(ctx: Ctx, g: Guarantee) -> list[dict[str, Any]]:
    rows = (
        await ctx.session.scalars(
            select(Indicator)
            .join(IndicatorGuarantee, IndicatorGuarantee.indicator_id == Indicator.id)
            .where(IndicatorGuarantee.guarantee_id == g.id)
            .order_by(Indicator.name, Indicator.id)
        )
    ).all()
    found = []
    for i in rows:
        latest = await ctx.session.scalar(
            select(Measurement)
            .where(Measurement.indicator_id == i.id)
            .order_by(Measurement.period_start.desc())
            .limit(1)
        )
        status = IndicatorStatus(latest.status) if latest is not None else None
        found.append(
            {
                "id": i.id,
                "name": i.name,
                "unit_id": i.unit_id,
                "status": i.status,
                "latest_period": latest.period if latest is not None else None,
                "latest_status": status.value if status else None,
                "latest_status_title": STATUS_TITLES[status] if status else None,
            }
        )
    return found


async def _complaints_received_on(ctx: Ctx, g: Guarantee) -> list[date | None]:
    rows = await ctx.session.execute(
        select(complaint_fact.c.received_at)
        .select_from(complaint_guarantee_fact)
        .outerjoin(complaint_fact, complaint_fact.c.complaint_id == complaint_guarantee_fact.c.complaint_id)
        .where(complaint_guarantee_fact.c.guarantee_id == g.id)
    )
    return [local_date(r.received_at) if r.received_at is not None else None for r in rows]


async def guarantee_view(ctx: Ctx, g: Guarantee) -> dict[str, Any]:
    indicators = await _indicators(ctx, g)
    received = await _complaints_received_on(ctx, g)
    day = today(ctx)
    statuses = {
        i["id"]: IndicatorStatus(i["latest_status"])
        for i in indicators
        if i["latest_status"] is not None and i["status"] == "active"
    }
    this_year = follow_up(g.id, [d for d in received if d], date(day.year, 1, 1), day, statuses)
    status = GuaranteeStatus(g.status)
    return columns_of(g) | {
        "area_title": AREA_TITLES[ValueArea(g.area)],
        "in_force": in_force(status, g.valid_from, g.valid_to, day),
        "indicators": indicators,
        "indicator_status": this_year.indicator_status.value if this_year.indicator_status else None,
        "complaints_not_kept": len(received),
        "complaints_not_kept_this_year": this_year.complaints_not_kept,
        "attention": this_year.attention,
    }


async def guarantee(ctx: QueryCtx, guarantee_id: uuid.UUID) -> dict[str, Any]:
    return await guarantee_view(ctx, await readable_guarantee(ctx, guarantee_id))


@dataclass(frozen=True)
class GuaranteeFilter:
    unit_id: uuid.UUID | None = None  # the garantier that apply to it: its own and those of units above
    area: ValueArea | None = None
    status: GuaranteeStatus | None = None


async def guarantees(
    ctx: QueryCtx, f: GuaranteeFilter, page: PageRequest
) -> tuple[list[Guarantee], str | None]:
    stmt = select(Guarantee).where(await _visible(ctx))
    if f.unit_id is not None:
        stmt = stmt.where(Guarantee.unit_id.in_(await ctx.caller.directory.ancestors_and_self(f.unit_id)))
    if f.area is not None:
        stmt = stmt.where(Guarantee.area == f.area.value)
    if f.status is not None:
        stmt = stmt.where(Guarantee.status == f.status.value)
    return await keyset_page(ctx.session, stmt, [Guarantee.id], page)


async def coverage(ctx: QueryCtx, unit_id: uuid.UUID, on: date) -> dict[str, Any]:
    """The seven areas of the värdegrund for a unit the caller reads, each with the garantier in force
    there that day (its own and those of the units above); an area without one is a gap."""
    unit = await ctx.caller.directory.unit(unit_id)
    if unit is None or not await reads_unit(ctx, unit_id):
        raise NotFound(UNIT_NOT_FOUND)
    above = await ctx.caller.directory.ancestors_and_self(unit_id)
    rows = (
        await ctx.session.scalars(
            select(Guarantee)
            .where(Guarantee.unit_id.in_(above), Guarantee.status == GuaranteeStatus.ACTIVE.value)
            .order_by(Guarantee.title, Guarantee.id)
        )
    ).all()
    applying = [g for g in rows if in_force(GuaranteeStatus(g.status), g.valid_from, g.valid_to, on)]
    gaps = areas_without_guarantee(ValueArea(g.area) for g in applying)
    areas = []
    for area in ValueArea:
        of_area = [await guarantee_view(ctx, g) for g in applying if g.area == area.value]
        areas.append(
            {"area": area, "area_title": AREA_TITLES[area], "gap": area in gaps, "guarantees": of_area}
        )
    return {"unit_id": unit_id, "unit_name": unit.name, "as_of": on, "areas": areas, "gaps": gaps}
