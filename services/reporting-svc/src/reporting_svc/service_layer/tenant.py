"""The tenant's reporting settings: one row, created with the deployment's defaults on first use."""

from __future__ import annotations

import uuid
from dataclasses import asdict, fields
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.sqlutil import insert_ignore
from reporting_svc.adapters.orm import TenantSettingsRow, tenant_settings
from reporting_svc.config import ReportingSettings
from reporting_svc.domain.settings import TenantSettings

ROW_ID = 1
FIELDS = tuple(f.name for f in fields(TenantSettings))


def defaults(settings: ReportingSettings) -> TenantSettings:
    return TenantSettings(
        suppression_threshold=settings.suppression_threshold,
        ivo_reminder_interval_hours=settings.ivo_reminder_interval_hours,
    )


async def load_row(
    session: AsyncSession, settings: ReportingSettings, *, lock: bool = False
) -> TenantSettingsRow:
    """The row, made with the deployment's defaults on first use; `lock`: for a change."""
    row = await session.get(TenantSettingsRow, ROW_ID, with_for_update=lock)
    if row is None:
        await insert_ignore(
            session,
            tenant_settings,
            {"id": ROW_ID, "version": 1, **asdict(defaults(settings))},
        )
        row = await session.get(TenantSettingsRow, ROW_ID, with_for_update=lock)
        assert row is not None
    return row


def to_domain(row: TenantSettingsRow) -> TenantSettings:
    return TenantSettings(**{name: getattr(row, name) for name in FIELDS})


async def load(session: AsyncSession, settings: ReportingSettings) -> TenantSettings:
    row = await session.get(TenantSettingsRow, ROW_ID)
    return to_domain(row) if row is not None else defaults(settings)


def apply(row: TenantSettingsRow, updated: TenantSettings, by: uuid.UUID, at: datetime) -> None:
    for name in FIELDS:
        setattr(row, name, getattr(updated, name))
    row.updated_by = by
    row.updated_at = at
