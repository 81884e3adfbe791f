"""Reading goals, indicators, their values and activities, and the styrkort of a unit (built bottom-up
from the units below it, domain/scorecards.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from platform_shared.access import Action, Scope, Target
from platform_shared.errors import NotFound
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.pagination import PageRequest, keyset_page
from platform_shared.timeutil import as_utc
from risk_svc.adapters import scorecard_pdf
from risk_svc.adapters.orm import (
    Goal,
    Indicator,
    IndicatorActivity,
    IndicatorGuarantee,
    Measurement,
    replica,
)
from risk_svc.domain.indicators import STATUS_TITLES, ActivityStatus, IndicatorStatus, Value, activity_needed
from risk_svc.domain.periods import IndicatorFrequency, Period, last_closed_period, parse_period
from risk_svc.domain.scorecards import TREND_PERIODS, IndicatorFacts, Scorecard, followed_up_period, scorecard
from risk_svc.service_layer.access import readable_goal, readable_indicator, reads_unit
from risk_svc.service_layer.context import Ctx, QueryCtx, columns_of, today
from risk_svc.service_layer.goals.commands import ACTIVE, definition_of
from risk_svc.service_layer.lists import scope_filter

UNIT_NOT_FOUND = "Enheten finns inte"


async def _visible(ctx: QueryCtx, unit_column: Any) -> ColumnElement[bool]:
    """Goals and indicators in lists as in `readable_goal`: where the caller reads risks, and where she
    reads their aggregates (the nämnd follows its goals)."""
    readable = scope_filter(await ctx.caller.visibility(Action.RISK_READ), unit_column, [], ctx.caller.id)
    directory = OrgDirectory(ctx.session, replica)
    aggregated: set[uuid.UUID] = set()
    for scoped, grant in ctx.caller.principal.grants_for(Action.RISK_READ):
        if grant.scope is Scope.AGGREGATE:
            aggregated.update(await directory.subtree(scoped.unit_id))
    return or_(readable, unit_column.in_(sorted(aggregated, key=str))) if aggregated else readable


# --- goals -----------------------------------------------------------------------------------------


async def goal(ctx: QueryCtx, goal_id: uuid.UUID) -> dict[str, Any]:
    return await goal_view(ctx, await readable_goal(ctx, goal_id))


async def goal_view(ctx: Ctx, g: Goal) -> dict[str, Any]:
    indicator_ids = (
        await ctx.session.scalars(
            select(Indicator.id).where(Indicator.goal_id == g.id).order_by(Indicator.id)
        )
    ).all()
    children = (
        await ctx.session.scalars(select(Goal.id).where(Goal.parent_id == g.id).order_by(Goal.id))
    ).all()
    return columns_of(g) | {"indicator_ids": list(indicator_ids), "child_ids": list(children)}


@dataclass(frozen=True)
class GoalFilter:
    unit_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    status: str | None = None
    year: int | None = None


async def goals(ctx: QueryCtx, f: GoalFilter, page: PageRequest) -> tuple[list[Goal], str | None]:
    stmt = select(Goal).where(await _visible(ctx, Goal.unit_id))
    if f.unit_id is not None:
        stmt = stmt.where(Goal.unit_id == f.unit_id)
    if f.parent_id is not None:
        stmt = stmt.where(Goal.parent_id == f.parent_id)
    if f.status is not None:
        stmt = stmt.where(Goal.status == f.status)
    if f.year is not None:
        stmt = stmt.where(
            or_(Goal.from_year.is_(None), Goal.from_year <= f.year),
            or_(Goal.to_year.is_(None), Goal.to_year >= f.year),
        )
    return await keyset_page(ctx.session, stmt, [Goal.id], page)


# --- indicators, values and activities ------------------------------------------------------------


async def indicator(ctx: QueryCtx, indicator_id: uuid.UUID) -> dict[str, Any]:
    return await indicator_view(ctx, await readable_indicator(ctx, indicator_id))


async def _covered(ctx: Ctx, i: Indicator, m: Measurement | None, on: date) -> bool:
    """An activity of the indicator runs (planned, not past due) or was planned with or since `m`."""
    found = (
        await ctx.session.scalars(select(IndicatorActivity).where(IndicatorActivity.indicator_id == i.id))
    ).all()
    return any(
        (a.status == ActivityStatus.PLANNED.value and a.due_date >= on)
        or (m is not None and (a.measurement_id == m.id or as_utc(a.created_at) >= as_utc(m.recorded_at)))
        for a in found
    )


async def indicator_view(ctx: Ctx, i: Indicator) -> dict[str, Any]:
    latest = await ctx.session.scalar(
        select(Measurement)
        .where(Measurement.indicator_id == i.id)
        .order_by(Measurement.period_start.desc())
        .limit(1)
    )
    # The latest value of a period that has ended (a computed indicator's current month grows while it
    # runs; comparison figures come a year or more late).
    on = today(ctx)
    followed_up = await ctx.session.scalar(
        select(Measurement)
        .where(
            Measurement.indicator_id == i.id,
            Measurement.period_start <= last_closed_period(on, IndicatorFrequency(i.frequency)).start,
        )
        .order_by(Measurement.period_start.desc())
        .limit(1)
    )
    needed = followed_up is not None and activity_needed(
        IndicatorStatus(followed_up.status), await _covered(ctx, i, followed_up, on)
    )
    guarantees = await ctx.session.scalars(
        select(IndicatorGuarantee.guarantee_id)
        .where(IndicatorGuarantee.indicator_id == i.id)
        .order_by(IndicatorGuarantee.guarantee_id)
    )
    return columns_of(i) | {
        "latest": measurement_view(latest) if latest else None,
        "guarantee_ids": list(guarantees.all()),
        "activity_needed": needed,
    }


@dataclass(frozen=True)
class IndicatorFilter:
    goal_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    status: str | None = None


async def indicators(
    ctx: QueryCtx, f: IndicatorFilter, page: PageRequest
) -> tuple[list[Indicator], str | None]:
    stmt = select(Indicator).where(await _visible(ctx, Indicator.unit_id))
    if f.goal_id is not None:
        stmt = stmt.where(Indicator.goal_id == f.goal_id)
    if f.unit_id is not None:
        stmt = stmt.where(Indicator.unit_id == f.unit_id)
    if f.status is not None:
        stmt = stmt.where(Indicator.status == f.status)
    return await keyset_page(ctx.session, stmt, [Indicator.id], page)


def measurement_view(m: Measurement) -> dict[str, Any]:
    return columns_of(m) | {"status_title": STATUS_TITLES[IndicatorStatus(m.status)]}


async def measurement_with_activities(ctx: Ctx, m: Measurement) -> dict[str, Any]:
    found = (
        await ctx.session.scalars(
            select(IndicatorActivity)
            .where(IndicatorActivity.measurement_id == m.id)
            .order_by(IndicatorActivity.created_at, IndicatorActivity.id)
        )
    ).all()
    return measurement_view(m) | {"activities": [columns_of(a) for a in found]}


async def measurements(ctx: QueryCtx, indicator_id: uuid.UUID) -> list[dict[str, Any]]:
    """The indicator's values, latest period first, each with the activities recorded with it."""
    i = await readable_indicator(ctx, indicator_id)
    rows = (
        await ctx.session.scalars(
            select(Measurement)
            .where(Measurement.indicator_id == i.id)
            .order_by(Measurement.period_start.desc())
        )
    ).all()
    return [await measurement_with_activities(ctx, m) for m in rows]


async def activities(ctx: QueryCtx, indicator_id: uuid.UUID) -> list[IndicatorActivity]:
    i = await readable_indicator(ctx, indicator_id)
    return list(
        (
            await ctx.session.scalars(
                select(IndicatorActivity)
                .where(IndicatorActivity.indicator_id == i.id)
                .order_by(IndicatorActivity.due_date, IndicatorActivity.id)
            )
        ).all()
    )


# --- the styrkort ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardData:
    """The built card with what the read model names: goals, indicators, units, open activities."""

    card: Scorecard
    goals: dict[uuid.UUID, Goal]
    indicators: dict[uuid.UUID, Indicator]
    activities: dict[uuid.UUID, list[IndicatorActivity]]
    unit_names: dict[uuid.UUID, str]


async def _children(ctx: Ctx, unit_id: uuid.UUID, as_of: date) -> list[tuple[uuid.UUID, str]]:
    u = replica.unit.c
    rows = (
        await ctx.session.execute(
            select(u.id, u.name, u.valid_to).where(u.parent_id == unit_id).order_by(u.name)
        )
    ).all()
    return [(r.id, r.name) for r in rows if r.valid_to is None or r.valid_to.date() > as_of]


async def _facts(ctx: Ctx, unit_id: uuid.UUID, as_of: date, data: CardData) -> list[IndicatorFacts]:
    rows = (
        await ctx.session.execute(
            select(Indicator, Goal)
            .join(Goal, Goal.id == Indicator.goal_id)
            .where(Indicator.unit_id == unit_id, Indicator.status == ACTIVE, Goal.status == ACTIVE)
            .order_by(Goal.prioritised.desc(), Goal.title, Indicator.name, Indicator.id)
        )
    ).all()
    facts = []
    for i, g in rows:
        frequency = IndicatorFrequency(i.frequency)
        measured = (
            await ctx.session.scalars(select(Measurement).where(Measurement.indicator_id == i.id))
        ).all()
        values: dict[Period, Value] = {
            parse_period(m.period, frequency): Value(m.value, m.numerator, m.denominator) for m in measured
        }
        open_ = list(
            (
                await ctx.session.scalars(
                    select(IndicatorActivity)
                    .where(
                        IndicatorActivity.indicator_id == i.id,
                        IndicatorActivity.status == ActivityStatus.PLANNED.value,
                    )
                    .order_by(IndicatorActivity.due_date, IndicatorActivity.id)
                )
            ).all()
        )
        data.goals[g.id], data.indicators[i.id], data.activities[i.id] = g, i, open_
        definition = definition_of(i)
        judged = followed_up_period(definition, values, as_of).key
        latest = next((m for m in measured if m.period == judged), None)
        facts.append(
            IndicatorFacts(
                i.id,
                g.id,
                definition,
                values,
                i.parent_indicator_id,
                len(open_),
                await _covered(ctx, i, latest, as_of),
            )
        )
    return facts


async def _build(ctx: Ctx, unit_id: uuid.UUID, as_of: date, data: CardData) -> Scorecard:
    children = []
    for child_id, name in await _children(ctx, unit_id, as_of):
        data.unit_names[child_id] = name
        children.append(await _build(ctx, child_id, as_of, data))
    return scorecard(unit_id, as_of, await _facts(ctx, unit_id, as_of, data), children)


async def card(ctx: QueryCtx, unit_id: uuid.UUID, as_of: date) -> CardData:
    """The unit's styrkort: for those who read risks or statistics there (its aggregates too)."""
    unit = await ctx.caller.directory.unit(unit_id)
    if unit is None or not (
        await reads_unit(ctx, unit_id) or await ctx.caller.can(Action.STATS_READ, Target(unit_id=unit_id))
    ):
        raise NotFound(UNIT_NOT_FOUND)
    data = CardData(Scorecard(unit_id, as_of, (), (), None), {}, {}, {}, {unit_id: unit.name})
    built = await _build(ctx, unit_id, as_of, data)
    return CardData(built, data.goals, data.indicators, data.activities, data.unit_names)


def _value(v: Value | None) -> dict[str, Any] | None:
    return None if v is None else {"value": v.value, "numerator": v.numerator, "denominator": v.denominator}


def card_view(data: CardData) -> dict[str, Any]:
    """The styrkort as JSON: its goals with their lines, each child's statuses and its summary."""
    c = data.card
    lines = []
    for line in c.lines:
        i, g = data.indicators[line.indicator_id], data.goals[line.goal_id]
        lines.append(
            {
                "indicator_id": i.id,
                "name": i.name,
                "goal_id": g.id,
                "goal_title": g.title,
                "unit_of_measure": i.unit_of_measure,
                "direction": i.direction,
                "target": i.target,
                "threshold": i.threshold,
                "frequency": i.frequency,
                "aggregation": i.aggregation,
                "period": line.period.key,
                "value": _value(line.value),
                "combined": None
                if line.combined is None
                else {
                    "value": _value(line.combined.value),
                    "parts": line.combined.parts,
                    "missing": line.combined.missing,
                },
                "status": line.status.value,
                "status_title": STATUS_TITLES[line.status],
                "trend": [
                    {"period": p.period.key, "value": p.value, "status": p.status.value} for p in line.trend
                ],
                "change": line.change.value if line.change else None,
                "activity_needed": line.activity_needed,
                "open_activities": [
                    {"id": a.id, "description": a.description, "owner_id": a.owner_id, "due_date": a.due_date}
                    for a in data.activities.get(i.id, [])
                ],
                "children": [
                    {
                        "unit_id": s.unit_id,
                        "unit_name": data.unit_names.get(s.unit_id, ""),
                        "indicator_id": s.indicator_id,
                        "status": s.status.value,
                    }
                    for s in line.children
                ],
            }
        )
    goals = {
        g.id: {
            "id": g.id,
            "title": g.title,
            "level": g.level,
            "perspective": g.perspective,
            "prioritised": g.prioritised,
        }
        for g in data.goals.values()
        if g.unit_id == c.unit_id
    }
    return {
        "unit_id": c.unit_id,
        "unit_name": data.unit_names.get(c.unit_id, ""),
        "as_of": c.as_of,
        "trend_periods": TREND_PERIODS,
        "summary": c.summary.value if c.summary else None,
        "goals": list(goals.values()),
        "lines": lines,
        "children": [
            {
                "unit_id": s.unit_id,
                "unit_name": data.unit_names.get(s.unit_id, ""),
                "summary": s.summary.value if s.summary else None,
            }
            for s in c.children
        ],
    }


def card_pdf(view: dict[str, Any], created: datetime) -> bytes:
    """The styrkort as PDF, with a small chart of each indicator's trend."""
    return scorecard_pdf.to_pdf(view, created)
