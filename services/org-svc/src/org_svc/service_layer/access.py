"""Who sees and does what in org-svc: the one place each operation's authorisation is decided.

- units, role assignments, delegations: seen by anyone with a role (ORG_READ), changed with
  ORG_MANAGE at the unit they belong to (a move: at the new parent too);
- people: seen by those who manage the organisation somewhere, and by the person themself; changed by
  those who manage it;
- integration clients: seen by those who manage the organisation somewhere; changed with ORG_MANAGE
  at every unit the client acts for (before and after the change).

Every load runs platform_shared.context.RequestContext.load: visible (else 404, worded as for an
unknown id) → permitted (else 403) → If-Match (else 412), locked when it is to be changed."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from org_svc.adapters.orm import Delegation, OrgUnit, Person, RoleAssignment, SystemClient
from org_svc.service_layer.context import CommandCtx, Ctx
from platform_shared.access import Action
from platform_shared.errors import Forbidden, invalid

UNIT_NOT_FOUND = "Enheten finns inte"
PERSON_NOT_FOUND = "Personen finns inte"
ASSIGNMENT_NOT_FOUND = "Rolltilldelningen finns inte"
DELEGATION_NOT_FOUND = "Delegeringen finns inte"
CLIENT_NOT_FOUND = "Systemklienten finns inte"

NO_ROLE = "Du har ingen roll i organisationen"
MANAGE_PEOPLE = "Bara en systemadministratör administrerar personer"
MANAGE_CLIENTS = "Bara en systemadministratör administrerar systemklienter"
IMPORTS = "Bara en systemadministratör importerar organisationen"
AUDIT = "Bara en systemadministratör eller kvalitetsledare läser granskningsloggen"


def require_grant(ctx: Ctx, action: Action, message: str) -> None:
    """403 unless the caller holds some grant for the action (for what belongs to no one unit)."""
    if not ctx.caller.principal.may(action):
        raise Forbidden(message)


async def manage(ctx: Ctx, unit_ids: Iterable[uuid.UUID | str]) -> None:
    for unit_id in unit_ids:
        await ctx.caller.require(Action.ORG_MANAGE, uuid.UUID(str(unit_id)))


async def existing_unit(ctx: Ctx, unit_id: uuid.UUID | None, field: str) -> None:
    """A unit a body names exists; else 422 on `field`."""
    if unit_id is not None and await ctx.session.get(OrgUnit, unit_id) is None:
        raise invalid(
            field,
            "finns inte",
            "Enheten finns inte" if field != "parent_id" else "Den överordnade enheten finns inte",
        )


async def _reads_org(_obj: object, ctx: Ctx) -> bool:
    return ctx.caller.principal.may(Action.ORG_READ)


async def readable_unit(ctx: Ctx, unit_id: uuid.UUID) -> OrgUnit:
    return await ctx.load(OrgUnit, unit_id, not_found=UNIT_NOT_FOUND, visible=lambda u: _reads_org(u, ctx))


async def managed_unit(ctx: CommandCtx, unit_id: uuid.UUID) -> OrgUnit:
    async def permitted(u: OrgUnit) -> None:
        await manage(ctx, [u.id])

    return await ctx.load(
        OrgUnit,
        unit_id,
        not_found=UNIT_NOT_FOUND,
        visible=lambda u: _reads_org(u, ctx),
        permitted=permitted,
        if_match=ctx.if_match,
        lock=True,
    )


async def _sees_person(ctx: Ctx, person: Person) -> bool:
    return ctx.caller.principal.may(Action.ORG_MANAGE) or person.id == ctx.caller.id


async def readable_person(ctx: Ctx, person_id: uuid.UUID) -> Person:
    return await ctx.load(
        Person, person_id, not_found=PERSON_NOT_FOUND, visible=lambda p: _sees_person(ctx, p)
    )


async def managed_person(ctx: CommandCtx, person_id: uuid.UUID) -> Person:
    async def permitted(_p: Person) -> None:
        require_grant(ctx, Action.ORG_MANAGE, MANAGE_PEOPLE)

    return await ctx.load(
        Person,
        person_id,
        not_found=PERSON_NOT_FOUND,
        visible=lambda p: _sees_person(ctx, p),
        permitted=permitted,
        if_match=ctx.if_match,
        lock=True,
    )


async def readable_assignment(ctx: Ctx, assignment_id: uuid.UUID) -> RoleAssignment:
    return await ctx.load(
        RoleAssignment, assignment_id, not_found=ASSIGNMENT_NOT_FOUND, visible=lambda a: _reads_org(a, ctx)
    )


async def managed_assignment(ctx: CommandCtx, assignment_id: uuid.UUID) -> RoleAssignment:
    async def permitted(a: RoleAssignment) -> None:
        await manage(ctx, [a.unit_id])

    return await ctx.load(
        RoleAssignment,
        assignment_id,
        not_found=ASSIGNMENT_NOT_FOUND,
        visible=lambda a: _reads_org(a, ctx),
        permitted=permitted,
        if_match=ctx.if_match,
        lock=True,
    )


async def readable_delegation(ctx: Ctx, delegation_id: uuid.UUID) -> Delegation:
    return await ctx.load(
        Delegation, delegation_id, not_found=DELEGATION_NOT_FOUND, visible=lambda d: _reads_org(d, ctx)
    )


async def managed_delegation(ctx: CommandCtx, delegation_id: uuid.UUID) -> Delegation:
    async def permitted(d: Delegation) -> None:
        await manage(ctx, [d.unit_id])

    return await ctx.load(
        Delegation,
        delegation_id,
        not_found=DELEGATION_NOT_FOUND,
        visible=lambda d: _reads_org(d, ctx),
        permitted=permitted,
        if_match=ctx.if_match,
        lock=True,
    )


async def _sees_clients(_c: SystemClient, ctx: Ctx) -> bool:
    return ctx.caller.principal.may(Action.ORG_MANAGE)


async def readable_client(ctx: Ctx, client_id: uuid.UUID) -> SystemClient:
    return await ctx.load(
        SystemClient, client_id, not_found=CLIENT_NOT_FOUND, visible=lambda c: _sees_clients(c, ctx)
    )


async def managed_client(
    ctx: CommandCtx, client_id: uuid.UUID, *, also: Iterable[uuid.UUID] = (), precondition: bool = True
) -> SystemClient:
    """ORG_MANAGE at every unit the client acts for, and at `also` (the units a change gives it)."""

    async def permitted(c: SystemClient) -> None:
        await manage(ctx, [*c.unit_ids, *also])

    return await ctx.load(
        SystemClient,
        client_id,
        not_found=CLIENT_NOT_FOUND,
        visible=lambda c: _sees_clients(c, ctx),
        permitted=permitted,
        if_match=ctx.if_match if precondition else None,
        lock=precondition,
    )
