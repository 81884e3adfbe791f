"""Webhook commands (WEBHOOK_MANAGE): subscribe a receiver, change or remove a subscription, rotate its
signing secret, and send a delivery again. A receiver must be a public address (or allow-listed)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.ids import new_id
from reporting_svc.adapters.orm import WebhookDelivery, WebhookSubscription
from reporting_svc.domain.webhooks import check_event_types, new_secret
from reporting_svc.service_layer import access
from reporting_svc.service_layer.context import CommandCtx, require_unit
from reporting_svc.service_layer.webhooks import WEBHOOK_EVENT_TYPES, check_receiver_url, queue_replay


@dataclass(frozen=True)
class Subscribe:
    url: str
    event_types: Sequence[str]
    unit_id: uuid.UUID | None = None
    description: str | None = None


@dataclass(frozen=True)
class ChangeSubscription:
    """`changes`: only the fields the client sent (unit_id and description may be set to None)."""

    subscription_id: uuid.UUID
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RemoveSubscription:
    subscription_id: uuid.UUID


@dataclass(frozen=True)
class RotateSecret:
    subscription_id: uuid.UUID


@dataclass(frozen=True)
class Replay:
    subscription_id: uuid.UUID
    delivery_id: uuid.UUID


async def _check_unit(ctx: CommandCtx, unit_id: uuid.UUID | None) -> None:
    if unit_id is not None:
        await require_unit(ctx, unit_id)
        await ctx.caller.require(Action.WEBHOOK_MANAGE, unit_id)


async def subscribe(ctx: CommandCtx, cmd: Subscribe) -> Created[WebhookSubscription]:
    access.require_webhook_manager(ctx)
    await _check_unit(ctx, cmd.unit_id)
    return await ctx.once(WebhookSubscription, lambda: _subscribe(ctx, cmd))


async def _subscribe(ctx: CommandCtx, cmd: Subscribe) -> Created[WebhookSubscription]:
    types = check_event_types(list(cmd.event_types), WEBHOOK_EVENT_TYPES)
    await check_receiver_url(cmd.url, ctx.parts.settings)
    now = ctx.now()
    row = WebhookSubscription(
        id=new_id(),
        url=cmd.url,
        description=cmd.description,
        event_types=sorted(types),
        unit_id=cmd.unit_id,
        secret=new_secret(),
        active=True,
        created_by=ctx.caller.id,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(row)
    await ctx.created(row.id)
    await ctx.commit()
    await ctx.parts.refresh_webhooks()
    return Created(row)


async def change(ctx: CommandCtx, cmd: ChangeSubscription) -> WebhookSubscription:
    row = await access.webhook_for_change(ctx, cmd.subscription_id)
    given = cmd.changes
    if "unit_id" in given:
        await _check_unit(ctx, given["unit_id"])
        row.unit_id = given["unit_id"]
    if given.get("event_types") is not None:
        row.event_types = sorted(check_event_types(given["event_types"], WEBHOOK_EVENT_TYPES))
    if given.get("url") is not None:
        await check_receiver_url(str(given["url"]), ctx.parts.settings)
        row.url = str(given["url"])
    if "description" in given:
        row.description = given["description"]
    if given.get("active") is not None:
        row.active = given["active"]
    row.updated_at = ctx.now()
    await ctx.commit()
    await ctx.parts.refresh_webhooks()
    return row


async def remove(ctx: CommandCtx, cmd: RemoveSubscription) -> None:
    row = await access.webhook_for_change(ctx, cmd.subscription_id)
    row.deleted_at = ctx.now()
    row.active = False
    await ctx.commit()
    await ctx.parts.refresh_webhooks()


async def rotate_secret(ctx: CommandCtx, cmd: RotateSecret) -> WebhookSubscription:
    row = await access.webhook_for_change(ctx, cmd.subscription_id)
    row.secret = new_secret()
    row.updated_at = ctx.now()
    await ctx.commit()
    return row


async def replay(ctx: CommandCtx, cmd: Replay) -> WebhookDelivery:
    row = await access.delivery(ctx, cmd.subscription_id, cmd.delivery_id)
    queue_replay(row, ctx.now())
    await ctx.commit()
    return row
