"""A period's value of an indicator written once, whoever records it: entered by a person
(`commands._record`) or filled by the system (`filling.record_system_value`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.contracts.risk import IndicatorMeasured
from platform_shared.ids import new_id
from risk_svc.adapters.orm import Indicator, Measurement
from risk_svc.domain.indicators import IndicatorStatus, Value
from risk_svc.domain.periods import Period


async def held_measurement(session: AsyncSession, i: Indicator, period: Period) -> Measurement | None:
    return await session.scalar(
        select(Measurement).where(Measurement.indicator_id == i.id, Measurement.period == period.key)
    )


def write_measurement(
    session: AsyncSession,
    i: Indicator,
    held: Measurement | None,
    period: Period,
    value: Value,
    status: IndicatorStatus,
    recorded_by: uuid.UUID | None,
    now: datetime,
) -> Measurement:
    """The period's measurement with this value (the one held is replaced in place)."""
    m = held
    if m is None:
        m = Measurement(id=new_id(), indicator_id=i.id, unit_id=i.unit_id, period=period.key)
        session.add(m)
    m.period_start, m.value, m.numerator, m.denominator = (
        period.start,
        value.value,
        value.numerator,
        value.denominator,
    )
    m.status, m.source, m.recorded_by, m.recorded_at = status.value, i.source, recorded_by, now
    return m


def measured(i: Indicator, m: Measurement, replaces: uuid.UUID | None) -> IndicatorMeasured:
    return IndicatorMeasured(
        measurement_id=m.id,
        indicator_id=i.id,
        goal_id=i.goal_id,
        unit_id=i.unit_id,
        period=m.period,
        value=m.value,
        numerator=m.numerator,
        denominator=m.denominator,
        status=m.status,
        source=i.source,
        measured_at=m.recorded_at,
        recorded_by=m.recorded_by,
        replaces_measurement_id=replaces,
    )
