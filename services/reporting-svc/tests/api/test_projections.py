from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from platform_shared.contracts.deviation import DeviationReported
from platform_shared.contracts.risk import RiskAssessed
from platform_shared.contracts.topics import DEVIATION_EVENTS
from platform_shared.ids import new_id
from platform_shared.testing import wait_until
from reporting_svc.adapters.orm import DeviationFact, RiskFact
from reporting_svc.service_layer.projections import PROJECTIONS_GROUP, project

REPORTED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def reported(unit_id: Any, **extra: Any) -> DeviationReported:
    values: dict[str, Any] = {
        "deviation_id": new_id(),
        "reference": "AVV-2026-000001",
        "deviation_type": "lex_sarah",
        "unit_id": unit_id,
        "category": "bemotande",
        "occurred_at": REPORTED_AT,
        "reported_at": REPORTED_AT,
        **extra,
    }
    return DeviationReported(**values)


async def _count(svc: Any, model: Any) -> int:
    async with svc.runtime.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_deviation_reported_is_projected_into_deviation_fact(svc: Any) -> None:
    event = reported(svc.org.units["enhet_a"])
    await svc.publish(event)

    async def projected() -> bool:
        return await _count(svc, DeviationFact) == 1

    await wait_until(projected)
    async with svc.runtime.session_factory() as session:
        fact = await session.get(DeviationFact, event.deviation_id)
    assert fact is not None
    assert (fact.reference, fact.type, fact.unit_id, fact.category, fact.status) == (
        "AVV-2026-000001",
        "lex_sarah",
        svc.org.units["enhet_a"],
        "bemotande",
        "reported",
    )
    assert fact.reported_at == REPORTED_AT


async def test_redelivered_deviation_reported_is_applied_once(svc: Any) -> None:
    envelope = svc.envelope(reported(svc.org.units["enhet_a"]))
    before = svc.consumer(PROJECTIONS_GROUP).processed_total
    await svc.deliver(envelope, DEVIATION_EVENTS, times=2)
    await svc.processed(PROJECTIONS_GROUP, before + 2)
    assert await _count(svc, DeviationFact) == 1
    inbox = svc.runtime.messaging.inbox
    async with svc.runtime.session_factory() as session:
        claims = await session.scalar(
            select(func.count())
            .select_from(inbox)
            .where(inbox.c.consumer == PROJECTIONS_GROUP, inbox.c.event_id == envelope.id)
        )
    assert claims == 1


async def test_projection_handler_is_an_upsert_safe_without_the_inbox(svc: Any) -> None:
    event = reported(svc.org.units["enhet_a"])
    envelope = svc.envelope(event)
    for _ in range(2):
        async with svc.runtime.uow() as uow:
            await project(uow, envelope, event)
            await uow.commit()
    assert await _count(svc, DeviationFact) == 1


async def test_risk_assessed_is_projected_into_risk_fact(svc: Any) -> None:
    event = RiskAssessed(
        risk_id=new_id(),
        unit_id=svc.org.units["enhet_b"],
        probability=3,
        consequence=4,
        risk_value=12,
        assessed_at=REPORTED_AT,
    )
    await svc.publish(event)
    await svc.publish(event.model_copy())  # a second delivery with a new event id is still one row

    async def projected() -> bool:
        return svc.consumer(PROJECTIONS_GROUP).processed_total >= 2 and await _count(svc, RiskFact) == 1

    await wait_until(projected)
    async with svc.runtime.session_factory() as session:
        fact = await session.get(RiskFact, event.risk_id)
    assert fact is not None
    assert (fact.unit_id, fact.probability, fact.consequence, fact.risk_value) == (
        svc.org.units["enhet_b"],
        3,
        4,
        12,
    )
