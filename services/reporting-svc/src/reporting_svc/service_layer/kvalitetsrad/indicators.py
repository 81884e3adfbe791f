"""The indicators a kvalitetsråd goes through (måluppfyllelse, jämförelsetal): read from the indicator
facts of the meeting's unit and its subtree, projected from risk-svc's events."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.timeutil import local_date, start_of_local_day
from reporting_svc.adapters.orm import (
    IndicatorFact,
    IndicatorMeasurementFact,
    KvalitetsradMeeting,
    replica,
)
from reporting_svc.domain.indicators import Indicator, IndicatorFigure, Value, indicator_figure
from reporting_svc.domain.kvalitetsrad import AGENDA
from reporting_svc.service_layer.statistics import Statistics

INDICATOR_ITEMS = {item.key: item.indicators for item in AGENDA if item.indicators is not None}


async def live_indicators(session: AsyncSession, m: KvalitetsradMeeting) -> dict[str, IndicatorFigure]:
    """Per agenda item, its indicators with their latest value up to the end of the meeting's period,
    as the facts are now."""
    until = m.period_to
    units = await Statistics(session, replica).subtree_at(
        m.unit_id, start_of_local_day(until + timedelta(days=1))
    ) or [m.unit_id]
    facts = list(
        await session.scalars(select(IndicatorFact).where(IndicatorFact.unit_id.in_(sorted(units, key=str))))
    )
    indicators = [
        Indicator(
            indicator_id=f.indicator_id,
            name=f.name,
            unit_id=f.unit_id,
            unit_of_measure=f.unit_of_measure,
            target=f.target,
            threshold=f.threshold,
            source=f.source,
            kpi=f.kpi,
            retired_on=local_date(f.retired_at) if f.status == "retired" and f.retired_at else None,
        )
        for f in facts
    ]
    values: list[Value] = []
    if indicators:
        ids = sorted({i.indicator_id for i in indicators}, key=str)
        mf = IndicatorMeasurementFact
        rows = await session.scalars(select(mf).where(mf.indicator_id.in_(ids), mf.period_end <= until))
        values = [Value(r.indicator_id, r.period, r.value, r.status) for r in rows]
    u = replica.unit.c
    names: dict[uuid.UUID, str] = {
        row.id: row.name
        for row in await session.execute(
            select(u.id, u.name).where(u.id.in_(sorted({i.unit_id for i in indicators}, key=str)))
        )
    }
    return {
        key: indicator_figure(view, indicators, values, until, names) for key, view in INDICATOR_ITEMS.items()
    }
