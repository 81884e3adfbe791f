"""Reading the tenant's reporting settings (the deployment's defaults until first changed)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from platform_shared.access import Action
from platform_shared.errors import Forbidden
from reporting_svc.adapters.orm import TenantSettingsRow
from reporting_svc.domain.settings import TenantSettings
from reporting_svc.service_layer import tenant
from reporting_svc.service_layer.context import QueryCtx


@dataclass(frozen=True)
class StoredSettings:
    settings: TenantSettings
    version: int  # 1 until first changed (the row is made with version 1 on first use)


async def settings(ctx: QueryCtx) -> StoredSettings:
    """Whoever may read statistics reads them."""
    if not ctx.caller.principal.may(Action.STATS_READ):
        raise Forbidden("Din roll ger inte behörighet att läsa statistik")
    row = await ctx.session.get(TenantSettingsRow, tenant.ROW_ID)
    if row is None:
        return StoredSettings(tenant.defaults(ctx.parts.settings), 1)
    return StoredSettings(tenant.to_domain(row), row.version)


def view(s: StoredSettings) -> dict[str, Any]:
    return {**asdict(s.settings), "version": s.version}
