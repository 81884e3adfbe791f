"""The tenant's risk settings: read (defaults when never set) and change (If-Match, validated)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.errors import check_version
from platform_shared.messaging.unit_of_work import UnitOfWork
from risk_svc.adapters.orm import TenantSetting
from risk_svc.domain.settings import DEFAULT_SETTINGS, TenantSettings
from risk_svc.service_layer.common import commit, rules

KEY = "risk"


@dataclass(frozen=True)
class StoredSettings:
    settings: TenantSettings
    version: int  # 0: never changed, the defaults apply


async def load(session: AsyncSession) -> StoredSettings:
    row = await session.get(TenantSetting, KEY)
    if row is None:
        return StoredSettings(DEFAULT_SETTINGS, 0)
    return StoredSettings(TenantSettings.from_document(row.document), row.version)


async def current(session: AsyncSession) -> TenantSettings:
    return (await load(session)).settings


async def update(
    uow: UnitOfWork, patch: dict[str, Any], expected_version: int | None, by: uuid.UUID
) -> StoredSettings:
    row = await uow.session.get(TenantSetting, KEY)
    check_version(expected_version, row.version if row else 0)
    base = TenantSettings.from_document(row.document) if row else DEFAULT_SETTINGS
    with rules():
        changed = base.merged(patch)
    if row is None:
        row = TenantSetting(key=KEY, document=changed.to_document(), updated_by=by, updated_at=uow.clock())
        uow.session.add(row)
    else:
        row.document = changed.to_document()
        row.updated_by = by
        row.updated_at = uow.clock()
    await commit(uow)
    return StoredSettings(changed, row.version)
