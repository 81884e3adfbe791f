"""reporting-svc's request contexts: the shared ones (platform_shared.context) with this service's
components, and small rules every handler shares (units, the tenant's settings, the statistics)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy import select

from platform_shared.context import CommandContext, QueryContext, RequestContext
from platform_shared.errors import invalid
from reporting_svc.adapters.orm import replica
from reporting_svc.config import ReportingSettings
from reporting_svc.domain.settings import TenantSettings
from reporting_svc.service_layer import tenant
from reporting_svc.service_layer.statistics import Statistics

if TYPE_CHECKING:
    from platform_shared.messaging.consumer import EventConsumer


async def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Components:
    settings: ReportingSettings
    # The webhook consumer's set of subscribed event types, read again after a subscription changes.
    refresh_webhooks: Callable[[], Awaitable[None]] = _nothing
    service: str = "reporting"
    # This process's consumers (the dashboard shows their lag); started after the components are made.
    consumers: Callable[[], Sequence[EventConsumer]] = field(default=lambda: ())


Ctx: TypeAlias = RequestContext[Components]  # either kind: what reads and writes share
CommandCtx: TypeAlias = CommandContext[Components]
QueryCtx: TypeAlias = QueryContext[Components]


async def require_unit(ctx: Ctx, unit_id: uuid.UUID, field: str = "unit_id") -> None:
    """422 on `field` unless the unit is in the organisation."""
    if not await ctx.caller.directory.unit_exists(unit_id):
        raise invalid(field, "ingen sådan enhet", "Okänd enhet")


async def tenant_settings(ctx: Ctx) -> TenantSettings:
    return await tenant.load(ctx.session, ctx.parts.settings)


def statistics(ctx: Ctx) -> Statistics:
    return Statistics(ctx.session, replica)


async def unit_name(ctx: Ctx, unit_id: uuid.UUID) -> str:
    u = replica.unit.c
    return str(await ctx.session.scalar(select(u.name).where(u.id == unit_id)) or unit_id)
