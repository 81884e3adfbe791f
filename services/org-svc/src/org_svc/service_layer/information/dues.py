"""Dues: an item falls due for a person when she gets a role at a unit (or a rutin that applies to her
unit is published); each due is a deadline (rule `information_given`) that the shared scheduler
announces once when it approaches and once when it is missed; a record meets it; an ended role
cancels what is still open."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from org_svc.adapters.orm import (
    InformationDue,
    InformationItemRow,
    OrgUnit,
    Person,
    RoleAssignment,
    deadlines,
    replica,
)
from org_svc.domain.documents.kinds import DocumentKind
from org_svc.domain.information import Holder, NewDue, RoleStart, dues_for_publication, dues_for_role_start
from org_svc.service_layer.information.items import KnownItem, active_items
from platform_shared.contracts.documents import InformationDueCancelled, InformationDueOpened
from platform_shared.deadlines.store import Deadlines
from platform_shared.ids import new_id
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.roles import Role
from platform_shared.timeutil import STOCKHOLM, local_date

RULE = "information_given"
OBJECT_TYPE = "information_due"
DEADLINES = Deadlines(deadlines)
# The unit's chef hears of it when it is missed (reporting-svc escalates by the unit's tree).
RESPONSIBLE_ROLE = Role.ENHETSCHEF.value
REFERENCE_MAX = 40  # the deadline's reference column


def end_of_day(day: date) -> datetime:
    """A due date means the whole day, Swedish time."""
    return datetime.combine(day + timedelta(days=1), time.min, STOCKHOLM)


async def open_dues(uow: UnitOfWork, found: Iterable[NewDue], items: list[KnownItem], reason: str) -> None:
    ids = {k.item.key: k.id for k in items}
    found = list(found)
    names = await _names(uow.session, {new.person_id for new in found})
    for new in found:
        due = InformationDue(
            id=new_id(),
            item_id=ids[new.item_key],
            person_id=new.person_id,
            unit_id=new.unit_id,
            role=new.role.value if new.role else None,
            assignment_id=new.assignment_id,
            document_version_id=new.document_version_id,
            reason=reason,
            opened_on=new.opened_on,
            due_on=new.due_on,
            created_at=uow.clock(),
        )
        uow.session.add(due)
        await DEADLINES.open(
            uow,
            RULE,
            start=end_of_day(new.due_on),
            object_type=OBJECT_TYPE,
            object_id=due.id,
            unit_id=new.unit_id,
            reference=names.get(new.person_id),  # the chef's reminder says who is to be told
            responsible_role=RESPONSIBLE_ROLE,
        )
        uow.emit(
            InformationDueOpened(
                due_id=due.id,
                item_key=new.item_key,
                person_id=new.person_id,
                unit_id=new.unit_id,
                item_id=due.item_id,
                role=due.role,
                reason=reason,
                document_version_id=new.document_version_id,
                opened_on=new.opened_on,
                due_on=new.due_on,
            )
        )


async def open_for_role(uow: UnitOfWork, assignment: RoleAssignment) -> None:
    """RoleAssigned: the unit's start items fall due for the person (none for politicians and the
    system administrator's access role)."""
    unit = await uow.session.get(OrgUnit, assignment.unit_id)
    if unit is None:
        return
    items = await active_items(uow)
    start = RoleStart(
        person_id=assignment.person_id,
        role=Role(assignment.role),
        unit_id=assignment.unit_id,
        starts_on=local_date(max(assignment.valid_from, uow.clock())),
        unit_laws=unit.laws or (),
        assignment_id=assignment.id,
    )
    await open_dues(uow, dues_for_role_start([k.item for k in items], start), items, "role_start")


async def open_for_publication(
    uow: UnitOfWork, kind: DocumentKind, version_id: uuid.UUID, published_on: date, holders: Iterable[Holder]
) -> None:
    """A published version of a rutin falls due for everyone holding a role at a unit it applies to."""
    items = await active_items(uow)
    found = dues_for_publication([k.item for k in items], kind, version_id, published_on, holders)
    await open_dues(uow, found, items, "publication")


async def cancel_for_role(uow: UnitOfWork, assignment: RoleAssignment) -> None:
    """RoleEnded: what the person had not yet been told at that unit no longer falls due."""
    today = local_date(uow.clock())
    d = InformationDue
    open_ = await uow.session.scalars(
        select(d).where(d.assignment_id == assignment.id, d.met_on.is_(None), d.cancelled_on.is_(None))
    )
    for due in open_.all():
        due.cancelled_on = today
        await DEADLINES.cancel(uow, due.id, RULE)
        uow.emit(
            InformationDueCancelled(
                due_id=due.id,
                item_key=await _key(uow.session, due.item_id),
                person_id=due.person_id,
                unit_id=due.unit_id,
                cancelled_on=today,
            )
        )


async def _names(session: AsyncSession, people: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not people:
        return {}
    rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(people)))
    return {r.id: r.name[:REFERENCE_MAX] for r in rows}


async def _key(session: AsyncSession, item_id: uuid.UUID) -> str:
    return str(await session.scalar(select(InformationItemRow.key).where(InformationItemRow.id == item_id)))


async def holders_under(uow: UnitOfWork, unit_ids: Iterable[uuid.UUID]) -> list[Holder]:
    """Everyone holding a role now at a unit in these units' subtrees, with the unit's laws."""
    directory = OrgDirectory(uow.session, replica)
    units: dict[uuid.UUID, None] = {}
    for unit_id in unit_ids:
        units.update(dict.fromkeys(await directory.subtree(unit_id)))
    if not units:
        return []
    now = uow.clock()
    r = RoleAssignment
    rows = await uow.session.execute(
        select(r.person_id, r.role, r.unit_id, OrgUnit.laws)
        .join(OrgUnit, OrgUnit.id == r.unit_id)
        .where(
            r.unit_id.in_(list(units)),
            r.valid_from <= now,
            or_(r.valid_to.is_(None), r.valid_to > now),
        )
        .order_by(r.valid_from, r.id)
    )
    return [Holder(row.person_id, Role(row.role), row.unit_id, row.laws or ()) for row in rows]


async def open_for_published_version(
    uow: UnitOfWork,
    kind: DocumentKind,
    version_id: uuid.UUID,
    published_on: date,
    unit_ids: Iterable[uuid.UUID],
) -> None:
    """DocumentVersionPublished: each published rutin falls due for the staff of the units it applies to."""
    await open_for_publication(uow, kind, version_id, published_on, await holders_under(uow, unit_ids))
