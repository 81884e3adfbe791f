"""Reading delegations, the duty catalogue, and who is responsible for a duty at a unit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from org_svc.adapters.orm import Delegation, Person
from org_svc.service_layer.access import NO_ROLE, readable_delegation, readable_unit, require_grant
from org_svc.service_layer.context import QueryCtx
from platform_shared.access import Action
from platform_shared.orgreplica.responsibility import (
    DUTIES,
    Duty,
    DutyDefinition,
    ResponsiblePerson,
    responsible,
)
from platform_shared.pagination import PageRequest, keyset_page
from platform_shared.roles import Role


async def delegation(ctx: QueryCtx, delegation_id: uuid.UUID) -> Delegation:
    return await readable_delegation(ctx, delegation_id)


@dataclass(frozen=True)
class DelegationFilter:
    decision_type: str | None = None
    unit_id: uuid.UUID | None = None
    to_person_id: uuid.UUID | None = None
    to_role: Role | None = None
    include_ended: bool = False


async def delegations(
    ctx: QueryCtx, f: DelegationFilter, page: PageRequest
) -> tuple[list[Delegation], str | None]:
    require_grant(ctx, Action.ORG_READ, NO_ROLE)
    d = Delegation
    stmt = select(d)
    for column, value in (
        (d.decision_type, f.decision_type),
        (d.unit_id, f.unit_id),
        (d.to_person_id, f.to_person_id),
        (d.to_role, f.to_role.value if f.to_role else None),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if not f.include_ended:
        stmt = stmt.where(or_(d.valid_to.is_(None), d.valid_to > ctx.now()))
    return await keyset_page(ctx.session, stmt, [d.id], page)


def duties(ctx: QueryCtx) -> list[DutyDefinition]:
    """The whole catalogue (it is short and kept as data in platform_shared)."""
    require_grant(ctx, Action.ORG_READ, NO_ROLE)
    return list(DUTIES.values())


async def _people(ctx: QueryCtx, found: tuple[ResponsiblePerson, ...]) -> list[dict[str, Any]]:
    ids = [f.person_id for f in found]
    people = {p.id: p for p in await ctx.session.scalars(select(Person).where(Person.id.in_(ids)))}
    return [
        {
            "person_id": f.person_id,
            "name": people[f.person_id].name,
            "email": people[f.person_id].email,
            "role": Role(f.role) if f.role else None,
            "unit_id": f.unit_id,
            "acting": f.acting,
            "delegation_id": f.delegation_id,
        }
        for f in found
        if f.person_id in people
    ]


async def responsible_for(
    ctx: QueryCtx, unit_id: uuid.UUID, duty: Duty, at: datetime | None
) -> dict[str, Any]:
    await readable_unit(ctx, unit_id)
    found = await responsible(ctx.caller.directory, duty, unit_id, at)
    return {
        "duty": found.duty,
        "unit_id": found.unit_id,
        "at": found.at,
        "applies": found.applies,
        "delegated": found.delegated,
        "people": await _people(ctx, found.people),
        "owners": await _people(ctx, found.owners),
    }
