"""Goal and indicator commands: set, change and end goals; define, change and retire indicators;
record a period's value (below the gränsvärde with an activity); complete and follow up activities,
whose due date is an `actions_due` deadline the scheduler reminds of and reports missed once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts.risk import (
    GoalChanged,
    GoalEnded,
    GoalSet,
    IndicatorActivityCompleted,
    IndicatorActivityFollowedUp,
    IndicatorActivityPlanned,
    IndicatorChanged,
    IndicatorDefined,
    IndicatorRetired,
)
from platform_shared.errors import invalid
from platform_shared.ids import new_id
from platform_shared.timeutil import start_of_local_day
from risk_svc.adapters.orm import (
    Goal,
    Indicator,
    IndicatorActivity,
    IndicatorGuarantee,
    Measurement,
    deadlines,
)
from risk_svc.domain import goals as goal_rules
from risk_svc.domain import indicators as rules
from risk_svc.domain.computed_indicators import computed_source
from risk_svc.domain.goals import Factor, FactorKind, GoalInput, GoalLevel, GoalStatus, Perspective
from risk_svc.domain.indicators import (
    ActivityInput,
    ActivityStatus,
    Aggregation,
    Direction,
    IndicatorDefinition,
    MeasurementInput,
    Source,
    Thresholds,
)
from risk_svc.domain.model import RuleViolation
from risk_svc.domain.periods import IndicatorFrequency, parse_period
from risk_svc.service_layer.access import managed_goal, managed_indicator, owned_activity
from risk_svc.service_layer.context import CommandCtx, require_people, require_unit, today, touch
from risk_svc.service_layer.goals.filling import fill_defined
from risk_svc.service_layer.goals.measurements import held_measurement, measured, write_measurement

ACTIVITY_RULE = "actions_due"
ACTIVITY_OBJECT_TYPE = "indicator_activity"
ACTIVE = "active"
RETIRED = "retired"


# --- goals -----------------------------------------------------------------------------------------


def _factors(raw: Sequence[dict[str, Any]]) -> tuple[Factor, ...]:
    return tuple(Factor(FactorKind(f["kind"]), Perspective(f["perspective"]), f["text"]) for f in raw)


def _goal_facts(g: Goal) -> dict[str, Any]:
    return {
        "goal_id": g.id,
        "unit_id": g.unit_id,
        "level": g.level,
        "parent_goal_id": g.parent_id,
        "title": g.title,
        "perspective": g.perspective,
        "prioritised": g.prioritised,
        "from_year": g.from_year,
        "to_year": g.to_year,
        "status": g.status,
    }


async def _unit_level(ctx: CommandCtx, unit_id: uuid.UUID) -> str:
    unit = await ctx.caller.directory.unit(unit_id)
    if unit is None:
        raise invalid("unit_id", "ingen sådan enhet", "Okänd enhet")
    return unit.level


async def _above(ctx: CommandCtx, upper: uuid.UUID, lower: uuid.UUID) -> bool:
    """`upper` is a unit strictly above `lower`."""
    return upper != lower and upper in await ctx.caller.directory.ancestors_and_self(lower)


def _overlaps(a_from: int | None, a_to: int | None, b_from: int | None, b_to: int | None) -> bool:
    low, high = -(10**6), 10**6
    return (a_from or low) <= (b_to or high) and (b_from or low) <= (a_to or high)


async def _check_tree_and_priority(ctx: CommandCtx, g: Goal, level: GoalLevel) -> None:
    parent_level: GoalLevel | None = None
    parent_above = False
    if g.parent_id is not None:
        parent = await ctx.session.get(Goal, g.parent_id)
        if parent is None:
            raise invalid("parent_id", "inget sådant mål", "Okänt överordnat mål")
        goal_rules.check_active(GoalStatus(parent.status))
        parent_level = GoalLevel(parent.level)
        parent_above = await _above(ctx, parent.unit_id, g.unit_id)
    goal_rules.check_parent(level, parent_level, parent_above)
    others = (
        await ctx.session.execute(
            select(Goal.from_year, Goal.to_year).where(
                Goal.unit_id == g.unit_id,
                Goal.prioritised.is_(True),
                Goal.status == GoalStatus.ACTIVE.value,
                Goal.id != g.id,
            )
        )
    ).all()
    overlapping = sum(_overlaps(g.from_year, g.to_year, f, t) for f, t in others)
    goal_rules.check_one_prioritised(g.prioritised, overlapping)


def _check_goal(g: Goal, unit_level: str) -> GoalLevel:
    return goal_rules.check_goal(
        GoalInput(
            unit_level=unit_level,
            title=g.title,
            description=g.description,
            perspective=Perspective(g.perspective) if g.perspective else None,
            prioritised=g.prioritised,
            from_year=g.from_year,
            to_year=g.to_year,
            factors=_factors(g.factors or []),
        )
    )


@dataclass(frozen=True)
class SetGoal:
    unit_id: uuid.UUID
    title: str
    parent_id: uuid.UUID | None = None
    description: str | None = None
    perspective: Perspective | None = None
    prioritised: bool = False
    from_year: int | None = None
    to_year: int | None = None
    factors: Sequence[dict[str, Any]] = ()


async def set_goal(ctx: CommandCtx, cmd: SetGoal) -> Created[Goal]:
    await require_unit(ctx, cmd.unit_id)
    await ctx.caller.require(Action.RISK_MANAGE, cmd.unit_id)
    return await ctx.once(Goal, lambda: _set_goal(ctx, cmd))


async def _set_goal(ctx: CommandCtx, cmd: SetGoal) -> Created[Goal]:
    now = ctx.now()
    g = Goal(
        id=new_id(),
        unit_id=cmd.unit_id,
        parent_id=cmd.parent_id,
        title=cmd.title,
        description=cmd.description,
        perspective=cmd.perspective.value if cmd.perspective else None,
        prioritised=cmd.prioritised,
        from_year=cmd.from_year,
        to_year=cmd.to_year,
        factors=[dict(f) for f in cmd.factors],
        status=GoalStatus.ACTIVE.value,
        created_by=ctx.caller.id,
        created_at=now,
        updated_at=now,
    )
    level = _check_goal(g, await _unit_level(ctx, cmd.unit_id))
    g.level = level.value
    await _check_tree_and_priority(ctx, g, level)
    ctx.session.add(g)
    ctx.emit(GoalSet(**_goal_facts(g), set_at=now, set_by=ctx.caller.id))
    await ctx.created(g.id)
    await ctx.commit()
    return Created(g)


GOAL_FIELDS = (
    "title",
    "description",
    "perspective",
    "prioritised",
    "from_year",
    "to_year",
    "factors",
    "parent_id",
)


@dataclass(frozen=True)
class EditGoal:
    goal_id: uuid.UUID
    changes: dict[str, Any] = field(default_factory=dict)


async def edit_goal(ctx: CommandCtx, cmd: EditGoal) -> Goal:
    g = await managed_goal(ctx, cmd.goal_id)
    goal_rules.check_active(GoalStatus(g.status))
    if "title" in cmd.changes and cmd.changes["title"] is None:
        raise RuleViolation("Målet behöver en rubrik", "title")
    for name in GOAL_FIELDS:
        if name in cmd.changes:
            value = cmd.changes[name]
            if name == "perspective" and value is not None:
                value = Perspective(value).value
            if name == "factors":
                value = [dict(f) for f in value or []]
            if name == "prioritised":
                value = bool(value)
            setattr(g, name, value)
    level = _check_goal(g, await _unit_level(ctx, g.unit_id))
    await _check_tree_and_priority(ctx, g, level)
    touch(g, ctx)
    ctx.emit(GoalChanged(**_goal_facts(g), changed_at=ctx.now()))
    await ctx.commit()
    return g


async def end_goal(ctx: CommandCtx, goal_id: uuid.UUID) -> Goal:
    g = await managed_goal(ctx, goal_id)
    open_children = await ctx.session.scalar(
        select(func.count()).where(Goal.parent_id == g.id, Goal.status == GoalStatus.ACTIVE.value)
    )
    g.status = goal_rules.check_end(GoalStatus(g.status), open_children or 0).value
    g.ended_at = ctx.now()
    touch(g, ctx)
    ctx.emit(GoalEnded(**_goal_facts(g), ended_at=ctx.now()))
    await ctx.commit()
    return g


# --- indicators ------------------------------------------------------------------------------------


def definition_of(i: Indicator) -> IndicatorDefinition:
    return IndicatorDefinition(
        name=i.name,
        definition=i.definition,
        unit_of_measure=i.unit_of_measure,
        thresholds=Thresholds(Direction(i.direction), i.target, i.threshold),
        frequency=IndicatorFrequency(i.frequency),
        source=Source(i.source),
        aggregation=Aggregation(i.aggregation),
        rate_scale=i.rate_scale,
        computed_source=i.computed_source,
        kpi=i.kpi,
        municipality=i.municipality,
    )


def _indicator_facts(i: Indicator) -> dict[str, Any]:
    return {
        "indicator_id": i.id,
        "goal_id": i.goal_id,
        "unit_id": i.unit_id,
        "name": i.name,
        "unit_of_measure": i.unit_of_measure,
        "direction": i.direction,
        "target": i.target,
        "threshold": i.threshold,
        "frequency": i.frequency,
        "source": i.source,
        "aggregation": i.aggregation,
        "rate_scale": i.rate_scale,
        "computed_source": i.computed_source,
        "kpi": i.kpi,
        "municipality": i.municipality,
        "parent_indicator_id": i.parent_indicator_id,
        "status": i.status,
    }


async def _guarantee_ids(ctx: CommandCtx, i: Indicator) -> list[uuid.UUID]:
    """The värdighetsgarantier the indicator follows up (linked by the garanti, service_layer/guarantees)."""
    rows = await ctx.session.scalars(
        select(IndicatorGuarantee.guarantee_id)
        .where(IndicatorGuarantee.indicator_id == i.id)
        .order_by(IndicatorGuarantee.guarantee_id)
    )
    return list(rows.all())


async def _check_indicator(ctx: CommandCtx, i: Indicator) -> None:
    d = rules.check_definition(definition_of(i))
    if d.computed_source is not None:
        computed_source(d.computed_source)
    if i.parent_indicator_id is not None:
        parent = await ctx.session.get(Indicator, i.parent_indicator_id)
        if parent is None or parent.status != ACTIVE:
            raise invalid("parent_indicator_id", "ingen sådan indikator", "Okänd överordnad indikator")
        rules.check_link(definition_of(parent), d, await _above(ctx, parent.unit_id, i.unit_id))


@dataclass(frozen=True)
class DefineIndicator:
    goal_id: uuid.UUID
    name: str
    definition: str
    unit_of_measure: str
    direction: Direction
    target: Decimal
    threshold: Decimal
    frequency: IndicatorFrequency
    source: Source = Source.ENTERED
    aggregation: Aggregation = Aggregation.NONE
    rate_scale: Decimal | None = None
    computed_source: str | None = None
    kpi: str | None = None
    municipality: str | None = None
    parent_indicator_id: uuid.UUID | None = None


async def define_indicator(ctx: CommandCtx, cmd: DefineIndicator) -> Created[Indicator]:
    goal = await managed_goal(ctx, cmd.goal_id, precondition=False)
    return await ctx.once(Indicator, lambda: _define(ctx, goal, cmd))


async def _define(ctx: CommandCtx, goal: Goal, cmd: DefineIndicator) -> Created[Indicator]:
    goal_rules.check_active(GoalStatus(goal.status))
    now = ctx.now()
    i = Indicator(
        id=new_id(),
        goal_id=goal.id,
        unit_id=goal.unit_id,
        name=cmd.name,
        definition=cmd.definition,
        unit_of_measure=cmd.unit_of_measure,
        direction=cmd.direction.value,
        target=cmd.target,
        threshold=cmd.threshold,
        frequency=cmd.frequency.value,
        source=cmd.source.value,
        aggregation=cmd.aggregation.value,
        rate_scale=cmd.rate_scale,
        computed_source=cmd.computed_source,
        kpi=cmd.kpi,
        municipality=cmd.municipality,
        parent_indicator_id=cmd.parent_indicator_id,
        status=ACTIVE,
        created_by=ctx.caller.id,
        created_at=now,
        updated_at=now,
    )
    await _check_indicator(ctx, i)
    ctx.session.add(i)
    ctx.emit(IndicatorDefined(**_indicator_facts(i), defined_at=now))
    await fill_defined(ctx.uow, i)  # a computed or imported indicator has its values at once
    await ctx.created(i.id)
    await ctx.commit()
    return Created(i)


INDICATOR_FIELDS = ("name", "definition", "unit_of_measure", "target", "threshold", "parent_indicator_id")


@dataclass(frozen=True)
class EditIndicator:
    """Name, definition, target, gränsvärde or what it feeds; applies from the next value on."""

    indicator_id: uuid.UUID
    changes: dict[str, Any] = field(default_factory=dict)


def _check_open(i: Indicator) -> None:
    if i.status != ACTIVE:
        raise RuleViolation("Indikatorn är avslutad; den behålls med sina värden men ändras inte", state=True)


async def edit_indicator(ctx: CommandCtx, cmd: EditIndicator) -> Indicator:
    i = await managed_indicator(ctx, cmd.indicator_id)
    _check_open(i)
    for name in INDICATOR_FIELDS:
        if name in cmd.changes:
            if cmd.changes[name] is None and name != "parent_indicator_id":
                raise RuleViolation("Fältet kan inte tömmas", name)
            setattr(i, name, cmd.changes[name])
    await _check_indicator(ctx, i)
    touch(i, ctx)
    ctx.emit(
        IndicatorChanged(
            **_indicator_facts(i), guarantee_ids=await _guarantee_ids(ctx, i), changed_at=ctx.now()
        )
    )
    await ctx.commit()
    return i


async def retire_indicator(ctx: CommandCtx, indicator_id: uuid.UUID) -> Indicator:
    i = await managed_indicator(ctx, indicator_id)
    _check_open(i)
    i.status = RETIRED
    touch(i, ctx)
    ctx.emit(
        IndicatorRetired(
            **_indicator_facts(i), guarantee_ids=await _guarantee_ids(ctx, i), retired_at=ctx.now()
        )
    )
    await ctx.commit()
    return i


# --- measurements and activities -------------------------------------------------------------------


async def running_activities(ctx: CommandCtx, i: Indicator, on: date) -> int:
    """Activities of the indicator still running: planned and not past their due date."""
    count = await ctx.session.scalar(
        select(func.count()).where(
            IndicatorActivity.indicator_id == i.id,
            IndicatorActivity.status == ActivityStatus.PLANNED.value,
            IndicatorActivity.due_date >= on,
        )
    )
    return count or 0


async def _plan_activity(
    ctx: CommandCtx, i: Indicator, spec: ActivityInput, measurement_id: uuid.UUID | None
) -> IndicatorActivity:
    assert spec.owner_id is not None and spec.due_date is not None
    a = IndicatorActivity(
        id=new_id(),
        indicator_id=i.id,
        measurement_id=measurement_id,
        unit_id=i.unit_id,
        description=spec.description,
        owner_id=spec.owner_id,
        due_date=spec.due_date,
        status=ActivityStatus.PLANNED.value,
        created_by=ctx.caller.id,
        created_at=ctx.now(),
    )
    ctx.session.add(a)
    # The person set the due date: the deadline falls due when that day has passed; the rule gives the
    # warning time. The scheduler reports it approaching and missed once each.
    rule = await ctx.parts.deadlines.rule(ctx.session, ACTIVITY_RULE)
    due = start_of_local_day(spec.due_date + timedelta(days=1))
    await ctx.session.execute(
        deadlines.deadline.insert().values(
            id=new_id(),
            rule=ACTIVITY_RULE,
            object_type=ACTIVITY_OBJECT_TYPE,
            object_id=a.id,
            reference=None,
            unit_id=i.unit_id,
            due_at=due,
            warn_at=due - rule.warn_before,
            responsible_person_id=spec.owner_id,
        )
    )
    ctx.emit(IndicatorActivityPlanned(**_activity_facts(a), planned_at=ctx.now()))
    return a


def _activity_facts(a: IndicatorActivity) -> dict[str, Any]:
    return {
        "activity_id": a.id,
        "indicator_id": a.indicator_id,
        "unit_id": a.unit_id,
        "measurement_id": a.measurement_id,
        "owner_id": a.owner_id,
        "due_date": a.due_date,
        "status": a.status,
    }


@dataclass(frozen=True)
class RecordMeasurement:
    """A period's value (a rate as numerator and denominator), comment, analysis and activities."""

    indicator_id: uuid.UUID
    period: str
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    comment: str | None = None
    analysis: str | None = None
    activities: Sequence[ActivityInput] = ()


async def record_measurement(ctx: CommandCtx, cmd: RecordMeasurement) -> Created[Measurement]:
    i = await managed_indicator(ctx, cmd.indicator_id, precondition=False)
    return await ctx.once(Measurement, lambda: _record(ctx, i, cmd))


async def _record(ctx: CommandCtx, i: Indicator, cmd: RecordMeasurement) -> Created[Measurement]:
    _check_open(i)
    d = definition_of(i)
    rules.check_source_allows_entry(d)
    period = parse_period(cmd.period, d.frequency)
    value = rules.check_value(d, cmd.value, cmd.numerator, cmd.denominator)
    day = today(ctx)
    status = rules.check_measurement(
        d,
        MeasurementInput(period, value, cmd.comment, cmd.analysis, tuple(cmd.activities)),
        day,
        await running_activities(ctx, i, day),
    )
    await require_people(ctx, "activities", [a.owner_id for a in cmd.activities])
    now = ctx.now()
    m = await held_measurement(ctx.session, i, period)
    replaces = m.id if m is not None else None
    m = write_measurement(ctx.session, i, m, period, value, status, ctx.caller.id, now)
    m.comment, m.analysis = cmd.comment, cmd.analysis
    for spec in cmd.activities:
        await _plan_activity(ctx, i, spec, m.id)
    ctx.emit(measured(i, m, replaces))
    answer = 200 if replaces else 201
    await ctx.created(m.id, answer)
    await ctx.commit()
    return Created(m, answer)


@dataclass(frozen=True)
class PlanActivity:
    indicator_id: uuid.UUID
    activity: ActivityInput


async def plan_activity(ctx: CommandCtx, cmd: PlanActivity) -> Created[IndicatorActivity]:
    i = await managed_indicator(ctx, cmd.indicator_id, precondition=False)
    return await ctx.once(IndicatorActivity, lambda: _plan(ctx, i, cmd))


async def _plan(ctx: CommandCtx, i: Indicator, cmd: PlanActivity) -> Created[IndicatorActivity]:
    _check_open(i)
    rules.check_activity(cmd.activity, IndicatorFrequency(i.frequency), today(ctx))
    await require_people(ctx, "activity.owner_id", [cmd.activity.owner_id])
    a = await _plan_activity(ctx, i, cmd.activity, None)
    await ctx.created(a.id)
    await ctx.commit()
    return Created(a)


async def complete_activity(ctx: CommandCtx, activity_id: uuid.UUID) -> IndicatorActivity:
    a = await owned_activity(ctx, activity_id)
    a.status = rules.next_activity_status(ActivityStatus(a.status), "complete").value
    a.completed_at = ctx.now()
    await ctx.parts.deadlines.meet(ctx.uow, a.id, ACTIVITY_RULE)
    ctx.emit(IndicatorActivityCompleted(**_activity_facts(a), completed_at=ctx.now()))
    await ctx.commit()
    return a


@dataclass(frozen=True)
class FollowUpActivity:
    activity_id: uuid.UUID
    effective: bool
    effect: str | None = None


async def follow_up_activity(ctx: CommandCtx, cmd: FollowUpActivity) -> IndicatorActivity:
    a = await owned_activity(ctx, cmd.activity_id)
    a.status = rules.next_activity_status(ActivityStatus(a.status), "follow_up").value
    a.followed_up_at, a.effective, a.effect = ctx.now(), cmd.effective, cmd.effect
    ctx.emit(
        IndicatorActivityFollowedUp(**_activity_facts(a), followed_up_at=ctx.now(), effective=cmd.effective)
    )
    await ctx.commit()
    return a
