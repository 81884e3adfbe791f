"""Changing the tenant's reporting settings (REPORT_APPROVE: socialchef, förvaltningschef), If-Match."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from platform_shared.access import Action
from platform_shared.errors import Forbidden, check_version
from reporting_svc.service_layer import tenant
from reporting_svc.service_layer.context import CommandCtx
from reporting_svc.service_layer.settings.queries import StoredSettings


@dataclass(frozen=True)
class ChangeSettings:
    """`changes`: the settings to change (the others keep their values)."""

    changes: dict[str, Any] = field(default_factory=dict)


async def change(ctx: CommandCtx, cmd: ChangeSettings) -> StoredSettings:
    if not ctx.caller.principal.may(Action.REPORT_APPROVE):
        raise Forbidden("Din roll ger inte behörighet att ändra inställningarna")
    row = await tenant.load_row(ctx.session, ctx.parts.settings, lock=True)
    check_version(ctx.if_match, row.version)
    updated = tenant.to_domain(row).changed(**cmd.changes)
    tenant.apply(row, updated, ctx.caller.id, ctx.now())
    await ctx.commit()
    return StoredSettings(updated, row.version)
