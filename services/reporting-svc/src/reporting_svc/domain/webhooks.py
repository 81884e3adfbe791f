"""Outbound webhooks: which subscription gets which event, the Standard Webhooks signature
(https://www.standardwebhooks.com: HMAC-SHA256 over "<id>.<timestamp>.<body>", headers webhook-id,
webhook-timestamp and webhook-signature "v1,<base64>", secrets "whsec_<base64>"), and the retry
schedule with its dead letter."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from reporting_svc.domain.model import RuleViolation

SECRET_PREFIX = "whsec_"
CLOUDEVENTS_JSON = "application/cloudevents+json"
SECRET_BYTES = 32


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    DELIVERED = "delivered"
    DEAD = "dead"  # gave up after the last attempt: a dead letter, replayable


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise RuleViolation("En webhook-hemlighet börjar med 'whsec_'", "secret")
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The webhook-signature header value: "v1," + base64(HMAC-SHA256(key, id.timestamp.body))."""
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(
    secret: str, message_id: str, at: datetime, body: bytes, traceparent: str | None = None
) -> dict[str, str]:
    """The body is the event in CloudEvents structured mode (HTTP binding): its content type says
    so, and the W3C traceparent continues the trace of what caused the event."""
    timestamp = int(at.timestamp())
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
        "content-type": CLOUDEVENTS_JSON,
    }
    if traceparent:
        headers["traceparent"] = traceparent
    return headers


def next_attempt_at(
    attempts: int, now: datetime, *, max_attempts: int, base_s: float, cap_s: float
) -> datetime | None:
    """After the `attempts`-th failed attempt: when to try again (exponential backoff, base × 2^(n-1),
    capped), or None when the delivery becomes a dead letter."""
    if attempts >= max_attempts:
        return None
    return now + timedelta(seconds=min(cap_s, base_s * 2 ** (attempts - 1)))


def delivered(status_code: int) -> bool:
    """Any 2xx answer is a delivery; everything else (and no answer) is retried."""
    return 200 <= status_code < 300


@dataclass(frozen=True)
class Subscription:
    id: uuid.UUID
    event_types: frozenset[str]
    unit_id: uuid.UUID | None  # None: every unit
    active: bool


def wants(subscription: Subscription, event_type: str, unit_ancestry: Collection[uuid.UUID] | None) -> bool:
    """Subscribed to the type, and (when it names a unit) the event's unit is that unit or below it.
    An event without a unit only reaches subscriptions without one."""
    if not subscription.active or event_type not in subscription.event_types:
        return False
    if subscription.unit_id is None:
        return True
    return unit_ancestry is not None and subscription.unit_id in unit_ancestry


def check_event_types(requested: Iterable[str], known: Collection[str]) -> frozenset[str]:
    types = frozenset(requested)
    if not types:
        raise RuleViolation("Prenumerera på minst en händelsetyp", "event_types")
    unknown = sorted(types - set(known))
    if unknown:
        raise RuleViolation(f"Okända händelsetyper: {', '.join(unknown)}", "event_types")
    return types


def check_url(url: str) -> None:
    if not (url.startswith("https://") or url.startswith("http://")):
        raise RuleViolation("Adressen ska börja med http:// eller https://", "url")
