"""Reading webhook subscriptions (WEBHOOK_MANAGE) and their delivery log, dead letters included."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from sqlalchemy import select

from platform_shared.pagination import PageRequest, page_by_id
from reporting_svc.adapters.orm import WebhookAttempt, WebhookDelivery, WebhookSubscription
from reporting_svc.service_layer import access
from reporting_svc.service_layer.context import Ctx, QueryCtx

DeliveryState = Literal["pending", "delivered", "dead"]


async def subscriptions(ctx: QueryCtx, page: PageRequest) -> tuple[list[WebhookSubscription], str | None]:
    access.require_webhook_manager(ctx)
    stmt = select(WebhookSubscription).where(WebhookSubscription.deleted_at.is_(None))
    return await page_by_id(ctx.session, stmt, WebhookSubscription.id, page.cursor, page.limit)


async def subscription(ctx: QueryCtx, subscription_id: uuid.UUID) -> WebhookSubscription:
    return await access.webhook(ctx, subscription_id)


def view(row: WebhookSubscription, *, with_secret: bool = False) -> dict[str, Any]:
    """The read model; the signing secret only right after it was made."""
    found = {
        "id": row.id,
        "url": row.url,
        "description": row.description,
        "event_types": list(row.event_types),
        "unit_id": row.unit_id,
        "active": row.active,
        "version": row.version,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }
    return {**found, "secret": row.secret} if with_secret else found


async def deliveries(
    ctx: QueryCtx, subscription_id: uuid.UUID, state: DeliveryState | None, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    await access.webhook(ctx, subscription_id)
    stmt = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    if state is not None:
        stmt = stmt.where(WebhookDelivery.status == state)
    rows, next_cursor = await page_by_id(ctx.session, stmt, WebhookDelivery.id, page.cursor, page.limit)
    return [delivery_view(r) for r in rows], next_cursor


async def delivery(ctx: QueryCtx, subscription_id: uuid.UUID, delivery_id: uuid.UUID) -> dict[str, Any]:
    row = await access.delivery(ctx, subscription_id, delivery_id)
    return await delivery_with_log(ctx, row)


async def delivery_with_log(ctx: Ctx, row: WebhookDelivery) -> dict[str, Any]:
    a = WebhookAttempt
    log = (await ctx.session.scalars(select(a).where(a.delivery_id == row.id).order_by(a.id))).all()
    return delivery_view(row, list(log))


def delivery_view(row: WebhookDelivery, log: list[WebhookAttempt] | None = None) -> dict[str, Any]:
    return {
        "id": row.id,
        "subscription_id": row.subscription_id,
        "event_id": row.event_id,
        "event_type": row.event_type,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at,
        "last_status_code": row.last_status_code,
        "last_error": row.last_error,
        "created_at": row.created_at,
        "delivered_at": row.delivered_at,
        "dead_at": row.dead_at,
        "log": [
            {
                "attempted_at": x.attempted_at,
                "status_code": x.status_code,
                "error": x.error,
                "duration_ms": x.duration_ms,
            }
            for x in log or []
        ],
    }
