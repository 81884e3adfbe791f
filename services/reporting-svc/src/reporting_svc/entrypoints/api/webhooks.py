"""/api/v1/webhooks: subscriptions for external workflows and case systems, their delivery log, dead
letters and replay (Action.WEBHOOK_MANAGE). If-Match names the subscription's ETag."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status
from fastapi import Query as Param

from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from reporting_svc.entrypoints.api.deps import Command, Query
from reporting_svc.entrypoints.api.schemas import (
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryPage,
    WebhookDeliveryRead,
    WebhookPage,
    WebhookPatch,
    WebhookRead,
)
from reporting_svc.service_layer.webhooks import commands, queries

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"], responses=PROBLEM_RESPONSES)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Subscribe a URL to event types (and a unit)")
async def create_webhook(body: WebhookCreate, ctx: Command, response: Response) -> WebhookCreated:
    cmd = commands.Subscribe(str(body.url), body.event_types, body.unit_id, body.description)
    created = await commands.subscribe(ctx, cmd)
    response.status_code = created.status
    return with_etag(response, WebhookCreated.model_validate(queries.view(created.value, with_secret=True)))


@router.get("", summary="Webhook subscriptions")
async def list_webhooks(ctx: Query, page: PageDep) -> WebhookPage:
    rows, next_cursor = await queries.subscriptions(ctx, page)
    return WebhookPage(
        items=[WebhookRead.model_validate(queries.view(r)) for r in rows], next_cursor=next_cursor
    )


@router.get("/{subscription_id}", summary="One webhook subscription")
async def get_webhook(subscription_id: uuid.UUID, ctx: Query, response: Response) -> WebhookRead:
    row = await queries.subscription(ctx, subscription_id)
    return with_etag(response, WebhookRead.model_validate(queries.view(row)))


@router.patch("/{subscription_id}", summary="Change a subscription's URL, event types, unit or active flag")
async def patch_webhook(
    subscription_id: uuid.UUID, body: WebhookPatch, ctx: Command, response: Response
) -> WebhookRead:
    cmd = commands.ChangeSubscription(subscription_id, body.model_dump(exclude_unset=True))
    row = await commands.change(ctx, cmd)
    return with_etag(response, WebhookRead.model_validate(queries.view(row)))


@router.delete("/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a subscription")
async def delete_webhook(subscription_id: uuid.UUID, ctx: Command) -> Response:
    await commands.remove(ctx, commands.RemoveSubscription(subscription_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{subscription_id}/rotate-secret", summary="Replace the signing secret (shown once)")
async def rotate_secret(subscription_id: uuid.UUID, ctx: Command, response: Response) -> WebhookCreated:
    row = await commands.rotate_secret(ctx, commands.RotateSecret(subscription_id))
    return with_etag(response, WebhookCreated.model_validate(queries.view(row, with_secret=True)))


@router.get("/{subscription_id}/deliveries", summary="The delivery log; status=dead lists the dead letters")
async def list_deliveries(
    subscription_id: uuid.UUID,
    ctx: Query,
    page: PageDep,
    status_: Annotated[queries.DeliveryState | None, Param(alias="status")] = None,
) -> WebhookDeliveryPage:
    rows, next_cursor = await queries.deliveries(ctx, subscription_id, status_, page)
    items = [WebhookDeliveryRead.model_validate(r) for r in rows]
    return WebhookDeliveryPage(items=items, next_cursor=next_cursor)


@router.get("/{subscription_id}/deliveries/{delivery_id}", summary="One delivery with every attempt")
async def get_delivery(subscription_id: uuid.UUID, delivery_id: uuid.UUID, ctx: Query) -> WebhookDeliveryRead:
    return WebhookDeliveryRead.model_validate(await queries.delivery(ctx, subscription_id, delivery_id))


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/replay",
    summary="Send a delivery again (a dead letter, or one already delivered); same webhook-id",
)
async def replay_delivery(
    subscription_id: uuid.UUID, delivery_id: uuid.UUID, ctx: Command
) -> WebhookDeliveryRead:
    row = await commands.replay(ctx, commands.Replay(subscription_id, delivery_id))
    return WebhookDeliveryRead.model_validate(await queries.delivery_with_log(ctx, row))
