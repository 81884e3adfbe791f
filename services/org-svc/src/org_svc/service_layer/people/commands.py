"""People and role assignments: register (idempotent on the subject, and on Idempotency-Key), correct,
deactivate/reactivate; assign and end a role. The work is in service_layer/handlers.py (shared with
the import); here: access first, then one commit."""

from __future__ import annotations

from org_svc.adapters.orm import Person, RoleAssignment
from org_svc.service_layer import handlers
from org_svc.service_layer.access import (
    MANAGE_PEOPLE,
    existing_unit,
    manage,
    managed_assignment,
    managed_person,
    require_grant,
)
from org_svc.service_layer.context import CommandCtx
from org_svc.service_layer.handlers import AssignRole, EndRole, RegisterPerson, SetPersonActive, UpdatePerson
from platform_shared.access import Action
from platform_shared.context import Created

__all__ = [
    "AssignRole",
    "EndRole",
    "RegisterPerson",
    "SetPersonActive",
    "UpdatePerson",
    "assign_role",
    "end_role",
    "register",
    "set_active",
    "update",
]


async def register(ctx: CommandCtx, cmd: RegisterPerson) -> Created[Person]:
    """201, or 200 with the person already registered with this subject."""
    require_grant(ctx, Action.ORG_MANAGE, MANAGE_PEOPLE)
    return await ctx.once(Person, lambda: _register(ctx, cmd))


async def _register(ctx: CommandCtx, cmd: RegisterPerson) -> Created[Person]:
    person, created = await handlers.add_person(ctx.uow, cmd)
    status = 201 if created else 200
    await ctx.created(person.id, status)
    await ctx.commit()
    return Created(person, status)


async def update(ctx: CommandCtx, cmd: UpdatePerson) -> Person:
    await managed_person(ctx, cmd.person_id)
    person = await handlers.change_person(ctx.uow, cmd)
    await ctx.commit()
    return person


async def set_active(ctx: CommandCtx, cmd: SetPersonActive) -> Person:
    await managed_person(ctx, cmd.person_id)
    person = await handlers.set_active(ctx.uow, cmd)
    await ctx.commit()
    return person


async def assign_role(ctx: CommandCtx, cmd: AssignRole) -> Created[RoleAssignment]:
    await existing_unit(ctx, cmd.unit_id, "unit_id")
    await manage(ctx, [cmd.unit_id])
    return await ctx.once(RoleAssignment, lambda: _assign(ctx, cmd))


async def _assign(ctx: CommandCtx, cmd: AssignRole) -> Created[RoleAssignment]:
    assignment = await handlers.add_assignment(ctx.uow, cmd)
    await ctx.created(assignment.id)
    await ctx.commit()
    return Created(assignment)


async def end_role(ctx: CommandCtx, cmd: EndRole) -> RoleAssignment:
    await managed_assignment(ctx, cmd.assignment_id)
    assignment = await handlers.end(ctx.uow, cmd)
    await ctx.commit()
    return assignment
