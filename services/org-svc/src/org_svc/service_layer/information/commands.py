"""Recording that information was given (by the chef, individually or to a group at an
arbetsplatsträff; by a medarbetare herself for a rutin she has read), and the tenant's items."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select

from org_svc.adapters.orm import (
    InformationDue,
    InformationItemRow,
    InformationRecord,
    InformationRecordParticipant,
    Person,
)
from org_svc.domain.documents.kinds import DocumentKind
from org_svc.domain.information import (
    STAFF_ROLES,
    Due,
    InformationItem,
    NewDue,
    Record,
    RecordMethod,
    Trigger,
    check_record,
    dues_met_by,
    repeat_due,
)
from org_svc.service_layer.access import existing_unit
from org_svc.service_layer.context import CommandCtx
from org_svc.service_layer.information.dues import DEADLINES, RULE, open_dues
from org_svc.service_layer.information.items import KnownItem, active_items, as_item, defined, new_row
from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts.documents import InformationDueMet, InformationGiven
from platform_shared.errors import Forbidden, NotFound, check_version, invalid
from platform_shared.ids import new_id
from platform_shared.orgreplica.regimes import Regime
from platform_shared.roles import Role
from platform_shared.timeutil import local_date

SELF_ONLY = "En medarbetare registrerar bara sin egen bekräftelse"
MANAGE_ITEMS = (
    "Bara socialchef, förvaltningschef eller kvalitetsledare bestämmer vad medarbetare ska informeras om"
)


@dataclass(frozen=True)
class RecordInformation:
    item_id: uuid.UUID
    unit_id: uuid.UUID
    method: RecordMethod
    given_on: date
    participant_ids: tuple[uuid.UUID, ...]
    occasion: str | None = None
    document_version_id: uuid.UUID | None = None
    note: str | None = None


async def _item(ctx: CommandCtx, item_id: uuid.UUID) -> KnownItem:
    found = next((k for k in await active_items(ctx.uow) if k.id == item_id), None)
    if found is None:
        raise invalid("item_id", "finns inte", "Informationen finns inte eller används inte längre")
    return found


async def record(ctx: CommandCtx, cmd: RecordInformation) -> Created[InformationRecord]:
    """The chef (INFORMATION_RECORD at the unit) records for anyone; a person acknowledges a rutin
    only for herself. Every participant's open due of the item is met; a yearly item falls due again."""
    await existing_unit(ctx, cmd.unit_id, "unit_id")
    if cmd.method is RecordMethod.SELF_ACKNOWLEDGED:
        if set(cmd.participant_ids) != {ctx.caller.id}:
            raise Forbidden(SELF_ONLY)
    else:
        await ctx.caller.require(Action.INFORMATION_RECORD, cmd.unit_id)
    return await ctx.once(InformationRecord, lambda: _record(ctx, cmd))


async def _record(ctx: CommandCtx, cmd: RecordInformation) -> Created[InformationRecord]:
    known = await _item(ctx, cmd.item_id)
    participants = frozenset(cmd.participant_ids)
    given = Record(
        known.item.key,
        cmd.method,
        cmd.given_on,
        ctx.caller.id,
        participants,
        cmd.document_version_id,
        cmd.occasion,
    )
    check_record(known.item, given, local_date(ctx.now()))
    await _require_people(ctx, participants)
    row = InformationRecord(
        id=new_id(),
        item_id=known.id,
        unit_id=cmd.unit_id,
        method=cmd.method.value,
        given_on=cmd.given_on,
        given_by=ctx.caller.id,
        occasion=cmd.occasion,
        document_version_id=cmd.document_version_id,
        note=cmd.note,
        recorded_at=ctx.now(),
    )
    ctx.session.add(row)
    ctx.session.add_all(InformationRecordParticipant(record_id=row.id, person_id=p) for p in participants)
    await ctx.session.flush()
    await _meet(ctx, known, given, row)
    ctx.emit(
        InformationGiven(
            record_id=row.id,
            item_id=known.id,
            item_key=known.item.key,
            unit_id=cmd.unit_id,
            method=cmd.method.value,
            given_on=cmd.given_on,
            given_by=ctx.caller.id,
            participant_ids=sorted(participants, key=str),
            document_version_id=cmd.document_version_id,
        )
    )
    await ctx.created(row.id)
    await ctx.commit()
    return Created(row)


async def _require_people(ctx: CommandCtx, people: frozenset[uuid.UUID]) -> None:
    found = set((await ctx.session.scalars(select(Person.id).where(Person.id.in_(people)))).all())
    if missing := people - found:
        raise invalid("participant_ids", "finns inte", f"{len(missing)} av deltagarna finns inte")


async def _meet(ctx: CommandCtx, known: KnownItem, given: Record, row: InformationRecord) -> None:
    d = InformationDue
    open_dues_ = (
        await ctx.session.scalars(
            select(d).where(
                d.item_id == known.id,
                d.person_id.in_(given.participants),
                d.met_on.is_(None),
                d.cancelled_on.is_(None),
            )
        )
    ).all()
    pairs = [
        (Due(known.item.key, due.person_id, due.opened_on, due.due_on, due.document_version_id), due)
        for due in open_dues_
    ]
    met_ids = {id(m) for m in dues_met_by(known.item, [p[0] for p in pairs], given)}
    for domain_due, due in pairs:
        if id(domain_due) not in met_ids:
            continue
        due.met_on, due.record_id = given.given_on, row.id
        await DEADLINES.meet(ctx.uow, due.id, RULE)
        ctx.emit(
            InformationDueMet(
                due_id=due.id,
                item_key=known.item.key,
                person_id=due.person_id,
                unit_id=due.unit_id,
                record_id=row.id,
                met_on=given.given_on,
                on_time=given.given_on <= due.due_on,
            )
        )
        again = repeat_due(known.item, _new(known.item, due), given.given_on)
        if again is not None:
            await open_dues(ctx.uow, [again], [known], "repeat")


def _new(item: InformationItem, due: InformationDue) -> NewDue:
    return NewDue(
        item.key,
        due.person_id,
        due.unit_id,
        due.opened_on,
        due.due_on,
        Role(due.role) if due.role else None,
        due.assignment_id,
    )


# --- the tenant's items ------------------------------------------------------------------------


@dataclass(frozen=True)
class DefineItem:
    key: str
    title: str
    trigger: Trigger
    due_days: int
    repeat_months: int | None = None
    regimes: tuple[Regime, ...] | None = None
    roles: tuple[Role, ...] | None = None
    document_kinds: tuple[DocumentKind, ...] = ()
    self_acknowledge: bool = False
    description: str | None = None


async def define_item(ctx: CommandCtx, cmd: DefineItem) -> Created[InformationItemRow]:
    if not ctx.caller.principal.may(Action.INFORMATION_MANAGE):
        raise Forbidden(MANAGE_ITEMS)
    return await ctx.once(InformationItemRow, lambda: _define(ctx, cmd))


async def _define(ctx: CommandCtx, cmd: DefineItem) -> Created[InformationItemRow]:
    await active_items(ctx.uow)  # the defaults first, so a tenant's own item never hides them
    if await ctx.session.scalar(select(InformationItemRow.id).where(InformationItemRow.key == cmd.key)):
        raise invalid("key", "finns redan", "Det finns redan en information med den nyckeln")
    item = InformationItem(
        cmd.key,
        cmd.title,
        cmd.trigger,
        due_days=cmd.due_days,
        repeat_months=cmd.repeat_months,
        regimes=frozenset(cmd.regimes) if cmd.regimes is not None else None,
        roles=frozenset(cmd.roles) if cmd.roles else STAFF_ROLES,
        document_kinds=frozenset(cmd.document_kinds),
        self_acknowledge=cmd.self_acknowledge,
    )
    row = new_row(item, cmd.description)
    ctx.session.add(row)
    ctx.emit(defined(row))
    await ctx.created(row.id)
    await ctx.commit()
    return Created(row)


UNSET: Any = object()


@dataclass(frozen=True)
class ChangeItem:
    """The tenant sets an item's days (the defaults come from the domain), title, text, repeat or
    whether it is used. Dues already open keep their date; new ones follow the change."""

    item_id: uuid.UUID
    title: str | None = None
    description: str | None = UNSET
    due_days: int | None = None
    repeat_months: int | None = UNSET
    active: bool | None = None


async def change_item(ctx: CommandCtx, cmd: ChangeItem) -> InformationItemRow:
    if not ctx.caller.principal.may(Action.INFORMATION_MANAGE):
        raise Forbidden(MANAGE_ITEMS)
    await active_items(ctx.uow)  # the defaults exist before they are changed
    row = await ctx.session.get(InformationItemRow, cmd.item_id)
    if row is None:
        raise NotFound("Informationen finns inte")
    check_version(ctx.if_match, row.version)
    item = as_item(row)
    changed = replace(
        item,
        title=cmd.title if cmd.title is not None else item.title,
        due_days=cmd.due_days if cmd.due_days is not None else item.due_days,
        repeat_months=item.repeat_months if cmd.repeat_months is UNSET else cmd.repeat_months,
    )  # the domain checks the days and the repeat
    row.title, row.due_days, row.repeat_months = changed.title, changed.due_days, changed.repeat_months
    if cmd.description is not UNSET:
        row.description = cmd.description
    if cmd.active is not None:
        row.active = cmd.active
    await ctx.session.flush()
    ctx.emit(defined(row))
    await ctx.commit()
    return row
