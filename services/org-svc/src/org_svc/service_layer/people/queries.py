"""Reading people and role assignments: one, or a filtered page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

from org_svc.adapters.orm import Person, RoleAssignment
from org_svc.service_layer.access import (
    MANAGE_PEOPLE,
    NO_ROLE,
    readable_assignment,
    readable_person,
    require_grant,
)
from org_svc.service_layer.context import QueryCtx
from platform_shared.access import Action
from platform_shared.pagination import PageRequest, keyset_page
from platform_shared.roles import Role


def me(ctx: QueryCtx) -> dict[str, Any]:
    """The caller: person or system client, roles and delegations in force."""
    p = ctx.caller.principal
    return {
        "id": p.person_id,
        "name": p.name,
        "subject": p.subject,
        "is_client": p.is_client,
        "roles": [{"role": r.role, "unit_id": r.unit_id, "acting": r.acting} for r in p.roles],
        "delegations": [
            {"decision_type": d.decision_type, "from_role": d.from_role, "unit_id": d.unit_id}
            for d in p.delegations
        ],
        "operations": sorted(p.client_operations),
    }


async def person(ctx: QueryCtx, person_id: uuid.UUID) -> Person:
    return await readable_person(ctx, person_id)


@dataclass(frozen=True)
class PersonFilter:
    subject: str | None = None
    email: str | None = None
    active: bool | None = None


async def people(ctx: QueryCtx, f: PersonFilter, page: PageRequest) -> tuple[list[Person], str | None]:
    require_grant(ctx, Action.ORG_MANAGE, MANAGE_PEOPLE)
    stmt = select(Person)
    if f.subject is not None:
        stmt = stmt.where(Person.subject == f.subject)
    if f.email is not None:
        stmt = stmt.where(Person.email == f.email)
    if f.active is not None:
        stmt = stmt.where(Person.active.is_(f.active))
    return await keyset_page(ctx.session, stmt, [Person.id], page)


async def assignment(ctx: QueryCtx, assignment_id: uuid.UUID) -> RoleAssignment:
    return await readable_assignment(ctx, assignment_id)


@dataclass(frozen=True)
class AssignmentFilter:
    person_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    role: Role | None = None
    include_ended: bool = False


async def assignments(
    ctx: QueryCtx, f: AssignmentFilter, page: PageRequest
) -> tuple[list[RoleAssignment], str | None]:
    require_grant(ctx, Action.ORG_READ, NO_ROLE)
    r = RoleAssignment
    stmt = select(r)
    if f.person_id is not None:
        stmt = stmt.where(r.person_id == f.person_id)
    if f.unit_id is not None:
        stmt = stmt.where(r.unit_id == f.unit_id)
    if f.role is not None:
        stmt = stmt.where(r.role == f.role.value)
    if not f.include_ended:
        stmt = stmt.where(or_(r.valid_to.is_(None), r.valid_to > ctx.now()))
    return await keyset_page(ctx.session, stmt, [r.id], page)
