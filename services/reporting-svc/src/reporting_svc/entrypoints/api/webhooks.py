"""/api/v1/webhooks: subscriptions for external workflows and case systems, their delivery log, dead
letters and replay (Action.WEBHOOK_MANAGE)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response, status
from sqlalchemy import select

from platform_shared.access import Action
from platform_shared.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, page_by_id
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.errors import Forbidden, NotFound, PreconditionFailed
from platform_shared.ids import new_id
from reporting_svc.adapters.orm import WebhookAttempt, WebhookDelivery, WebhookSubscription
from reporting_svc.domain.webhooks import check_event_types, new_secret
from reporting_svc.entrypoints.api.deps import Context, ContextDep
from reporting_svc.entrypoints.api.schemas import (
    WebhookAttemptRead,
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryPage,
    WebhookDeliveryRead,
    WebhookPage,
    WebhookPatch,
    WebhookRead,
)
from reporting_svc.service_layer.errors import domain_rules
from reporting_svc.service_layer.scope import require_unit
from reporting_svc.service_layer.webhooks import (
    WEBHOOK_EVENT_TYPES,
    check_receiver_url,
    queue_replay,
    refresh_subscribed_types,
)

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"], responses=PROBLEM_RESPONSES)
IfMatch = Annotated[str | None, Header(description="The subscription's ETag; 412 when it has changed")]


def _require_manager(ctx: Context) -> None:
    if not ctx.principal.may(Action.WEBHOOK_MANAGE):
        raise Forbidden("Din roll ger inte behörighet att hantera webhooks")


async def _check_unit(ctx: Context, unit_id: uuid.UUID | None) -> None:
    if unit_id is not None:
        await require_unit(ctx.directory, unit_id)
        await ctx.authz.require(ctx.principal, Action.WEBHOOK_MANAGE, unit_id)


async def _visible(ctx: Context, subscription_id: uuid.UUID) -> WebhookSubscription:
    _require_manager(ctx)
    row = await ctx.session.get(WebhookSubscription, subscription_id)
    if row is None or row.deleted_at is not None:
        raise NotFound("Webhook subscription not found")
    if row.unit_id is not None and not await ctx.authz.can(ctx.principal, Action.WEBHOOK_MANAGE, row.unit_id):
        raise NotFound("Webhook subscription not found")
    return row


def _read(row: WebhookSubscription, response: Response | None = None) -> WebhookRead:
    if response is not None:
        response.headers["ETag"] = f'"{row.version}"'
    return WebhookRead(
        id=row.id,
        url=row.url,
        description=row.description,
        event_types=list(row.event_types),
        unit_id=row.unit_id,
        active=row.active,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _delivery(row: WebhookDelivery, log: list[WebhookAttempt] | None = None) -> WebhookDeliveryRead:
    return WebhookDeliveryRead(
        id=row.id,
        subscription_id=row.subscription_id,
        event_id=row.event_id,
        event_type=row.event_type,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
        dead_at=row.dead_at,
        log=[WebhookAttemptRead.model_validate(a) for a in log or []],
    )


@router.post("", status_code=status.HTTP_201_CREATED, summary="Subscribe a URL to event types (and a unit)")
async def create_webhook(body: WebhookCreate, ctx: ContextDep, response: Response) -> WebhookCreated:
    _require_manager(ctx)
    await _check_unit(ctx, body.unit_id)
    with domain_rules():
        types = check_event_types(body.event_types, WEBHOOK_EVENT_TYPES)
    await check_receiver_url(str(body.url), ctx.settings)
    now = ctx.runtime.clock()
    row = WebhookSubscription(
        id=new_id(),
        url=str(body.url),
        description=body.description,
        event_types=sorted(types),
        unit_id=body.unit_id,
        secret=new_secret(),
        active=True,
        version=1,
        created_by=ctx.principal.person_id,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(row)
    await ctx.session.commit()
    await refresh_subscribed_types(ctx.runtime)
    return WebhookCreated(**_read(row, response).model_dump(), secret=row.secret)


@router.get("", summary="Webhook subscriptions")
async def list_webhooks(
    ctx: ContextDep,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> WebhookPage:
    _require_manager(ctx)
    stmt = select(WebhookSubscription).where(WebhookSubscription.deleted_at.is_(None))
    rows, next_cursor = await page_by_id(ctx.session, stmt, WebhookSubscription.id, cursor, limit)
    return WebhookPage(items=[_read(r) for r in rows], next_cursor=next_cursor)


@router.get("/{subscription_id}", summary="One webhook subscription")
async def get_webhook(subscription_id: uuid.UUID, ctx: ContextDep, response: Response) -> WebhookRead:
    return _read(await _visible(ctx, subscription_id), response)


@router.patch("/{subscription_id}", summary="Change a subscription's URL, event types, unit or active flag")
async def patch_webhook(
    subscription_id: uuid.UUID,
    body: WebhookPatch,
    ctx: ContextDep,
    response: Response,
    if_match: IfMatch = None,
) -> WebhookRead:
    row = await _visible(ctx, subscription_id)
    if if_match is not None and if_match.strip('"') != str(row.version):
        raise PreconditionFailed("The subscription has changed since it was read")
    given = body.model_dump(exclude_unset=True)
    if "unit_id" in given:
        await _check_unit(ctx, body.unit_id)
        row.unit_id = body.unit_id
    if body.event_types is not None:
        with domain_rules():
            row.event_types = sorted(check_event_types(body.event_types, WEBHOOK_EVENT_TYPES))
    if body.url is not None:
        await check_receiver_url(str(body.url), ctx.settings)
        row.url = str(body.url)
    if "description" in given:
        row.description = body.description
    if body.active is not None:
        row.active = body.active
    row.version += 1
    row.updated_at = ctx.runtime.clock()
    await ctx.session.commit()
    await refresh_subscribed_types(ctx.runtime)
    return _read(row, response)


@router.delete("/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a subscription")
async def delete_webhook(subscription_id: uuid.UUID, ctx: ContextDep, if_match: IfMatch = None) -> Response:
    row = await _visible(ctx, subscription_id)
    if if_match is not None and if_match.strip('"') != str(row.version):
        raise PreconditionFailed("The subscription has changed since it was read")
    row.deleted_at = ctx.runtime.clock()
    row.active = False
    row.version += 1
    await ctx.session.commit()
    await refresh_subscribed_types(ctx.runtime)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{subscription_id}/rotate-secret", summary="Replace the signing secret (shown once)")
async def rotate_secret(subscription_id: uuid.UUID, ctx: ContextDep, response: Response) -> WebhookCreated:
    row = await _visible(ctx, subscription_id)
    row.secret = new_secret()
    row.version += 1
    row.updated_at = ctx.runtime.clock()
    await ctx.session.commit()
    return WebhookCreated(**_read(row, response).model_dump(), secret=row.secret)


@router.get("/{subscription_id}/deliveries", summary="The delivery log; status=dead lists the dead letters")
async def list_deliveries(
    subscription_id: uuid.UUID,
    ctx: ContextDep,
    status_: Annotated[Literal["pending", "delivered", "dead"] | None, Query(alias="status")] = None,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> WebhookDeliveryPage:
    await _visible(ctx, subscription_id)
    stmt = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    if status_ is not None:
        stmt = stmt.where(WebhookDelivery.status == status_)
    rows, next_cursor = await page_by_id(ctx.session, stmt, WebhookDelivery.id, cursor, limit)
    return WebhookDeliveryPage(items=[_delivery(r) for r in rows], next_cursor=next_cursor)


async def _visible_delivery(
    ctx: Context, subscription_id: uuid.UUID, delivery_id: uuid.UUID
) -> WebhookDelivery:
    await _visible(ctx, subscription_id)
    row = await ctx.session.get(WebhookDelivery, delivery_id)
    if row is None or row.subscription_id != subscription_id:
        raise NotFound("Delivery not found")
    return row


async def _log(ctx: Context, delivery_id: uuid.UUID) -> list[WebhookAttempt]:
    a = WebhookAttempt
    return list(
        (await ctx.session.scalars(select(a).where(a.delivery_id == delivery_id).order_by(a.id))).all()
    )


@router.get("/{subscription_id}/deliveries/{delivery_id}", summary="One delivery with every attempt")
async def get_delivery(
    subscription_id: uuid.UUID, delivery_id: uuid.UUID, ctx: ContextDep
) -> WebhookDeliveryRead:
    row = await _visible_delivery(ctx, subscription_id, delivery_id)
    return _delivery(row, await _log(ctx, delivery_id))


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/replay",
    summary="Send a delivery again (a dead letter, or one already delivered); same webhook-id",
)
async def replay_delivery(
    subscription_id: uuid.UUID, delivery_id: uuid.UUID, ctx: ContextDep
) -> WebhookDeliveryRead:
    row = await _visible_delivery(ctx, subscription_id, delivery_id)
    queue_replay(row, ctx.runtime.clock())
    await ctx.session.commit()
    return _delivery(row, await _log(ctx, delivery_id))
