"""Unit commands: create (Idempotency-Key), rename/change laws, move, close. The work is in
service_layer/handlers.py (shared with the import); here: access first, then one commit."""

from __future__ import annotations

from org_svc.adapters.orm import OrgUnit
from org_svc.service_layer import handlers
from org_svc.service_layer.access import existing_unit, manage, managed_unit
from org_svc.service_layer.context import CommandCtx
from org_svc.service_layer.handlers import CloseUnit, CreateUnit, MoveUnit, UpdateUnit
from platform_shared.context import Created

__all__ = ["CloseUnit", "CreateUnit", "MoveUnit", "UpdateUnit", "close", "create", "move", "update"]


async def create(ctx: CommandCtx, cmd: CreateUnit) -> Created[OrgUnit]:
    await existing_unit(ctx, cmd.parent_id, "parent_id")
    if cmd.parent_id is not None:
        await manage(ctx, [cmd.parent_id])
    return await ctx.once(OrgUnit, lambda: _create(ctx, cmd))


async def _create(ctx: CommandCtx, cmd: CreateUnit) -> Created[OrgUnit]:
    unit = await handlers.add_unit(ctx.uow, cmd)
    await ctx.created(unit.id)
    await ctx.commit()
    return Created(unit)


async def update(ctx: CommandCtx, cmd: UpdateUnit) -> OrgUnit:
    await managed_unit(ctx, cmd.unit_id)
    unit = await handlers.change_unit(ctx.uow, cmd)
    await ctx.commit()
    return unit


async def move(ctx: CommandCtx, cmd: MoveUnit) -> OrgUnit:
    await managed_unit(ctx, cmd.unit_id)
    await existing_unit(ctx, cmd.parent_id, "parent_id")
    await manage(ctx, [cmd.parent_id])
    unit = await handlers.move(ctx.uow, cmd)
    await ctx.commit()
    return unit


async def close(ctx: CommandCtx, cmd: CloseUnit) -> OrgUnit:
    await managed_unit(ctx, cmd.unit_id)
    unit = await handlers.close(ctx.uow, cmd)
    await ctx.commit()
    return unit
