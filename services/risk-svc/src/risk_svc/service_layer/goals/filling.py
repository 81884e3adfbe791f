"""Values nobody types in (issue 14): a computed indicator's values from the facts of its unit and every
unit below it (`compute_indicators`, run by a periodic job), an imported indicator's yearly values from
the comparison figures (with each import of values, and when the indicator is defined).

A value is recorded only when it differs from the one held for the period: recomputing or importing
again records nothing and emits nothing; a changed value replaces the period's measurement and emits
`IndicatorMeasured` once (source `computed` or `imported`, nobody as `recorded_by`). A value below the
gränsvärde is recorded anyway; the styrkort shows that an activity is needed (`activity_needed`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.runtime import ServiceRuntime
from platform_shared.timeutil import local_date, start_of_local_day
from risk_svc.adapters.orm import (
    ComparisonValue,
    Control,
    Goal,
    Indicator,
    complaint_fact,
    deviation_fact,
    replica,
)
from risk_svc.domain import computed_indicators as computing
from risk_svc.domain import indicators as rules
from risk_svc.domain.computed_indicators import ComplaintFact, ControlFact, DeviationFact, Facts
from risk_svc.domain.indicators import Direction, Source, Thresholds, Value
from risk_svc.domain.kolada import Gender
from risk_svc.domain.periods import IndicatorFrequency, Period
from risk_svc.service_layer.goals.measurements import held_measurement, measured, write_measurement

log = structlog.get_logger(__name__)

ACTIVE = "active"
ANONYMOUS = "anonym"  # deviation-svc's complainant type of an anonymous complaint


async def record_system_value(uow: UnitOfWork, i: Indicator, period: Period, value: Value) -> bool:
    """The period's computed or imported value, when it differs from the one held (True: recorded)."""
    m = await held_measurement(uow.session, i, period)
    held = Value(m.value, m.numerator, m.denominator) if m is not None else None
    if not rules.system_value_changed(held, value):
        return False
    status = rules.status_of(Thresholds(Direction(i.direction), i.target, i.threshold), value.value)
    replaces = m.id if m is not None else None
    m = write_measurement(uow.session, i, m, period, value, status, None, uow.clock())
    uow.emit(measured(i, m, replaces))
    return True


# --- computed indicators ---------------------------------------------------------------------------


async def _facts(uow: UnitOfWork, units: list[uuid.UUID], first: date, last: date) -> Facts:
    """The facts of `units` from `first` to `last` (local dates; a day's margin for the time zone)."""
    since, until = start_of_local_day(first - timedelta(days=1)), start_of_local_day(last + timedelta(days=2))
    d, c = deviation_fact.c, complaint_fact.c
    deviations = (
        await uow.session.execute(
            select(d.reported_at, d.voided).where(
                d.unit_id.in_(units), d.reported_at >= since, d.reported_at < until
            )
        )
    ).all()
    complaints = (
        await uow.session.execute(
            select(c.kind, c.complainant_type, c.received_at, c.response_due_at, c.responded_at).where(
                c.unit_id.in_(units), c.received_at >= since, c.received_at < until
            )
        )
    ).all()
    controls = (
        await uow.session.execute(
            select(Control.due_date, Control.performed_on).where(
                Control.unit_id.in_(units), Control.due_date >= first, Control.due_date <= last
            )
        )
    ).all()
    return Facts(
        deviations=tuple(DeviationFact(local_date(r.reported_at), bool(r.voided)) for r in deviations),
        complaints=tuple(
            ComplaintFact(
                r.kind or "",
                r.complainant_type == ANONYMOUS,
                local_date(r.received_at),
                local_date(r.response_due_at) if r.response_due_at else None,
                local_date(r.responded_at) if r.responded_at else None,
            )
            for r in complaints
        ),
        controls=tuple(ControlFact(r.due_date, r.performed_on) for r in controls),
    )


async def compute_indicator(uow: UnitOfWork, indicator_id: uuid.UUID) -> int:
    """One computed indicator: each period of its window computed from the facts of its unit's subtree
    (as the organisation stands now) and recorded where it changed. Returns the values recorded."""
    found = (
        await uow.session.execute(
            select(Indicator, Goal.from_year, Goal.status)
            .join(Goal, Goal.id == Indicator.goal_id)
            .where(Indicator.id == indicator_id)
        )
    ).first()
    if found is None:
        return 0
    i, from_year, goal_status = found
    if (i.status, goal_status) != (ACTIVE, ACTIVE) or i.computed_source is None:
        return 0
    today = local_date(uow.clock())
    periods = computing.periods_to_compute(today, IndicatorFrequency(i.frequency), from_year)
    if not periods:
        return 0
    units = await OrgDirectory(uow.session, replica).subtree(i.unit_id) or [i.unit_id]
    facts = await _facts(uow, units, periods[0].start, periods[-1].end)
    recorded = 0
    for period in periods:
        value = computing.compute(i.computed_source, facts, period, today)
        if value is not None and await record_system_value(uow, i, period, value):
            recorded += 1
    return recorded


async def compute_indicators(runtime: ServiceRuntime) -> int:
    """Every active computed indicator of an active goal, each in its own transaction (one that fails,
    or that another replica's job wrote meanwhile, is left for the next round). Returns the values
    recorded."""
    async with runtime.session_factory() as session:
        ids = (
            await session.scalars(
                select(Indicator.id)
                .join(Goal, Goal.id == Indicator.goal_id)
                .where(
                    Indicator.status == ACTIVE,
                    Goal.status == ACTIVE,
                    Indicator.source == Source.COMPUTED.value,
                )
                .order_by(Indicator.id)
            )
        ).all()
    recorded = 0
    for indicator_id in ids:
        async with runtime.uow() as uow:
            try:
                count = await compute_indicator(uow, indicator_id)
                await uow.commit()
            except (IntegrityError, StaleDataError):
                log.info("computed_indicator_raced", indicator_id=str(indicator_id))
                continue
            recorded += count
    return recorded


class ComputedIndicatorWorker:
    """The periodic job (a supervised loop of the runtime: embedded and `serve` alike)."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        self._runtime = runtime

    async def tick(self) -> int:
        return await compute_indicators(self._runtime)


# --- imported indicators ---------------------------------------------------------------------------


async def fill_imported(
    uow: UnitOfWork, values: Mapping[tuple[str, str], Iterable[tuple[int, Decimal | None]]]
) -> int:
    """Yearly values (gender T) per kpi and municipality into every active imported indicator that
    follows them; a year without a published value is skipped. Returns the values recorded."""
    if not values:
        return 0
    kpis = {kpi for kpi, _ in values}
    indicators = (
        await uow.session.scalars(
            select(Indicator)
            .join(Goal, Goal.id == Indicator.goal_id)
            .where(
                Indicator.status == ACTIVE,
                Goal.status == ACTIVE,  # an ended goal keeps its indicators' values as they were
                Indicator.source == Source.IMPORTED.value,
                Indicator.kpi.in_(kpis),
            )
            .order_by(Indicator.id)
        )
    ).all()
    recorded = 0
    for i in indicators:
        key = (i.kpi or "", i.municipality or "")
        if key not in values or i.frequency != IndicatorFrequency.ARSVIS.value:
            continue
        for year, number in sorted(values[key]):
            if number is None:
                continue
            period = Period(year, 1, IndicatorFrequency.ARSVIS)
            if await record_system_value(uow, i, period, Value(number)):
                recorded += 1
    return recorded


async def fill_defined(uow: UnitOfWork, i: Indicator) -> int:
    """A newly defined indicator has its values at once: a computed one from the facts already held
    (the job keeps them current), an imported one the yearly values already imported."""
    if i.source == Source.COMPUTED.value:
        return await compute_indicator(uow, i.id)
    if i.source != Source.IMPORTED.value or i.kpi is None or i.municipality is None:
        return 0
    held = (
        await uow.session.execute(
            select(ComparisonValue.period, ComparisonValue.value).where(
                ComparisonValue.kpi == i.kpi,
                ComparisonValue.municipality == i.municipality,
                ComparisonValue.gender == Gender.T.value,
            )
        )
    ).all()
    return await fill_imported(uow, {(i.kpi, i.municipality): [(r.period, r.value) for r in held]})
