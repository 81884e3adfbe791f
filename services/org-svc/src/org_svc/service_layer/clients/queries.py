"""Reading integration clients."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from org_svc.adapters.orm import SystemClient
from org_svc.service_layer.access import MANAGE_CLIENTS, readable_client, require_grant
from org_svc.service_layer.context import QueryCtx
from platform_shared.access import Action
from platform_shared.pagination import PageRequest, keyset_page


async def client(ctx: QueryCtx, client_id: uuid.UUID) -> SystemClient:
    return await readable_client(ctx, client_id)


async def clients(
    ctx: QueryCtx, active: bool | None, page: PageRequest
) -> tuple[list[SystemClient], str | None]:
    require_grant(ctx, Action.ORG_MANAGE, MANAGE_CLIENTS)
    stmt = select(SystemClient)
    if active is not None:
        stmt = stmt.where(SystemClient.active.is_(active))
    return await keyset_page(ctx.session, stmt, [SystemClient.id], page)
