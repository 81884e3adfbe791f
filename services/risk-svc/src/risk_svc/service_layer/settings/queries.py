"""Reading the tenant's risk settings (the defaults until they are first changed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.errors import Forbidden
from risk_svc.adapters.orm import TenantSetting
from risk_svc.domain.settings import DEFAULT_SETTINGS, TenantSettings
from risk_svc.service_layer.context import QueryCtx

KEY = "risk"


@dataclass(frozen=True)
class StoredSettings:
    settings: TenantSettings
    version: int  # 0: never changed, the defaults apply


async def stored(session: AsyncSession) -> StoredSettings:
    row = await session.get(TenantSetting, KEY)
    if row is None:
        return StoredSettings(DEFAULT_SETTINGS, 0)
    return StoredSettings(TenantSettings.from_document(row.document), row.version)


async def current(session: AsyncSession) -> TenantSettings:
    return (await stored(session)).settings


async def settings(ctx: QueryCtx) -> StoredSettings:
    """Anyone with a role in the organisation reads them."""
    if not ctx.caller.principal.is_staff:
        raise Forbidden("Inställningarna är till för personal med en roll i organisationen")
    return await stored(ctx.session)


def view(s: StoredSettings) -> dict[str, Any]:
    return {**s.settings.to_document(), "version": s.version}
