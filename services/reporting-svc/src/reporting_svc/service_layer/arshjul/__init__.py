"""The årshjul's service layer: what commands, queries, report adoption and the fulfilment consumer
share. Rows ↔ domain activities, the events of an activity, its deadline (rule `arshjul_activity`,
opened once the årshjul is adopted) and fulfilment by evidence (domain/arshjul/fulfilment.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.contracts import arshjul as events
from platform_shared.deadlines.store import Deadlines
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.timeutil import STOCKHOLM
from reporting_svc.adapters.orm import Arshjul, ArshjulActivity, deadline_tables
from reporting_svc.domain.arshjul.activities import Activity, ActivityKind
from reporting_svc.domain.arshjul.fulfilment import Evidence, assign

OBJECT_TYPE = "arshjul_activity"
RULE = "arshjul_activity"
ADOPTED, DRAFT = "adopted", "draft"
MANUAL = "manual"
DEADLINES = Deadlines(deadline_tables)


def activity_of(row: ArshjulActivity) -> Activity:
    return Activity(
        id=row.id,
        kind=ActivityKind(row.kind),
        title=row.title,
        due_on=row.due_on,
        unit_id=row.unit_id,
        responsible_role=row.responsible_role,
        period_year=row.period_year,
        tertial=row.tertial,
        reports_to_unit_id=row.reports_to_unit_id,
        inherited_from_id=row.inherited_from_id,
        target_id=row.target_id,
        fulfilled_on=row.fulfilled_on,
        cancelled=row.cancelled_at is not None,
    )


def due_at(due_on: date) -> datetime:
    """An activity is done on its day: late from the midnight after it (Stockholm time)."""
    return datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=STOCKHOLM)


def _facts(wheel: Arshjul, row: ArshjulActivity) -> dict[str, object]:
    return {
        "arshjul_id": wheel.id,
        "year": wheel.year,
        "unit_id": wheel.unit_id,
        "activity_id": row.id,
        "kind": row.kind,
        "due_on": row.due_on,
        "responsible_role": row.responsible_role,
        "responsible_unit_id": row.unit_id,
    }


def planned_event(wheel: Arshjul, row: ArshjulActivity, now: datetime) -> events.ArshjulActivityPlanned:
    return events.ArshjulActivityPlanned(
        **_facts(wheel, row),
        title=row.title,
        period_year=row.period_year,
        tertial=row.tertial,
        reports_to_unit_id=row.reports_to_unit_id,
        inherited_from_id=row.inherited_from_id,
        planned_at=now,
    )


def rescheduled_event(
    wheel: Arshjul, row: ArshjulActivity, previous: date, now: datetime
) -> events.ArshjulActivityRescheduled:
    return events.ArshjulActivityRescheduled(
        **_facts(wheel, row),
        previous_due_on=previous,
        rescheduled_at=now,
    )


def cancelled_event(wheel: Arshjul, row: ArshjulActivity, now: datetime) -> events.ArshjulActivityCancelled:
    return events.ArshjulActivityCancelled(**_facts(wheel, row), cancelled_at=now)


async def open_deadline(uow: UnitOfWork, row: ArshjulActivity) -> None:
    """The activity as a deadline: warned 14 days before, missed the day after (once each, by the
    shared scheduler)."""
    await DEADLINES.open(
        uow,
        RULE,
        start=due_at(row.due_on),
        object_type=OBJECT_TYPE,
        object_id=row.id,
        unit_id=row.unit_id,
        responsible_role=row.responsible_role,
    )


async def mark_done(
    uow: UnitOfWork,
    wheel: Arshjul,
    row: ArshjulActivity,
    *,
    on: date,
    evidence_type: str,
    evidence_id: uuid.UUID | None,
    by: uuid.UUID | None = None,
    note: str | None = None,
) -> None:
    now = uow.clock()
    row.fulfilled_on, row.evidence_type, row.evidence_id = on, evidence_type, evidence_id
    row.fulfilled_by, row.fulfilment_note, row.updated_at = by, note, now
    await DEADLINES.meet(uow, row.id, RULE)
    uow.emit(
        events.ArshjulActivityFulfilled(
            **_facts(wheel, row),
            fulfilled_on=on,
            on_time=on <= row.due_on,
            evidence_type=evidence_type,
            evidence_id=evidence_id,
        )
    )


async def _candidates(session: AsyncSession, unit_id: uuid.UUID) -> list[ArshjulActivity]:
    a = ArshjulActivity
    stmt = (
        select(a).where(or_(a.unit_id == unit_id, a.reports_to_unit_id == unit_id)).order_by(a.due_on, a.id)
    )
    return list((await session.scalars(stmt)).all())


async def fulfil(uow: UnitOfWork, evidence: Evidence) -> ArshjulActivity | None:
    """The activity this evidence fulfils (domain `assign`), marked done with it; None when it fulfils
    none, or already fulfilled one (a redelivered event, a report adopted again)."""
    rows = await _candidates(uow.session, evidence.unit_id)
    if any(r.evidence_id == evidence.source_id for r in rows):
        return None
    by_id = {r.id: r for r in rows}
    chosen = assign(evidence, [activity_of(r) for r in rows])
    if chosen is None:
        return None
    row = by_id[chosen.id]
    wheel = await uow.session.get(Arshjul, row.arshjul_id)
    assert wheel is not None
    await mark_done(
        uow,
        wheel,
        row,
        on=evidence.occurred_on,
        evidence_type=evidence.source_type,
        evidence_id=evidence.source_id,
    )
    return row
