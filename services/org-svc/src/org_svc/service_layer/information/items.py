"""Information items as tenant data: the three defaults written on first use, each row read back as
the domain's InformationItem."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from org_svc.adapters.orm import InformationItemRow
from org_svc.domain.documents.kinds import DocumentKind
from org_svc.domain.information import DEFAULT_ITEMS, InformationItem, Trigger
from platform_shared.contracts.documents import InformationItemDefined
from platform_shared.ids import new_id
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.regimes import Regime
from platform_shared.roles import Role


@dataclass(frozen=True)
class KnownItem:
    id: uuid.UUID
    item: InformationItem


def as_item(row: InformationItemRow) -> InformationItem:
    return InformationItem(
        row.key,
        row.title,
        Trigger(row.trigger),
        due_days=row.due_days,
        repeat_months=row.repeat_months,
        regimes=frozenset(Regime(r) for r in row.regimes) if row.regimes is not None else None,
        roles=frozenset(Role(r) for r in row.roles),
        document_kinds=frozenset(DocumentKind(k) for k in row.document_kinds or ()),
        self_acknowledge=row.self_acknowledge,
    )


def defined(row: InformationItemRow) -> InformationItemDefined:
    return InformationItemDefined(
        item_id=row.id,
        key=row.key,
        title=row.title,
        trigger=row.trigger,
        due_days=row.due_days,
        repeat_months=row.repeat_months,
        regimes=row.regimes,
        roles=list(row.roles),
        document_kinds=list(row.document_kinds or ()),
        active=row.active,
    )


def new_row(item: InformationItem, description: str | None = None) -> InformationItemRow:
    return InformationItemRow(
        id=new_id(),
        key=item.key,
        title=item.title,
        description=description or item.source or None,
        trigger=item.trigger.value,
        due_days=item.due_days,
        repeat_months=item.repeat_months,
        regimes=sorted(r.value for r in item.regimes) if item.regimes is not None else None,
        roles=sorted(r.value for r in item.roles),
        document_kinds=sorted(k.value for k in item.document_kinds),
        self_acknowledge=item.self_acknowledge,
        active=True,
    )


async def active_items(uow: UnitOfWork) -> list[KnownItem]:
    """The tenant's active items; the defaults are written (with their events) the first time."""
    rows = (await uow.session.scalars(select(InformationItemRow).order_by(InformationItemRow.key))).all()
    if not rows:
        rows = [new_row(item) for item in DEFAULT_ITEMS]
        for row in rows:
            uow.session.add(row)
            uow.emit(defined(row))
        await uow.session.flush()
    return [KnownItem(r.id, as_item(r)) for r in rows if r.active]
