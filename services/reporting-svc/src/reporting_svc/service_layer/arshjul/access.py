"""Who sees and changes the årshjul: whoever may read reports or statistics for a unit sees its
årshjul (404 otherwise, worded as for an unknown id); REPORT_WRITE at the unit plans and changes its
activities; REPORT_ADOPT at the unit, and the level's adopter role, adopts it."""

from __future__ import annotations

import uuid

from platform_shared.access import Action
from platform_shared.errors import NotFound
from reporting_svc.adapters.orm import Arshjul, ArshjulActivity
from reporting_svc.service_layer.access import may_read_report
from reporting_svc.service_layer.context import CommandCtx, Ctx

ARSHJUL_NOT_FOUND = "Årshjulet finns inte"
ACTIVITY_NOT_FOUND = "Aktiviteten finns inte"


async def may_read(ctx: Ctx, unit_id: uuid.UUID) -> bool:
    return await may_read_report(ctx, unit_id)


async def wheel_for(ctx: CommandCtx, arshjul_id: uuid.UUID, action: Action) -> Arshjul:
    """To be changed: visible (404), `action` at its unit (403), If-Match (412), locked."""

    async def visible(w: Arshjul) -> bool:
        return await may_read(ctx, w.unit_id)

    async def permitted(w: Arshjul) -> None:
        await ctx.caller.require(action, w.unit_id)

    return await ctx.load(
        Arshjul,
        arshjul_id,
        not_found=ARSHJUL_NOT_FOUND,
        visible=visible,
        permitted=permitted,
        if_match=ctx.if_match,
        lock=True,
    )


async def activity_for(ctx: CommandCtx, activity_id: uuid.UUID) -> tuple[Arshjul, ArshjulActivity]:
    """An activity to be changed: visible (404), REPORT_WRITE at its årshjul's unit (403), If-Match
    (412), locked; with its årshjul."""

    async def visible(a: ArshjulActivity) -> bool:
        return await may_read(ctx, a.unit_id)

    async def permitted(a: ArshjulActivity) -> None:
        await ctx.caller.require(Action.REPORT_WRITE, a.unit_id)

    row = await ctx.load(
        ArshjulActivity,
        activity_id,
        not_found=ACTIVITY_NOT_FOUND,
        visible=visible,
        permitted=permitted,
        if_match=ctx.if_match,
        lock=True,
    )
    wheel = await ctx.session.get(Arshjul, row.arshjul_id)
    if wheel is None:  # pragma: no cover - the foreign key holds it
        raise NotFound(ACTIVITY_NOT_FOUND)
    return wheel, row
