"""Outbound webhooks: the outbound (notification) group turns each event into one delivery per matching
subscription (unique per subscription and event, so redelivery adds none); the worker posts them signed per
Standard Webhooks, retries with backoff, and keeps every attempt as the delivery log. A delivery out
of attempts is a dead letter; replay puts it back in the queue."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta

import httpx
import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from platform_shared import metrics, outbound_http, tracing
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.registry import REGISTRY
from platform_shared.contracts.topics import DEVIATION_EVENTS, RISK_EVENTS
from platform_shared.errors import FieldError, ValidationFailed
from platform_shared.ids import new_id
from platform_shared.messaging.consumer import EventConsumer, Handler
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.orgreplica.tables import ReplicaTables
from platform_shared.outbound_http import PinnedTransport, RefusedAddress, checked_addresses
from platform_shared.runtime import ServiceRuntime
from platform_shared.sqlutil import insert_ignore
from platform_shared.timeutil import Clock
from reporting_svc.adapters.orm import WebhookAttempt, WebhookDelivery, WebhookSubscription, webhook_delivery
from reporting_svc.config import ReportingSettings
from reporting_svc.domain.webhooks import (
    DeliveryStatus,
    Subscription,
    delivered,
    next_attempt_at,
    signed_headers,
    wants,
)

log = structlog.get_logger(__name__)

WEBHOOK_TOPICS = (DEVIATION_EVENTS, RISK_EVENTS)
LEASE = timedelta(minutes=2)
RESOLVE_TIMEOUT_S = 2.0

# Event types a subscription may name: every event of deviation-svc and risk-svc (org events carry
# staff names and e-mail addresses and stay inside the services).
WEBHOOK_EVENT_TYPES: tuple[str, ...] = tuple(
    sorted(
        {model.event_type for model in REGISTRY.values() if model.topic in (*WEBHOOK_TOPICS, "")}
        - {"AuditRecorded"}
    )
)


def to_subscription(row: WebhookSubscription) -> Subscription:
    return Subscription(
        id=row.id,
        event_types=frozenset(row.event_types),
        unit_id=row.unit_id,
        active=row.active and row.deleted_at is None,
    )


class OutboundHandlers(Mapping[str, Handler]):
    """The handlers of the outbound group: the notification routing, plus the webhook enqueue for each
    event type an active subscription names. An event nobody is told of and nobody subscribed to
    costs no transaction. Until the first refresh every webhook type is handled (the enqueue checks
    the subscriptions itself); afterwards the set is refreshed by a worker, and at once by the API
    when a subscription changes."""

    def __init__(self, notifications: Mapping[str, Handler], enqueue: Handler) -> None:
        self._notifications = notifications
        self._enqueue = enqueue
        self._types: frozenset[str] | None = None

    def _subscribed(self, event_type: str) -> bool:
        return event_type in (WEBHOOK_EVENT_TYPES if self._types is None else self._types)

    def __getitem__(self, event_type: str) -> Handler:
        notify = self._notifications.get(event_type)
        if not self._subscribed(event_type):
            if notify is None:
                raise KeyError(event_type)
            return notify
        if notify is None:
            return self._enqueue
        enqueue = self._enqueue

        async def both(uow: UnitOfWork, envelope: EventEnvelope, event: EventPayload) -> None:
            await notify(uow, envelope, event)
            await enqueue(uow, envelope, event)

        return both

    def __iter__(self) -> Iterator[str]:
        return iter(
            sorted(
                set(self._notifications) | set(WEBHOOK_EVENT_TYPES if self._types is None else self._types)
            )
        )

    def __len__(self) -> int:
        return len(list(iter(self)))

    async def refresh(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        async with session_factory() as session:
            rows = await session.scalars(
                select(WebhookSubscription.event_types).where(
                    WebhookSubscription.active.is_(True), WebhookSubscription.deleted_at.is_(None)
                )
            )
            self._types = frozenset(t for types in rows.all() for t in types)


def outbound_handlers(consumers: Sequence[EventConsumer]) -> OutboundHandlers | None:
    for consumer in consumers:
        if isinstance(consumer.spec.handlers, OutboundHandlers):
            return consumer.spec.handlers
    return None


async def refresh_subscribed_types(runtime: ServiceRuntime) -> None:
    found = outbound_handlers(runtime.consumers)
    if found is not None:
        await found.refresh(runtime.session_factory)


def webhook_enqueue(replica: ReplicaTables) -> Handler:
    """One delivery per matching subscription and event (unique: a redelivered event adds none)."""

    async def enqueue(uow: UnitOfWork, envelope: EventEnvelope, event: EventPayload) -> None:
        rows = (
            await uow.session.scalars(
                select(WebhookSubscription).where(
                    WebhookSubscription.active.is_(True), WebhookSubscription.deleted_at.is_(None)
                )
            )
        ).all()
        candidates = [r for r in rows if envelope.type in r.event_types]
        if not candidates:
            return
        unit_id = getattr(event, "unit_id", None)
        ancestry = (
            await OrgDirectory(uow.session, replica).ancestors_and_self(unit_id)
            if isinstance(unit_id, uuid.UUID)
            else None
        )
        now = uow.clock()
        body = envelope.to_json()
        for row in candidates:
            if wants(to_subscription(row), envelope.type, ancestry):
                await insert_ignore(
                    uow.session,
                    webhook_delivery,
                    {
                        "id": new_id(),
                        "subscription_id": row.id,
                        "event_id": envelope.id,
                        "event_type": envelope.type,
                        "body": body,
                        "traceparent": tracing.current_traceparent(),
                        "status": DeliveryStatus.PENDING.value,
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                    },
                )

    return enqueue


def receiver_client(settings: ReportingSettings) -> httpx.AsyncClient:
    """Posts to public addresses only (or the allow-listed internal ones), to the address checked,
    never following a redirect."""
    transport = PinnedTransport(settings.receiver_policy, resolver=outbound_http.system_resolver)
    client = httpx.AsyncClient(
        timeout=settings.webhook_timeout_s, follow_redirects=False, transport=transport
    )
    return tracing.instrument_http_client(client, "reporting")


async def check_receiver_url(url: str, settings: ReportingSettings) -> None:
    """At subscription: a receiver whose address is not public (nor allow-listed) is refused with a
    422; a name that does not resolve yet is accepted (each delivery checks again)."""
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_S):
            await checked_addresses(
                parsed.host, port, settings.receiver_policy, outbound_http.system_resolver
            )
    except RefusedAddress as exc:
        raise ValidationFailed(str(exc), errors=[FieldError("url", str(exc))]) from exc
    except (httpx.HTTPError, TimeoutError):
        return


def queue_replay(delivery: WebhookDelivery, now: datetime) -> None:
    """Send a delivery again (a dead letter, or one already delivered) with a fresh retry schedule."""
    delivery.status = DeliveryStatus.PENDING.value
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.lease_until = None
    delivery.dead_at = None


class WebhookWorker:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        settings: ReportingSettings,
        clock: Clock,
        client_factory: Callable[[], httpx.AsyncClient] | None = None,
    ) -> None:
        self._factory = session_factory
        self._settings = settings
        self._clock = clock
        self._client_factory = client_factory or (lambda: receiver_client(settings))
        self._attempts = metrics.counter(
            "reporting_webhook_attempts_total",
            "Webhook delivery attempts by outcome: delivered, failed (retried later), dead (no more tries)",
            ("outcome",),
        )

    async def _claim(self, limit: int = 50) -> list[tuple[WebhookDelivery, WebhookSubscription | None]]:
        now = self._clock()
        d = WebhookDelivery
        claimed: list[tuple[WebhookDelivery, WebhookSubscription | None]] = []
        async with self._factory() as session, session.begin():
            due = (
                await session.scalars(
                    select(d)
                    .where(
                        d.status == DeliveryStatus.PENDING.value,
                        d.next_attempt_at <= now,
                        or_(d.lease_until.is_(None), d.lease_until < now),
                    )
                    .order_by(d.next_attempt_at, d.id)
                    .limit(limit)
                )
            ).all()
            for delivery in due:
                result = await session.execute(
                    update(d)
                    .where(d.id == delivery.id, or_(d.lease_until.is_(None), d.lease_until < now))
                    .values(lease_until=now + LEASE)
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount:  # type: ignore[attr-defined]
                    claimed.append(
                        (delivery, await session.get(WebhookSubscription, delivery.subscription_id))
                    )
        return claimed

    async def tick(self) -> int:
        """Attempt every due delivery once; returns how many were delivered."""
        claimed = await self._claim()
        if not claimed:
            return 0
        done = 0
        async with self._client_factory() as client:
            for delivery, subscription in claimed:
                done += await self._attempt(client, delivery, subscription)
        return done

    async def _attempt(
        self, client: httpx.AsyncClient, delivery: WebhookDelivery, subscription: WebhookSubscription | None
    ) -> int:
        now = self._clock()
        status_code: int | None = None
        error: str | None = None
        started = time.perf_counter()
        if subscription is None or not to_subscription(subscription).active:
            error = "the subscription is deleted or inactive"
        else:
            headers = signed_headers(
                subscription.secret, str(delivery.event_id), now, delivery.body, delivery.traceparent
            )
            try:
                # In the trace of the event's cause: the call's own span and traceparent continue it.
                with tracing.continued(headers):
                    response = await client.post(subscription.url, content=delivery.body, headers=headers)
                status_code = response.status_code
                if not delivered(status_code):
                    error = f"HTTP {status_code}"
            except RefusedAddress as exc:
                error = f"Skickades inte: {exc}"  # never called, so there is no answer to keep
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:2000]
        duration_ms = (time.perf_counter() - started) * 1000
        attempts = delivery.attempts + 1
        values: dict[str, object] = {
            "attempts": attempts,
            "lease_until": None,
            "last_status_code": status_code,
            "last_error": error,
        }
        outcome = "delivered"
        if error is None:
            values |= {"status": DeliveryStatus.DELIVERED.value, "delivered_at": now, "next_attempt_at": None}
        else:
            outcome = "failed"
            retry = next_attempt_at(
                attempts,
                now,
                max_attempts=self._settings.webhook_max_attempts,
                base_s=self._settings.webhook_backoff_base_s,
                cap_s=self._settings.webhook_backoff_max_s,
            )
            if retry is None or subscription is None:
                values |= {"status": DeliveryStatus.DEAD.value, "dead_at": now, "next_attempt_at": None}
                outcome = "dead"
                log.warning("webhook delivery is a dead letter", delivery_id=str(delivery.id), error=error)
            else:
                values["next_attempt_at"] = retry
        async with self._factory() as session, session.begin():
            await session.execute(
                update(WebhookDelivery).where(WebhookDelivery.id == delivery.id).values(**values)
            )
            session.add(
                WebhookAttempt(
                    id=new_id(),
                    delivery_id=delivery.id,
                    attempted_at=now,
                    status_code=status_code,
                    error=error,
                    duration_ms=round(duration_ms, 1),
                )
            )
        self._attempts.labels(outcome).inc()
        return 1 if error is None else 0
