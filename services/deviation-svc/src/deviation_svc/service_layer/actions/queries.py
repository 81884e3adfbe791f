"""Reading a deviation's actions (its handlers only), each with its deadlines."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from deviation_svc.adapters.orm import DeviationAction
from deviation_svc.service_layer.access import readable
from deviation_svc.service_layer.context import Ctx, QueryCtx
from deviation_svc.service_layer.views import columns_of, deadlines_of


async def actions_of(ctx: Ctx, deviation_id: uuid.UUID) -> list[DeviationAction]:
    rows = await ctx.session.scalars(
        select(DeviationAction)
        .where(DeviationAction.deviation_id == deviation_id)
        .order_by(DeviationAction.created_at, DeviationAction.id)
    )
    return list(rows.all())


def action_view(a: DeviationAction) -> dict[str, Any]:
    return columns_of(a)


async def view(ctx: Ctx, a: DeviationAction) -> dict[str, Any]:
    """The read model of an action: its fields and its deadlines."""
    return action_view(a) | {"deadlines": await deadlines_of(ctx, a.id)}


async def actions(ctx: QueryCtx, deviation_id: uuid.UUID) -> dict[str, Any]:
    d, _ = await readable(ctx, deviation_id, handlers_only=True)
    await ctx.audited("deviation", d.id, "read_actions")
    return {"items": [await view(ctx, a) for a in await actions_of(ctx, d.id)]}
