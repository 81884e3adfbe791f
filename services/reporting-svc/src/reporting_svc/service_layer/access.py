"""Who sees and does what in reporting-svc: the one place each operation's authorisation is decided.

- a report: seen by whoever may read statistics, write, review or adopt reports for its unit (an
  aggregate grant is enough: the figures are then suppressed); REPORT_WRITE edits a draft,
  REPORT_APPROVE reviews and reopens, REPORT_ADOPT adopts and records the report to the nämnd;
- a webhook subscription: WEBHOOK_MANAGE (403 without it anywhere); one for a unit is seen only by
  whoever manages webhooks for that unit; its deliveries are seen with it;
- a notification: only its recipient.

Every load runs the same sequence (platform_shared.context.RequestContext.load): visible to the caller
(else 404, worded exactly as for an unknown id) → permitted (else 403) → If-Match (else 412) → allowed
in the object's state (else 409)."""

from __future__ import annotations

import uuid

from platform_shared.access import Action
from platform_shared.errors import Forbidden, NotFound
from reporting_svc.adapters.orm import Notification, Report, WebhookDelivery, WebhookSubscription
from reporting_svc.service_layer.context import CommandCtx, Ctx

REPORT_NOT_FOUND = "Rapporten finns inte"
WEBHOOK_NOT_FOUND = "Webhook-prenumerationen finns inte"
DELIVERY_NOT_FOUND = "Leveransen finns inte"
NOTIFICATION_NOT_FOUND = "Aviseringen finns inte"

REPORT_READ_ACTIONS = (Action.STATS_READ, Action.REPORT_WRITE, Action.REPORT_APPROVE, Action.REPORT_ADOPT)


# --- reports ---------------------------------------------------------------------------------------


async def may_read_report(ctx: Ctx, unit_id: uuid.UUID) -> bool:
    principal = ctx.caller.principal
    for action in REPORT_READ_ACTIONS:
        if await ctx.caller.authz.can_aggregate(principal, action, unit_id):
            return True
    return False


async def report_readable_units(ctx: Ctx) -> set[uuid.UUID] | None:
    """The units whose reports (and kvalitetsråd) the caller may read, as `may_read_report` decides
    one by one, for filtering a list; None when she may read them everywhere."""
    principal = ctx.caller.principal
    units: set[uuid.UUID] = set()
    for action in REPORT_READ_ACTIONS:
        found = await ctx.caller.authz.aggregate_units(principal, action)
        if found is None:
            return None
        units |= found
    return units


async def readable_report(ctx: Ctx, report_id: uuid.UUID) -> Report:
    async def visible(r: Report) -> bool:
        return await may_read_report(ctx, r.unit_id)

    return await ctx.load(Report, report_id, not_found=REPORT_NOT_FOUND, visible=visible)


async def report_for(ctx: CommandCtx, report_id: uuid.UUID, action: Action) -> Report:
    """To be changed: visible (404), `action` at the report's unit (403), If-Match (412), locked."""

    async def visible(r: Report) -> bool:
        return await may_read_report(ctx, r.unit_id)

    async def permitted(r: Report) -> None:
        await ctx.caller.require(action, r.unit_id)

    return await ctx.load(
        Report,
        report_id,
        not_found=REPORT_NOT_FOUND,
        visible=visible,
        permitted=permitted,
        if_match=ctx.if_match,
        lock=True,
    )


# --- webhooks ----------------------------------------------------------------------------------------


def require_webhook_manager(ctx: Ctx) -> None:
    if not ctx.caller.principal.may(Action.WEBHOOK_MANAGE):
        raise Forbidden("Din roll ger inte behörighet att hantera webhooks")


async def _webhook(
    ctx: Ctx, subscription_id: uuid.UUID, *, if_match: int | None = None, lock: bool = False
) -> WebhookSubscription:
    require_webhook_manager(ctx)

    async def visible(row: WebhookSubscription) -> bool:
        if row.deleted_at is not None:
            return False
        return row.unit_id is None or await ctx.caller.can(Action.WEBHOOK_MANAGE, row.unit_id)

    return await ctx.load(
        WebhookSubscription,
        subscription_id,
        not_found=WEBHOOK_NOT_FOUND,
        visible=visible,
        if_match=if_match,
        lock=lock,
    )


async def webhook(ctx: Ctx, subscription_id: uuid.UUID) -> WebhookSubscription:
    """A subscription the caller manages (404 otherwise, 403 for a role that manages none)."""
    return await _webhook(ctx, subscription_id)


async def webhook_for_change(ctx: CommandCtx, subscription_id: uuid.UUID) -> WebhookSubscription:
    """To be changed: as `webhook`, then If-Match (412), locked."""
    return await _webhook(ctx, subscription_id, if_match=ctx.if_match, lock=True)


async def delivery(ctx: Ctx, subscription_id: uuid.UUID, delivery_id: uuid.UUID) -> WebhookDelivery:
    await webhook(ctx, subscription_id)
    row = await ctx.session.get(WebhookDelivery, delivery_id)
    if row is None or row.subscription_id != subscription_id:
        raise NotFound(DELIVERY_NOT_FOUND)
    return row


# --- notifications -------------------------------------------------------------------------------------


async def own_notification(ctx: Ctx, notification_id: uuid.UUID) -> Notification:
    row = await ctx.session.get(Notification, notification_id)
    if row is None or row.recipient_id != ctx.caller.id:
        raise NotFound(NOTIFICATION_NOT_FOUND)
    return row
