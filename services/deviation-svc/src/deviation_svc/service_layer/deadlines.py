"""Applying the domain's deadline changes to the shared deadline store, in the command's transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from deviation_svc.adapters.orm import deadline_tables
from deviation_svc.domain.deadlines import RESPONSIBLE_ROLE, DeadlineChange
from deviation_svc.service_layer.context import Ctx
from platform_shared.deadlines.store import DeadlineView
from platform_shared.ids import new_id
from platform_shared.timeutil import STOCKHOLM, as_utc

DEADLINE = deadline_tables.deadline


@dataclass(frozen=True)
class Subject:
    """The object a deadline belongs to."""

    object_type: str
    object_id: uuid.UUID
    unit_id: uuid.UUID
    reference: str | None


async def open_rules(
    ctx: Ctx,
    subject: Subject,
    rules: tuple[str, ...],
    *,
    start: datetime | None = None,
    responsible_person_id: uuid.UUID | None = None,
) -> dict[str, datetime]:
    due: dict[str, datetime] = {}
    for rule in rules:
        due[rule] = await ctx.parts.deadlines.open(
            ctx.uow,
            rule,
            start=start or ctx.now(),
            object_type=subject.object_type,
            object_id=subject.object_id,
            unit_id=subject.unit_id,
            reference=subject.reference,
            responsible_person_id=responsible_person_id,
            responsible_role=None if responsible_person_id else RESPONSIBLE_ROLE.get(rule),
        )
    return due


async def apply(
    ctx: Ctx,
    subject: Subject,
    change: DeadlineChange,
    *,
    responsible_person_id: uuid.UUID | None = None,
    start: datetime | None = None,
) -> None:
    """Meet, cancel, then open the change's rules; those opened run from `start` (the event's own
    date), else from now."""
    if change.meet:
        await ctx.parts.deadlines.meet(ctx.uow, subject.object_id, *change.meet)
    if change.cancel_all:
        await ctx.parts.deadlines.cancel(ctx.uow, subject.object_id)
    if change.open:
        await open_rules(ctx, subject, change.open, start=start, responsible_person_id=responsible_person_id)


def end_of_local_day(day: date) -> datetime:
    """A due date ("by 1 March") ends at midnight, Stockholm time."""
    return as_utc(datetime.combine(day + timedelta(days=1), time.min, tzinfo=STOCKHOLM))


async def open_with_due(
    ctx: Ctx, subject: Subject, rule_id: str, due: datetime, responsible_person_id: uuid.UUID | None
) -> None:
    """A deadline whose due time a person set (an action's due date) instead of the rule's amount;
    the rule still gives its warning time."""
    rule = await ctx.parts.deadlines.rule(ctx.uow.session, rule_id)
    await ctx.uow.session.execute(
        DEADLINE.insert().values(
            id=new_id(),
            rule=rule_id,
            object_type=subject.object_type,
            object_id=subject.object_id,
            reference=subject.reference,
            unit_id=subject.unit_id,
            due_at=due,
            warn_at=due - rule.warn_before,
            responsible_person_id=responsible_person_id,
        )
    )


async def views(ctx: Ctx, object_id: uuid.UUID) -> list[DeadlineView]:
    return await ctx.parts.deadlines.of(ctx.uow.session, object_id, ctx.now())
