"""Changing the tenant's risk settings: RISK_MANAGE over the whole organisation, If-Match, validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from platform_shared.access import Action
from platform_shared.errors import Forbidden, check_version
from risk_svc.adapters.orm import TenantSetting, replica
from risk_svc.domain.settings import DEFAULT_SETTINGS, TenantSettings
from risk_svc.service_layer.context import CommandCtx
from risk_svc.service_layer.settings.queries import KEY, StoredSettings


@dataclass(frozen=True)
class ChangeSettings:
    """`changes`: the settings to change; a nested object's members merge with the stored ones."""

    changes: dict[str, Any] = field(default_factory=dict)


async def _require_whole_organisation(ctx: CommandCtx) -> None:
    roots = (
        await ctx.session.scalars(select(replica.unit.c.id).where(replica.unit.c.parent_id.is_(None)))
    ).all()
    if not roots or not all([await ctx.caller.can(Action.RISK_MANAGE, root) for root in roots]):
        raise Forbidden(
            "Inställningarna gäller hela organisationen: de ändras av den som hanterar risker i den"
        )


async def change(ctx: CommandCtx, cmd: ChangeSettings) -> StoredSettings:
    await _require_whole_organisation(ctx)
    row = await ctx.session.get(TenantSetting, KEY, with_for_update=True)
    check_version(ctx.if_match, row.version if row else 0)
    base = TenantSettings.from_document(row.document) if row else DEFAULT_SETTINGS
    changed = base.merged(cmd.changes)
    if row is None:
        row = TenantSetting(
            key=KEY, document=changed.to_document(), updated_by=ctx.caller.id, updated_at=ctx.now()
        )
        ctx.session.add(row)
    else:
        row.document = changed.to_document()
        row.updated_by, row.updated_at = ctx.caller.id, ctx.now()
    await ctx.commit()
    return StoredSettings(changed, row.version)
