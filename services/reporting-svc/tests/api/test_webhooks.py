from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from platform_shared.contracts.deviation import DeviationReported, LexSarahEscalated
from platform_shared.ids import new_id
from reporting_svc.service_layer.notifications import NOTIFICATIONS_GROUP as WEBHOOKS_GROUP
from reporting_svc.service_layer.webhooks import WebhookWorker

WEBHOOKS = "/api/v1/webhooks"
AT = datetime(2026, 3, 5, 13, 0, tzinfo=UTC)


@dataclass
class Receiver:
    """A plain HTTP server on 127.0.0.1: answers each request with the next planned status."""

    plan: list[int] = field(default_factory=list)
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {
            k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
        }
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.requests.append((headers, body))
        code = self.plan.pop(0) if self.plan else 200
        writer.write(f"HTTP/1.1 {code} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        writer.close()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    server = await asyncio.start_server(found.handle, "127.0.0.1", 0)
    found.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hooks/kvalitet"
    try:
        yield found
    finally:
        server.close()
        await server.wait_closed()


def escalated(svc: Any, unit: str = "enhet_a") -> LexSarahEscalated:
    return LexSarahEscalated(
        deviation_id=new_id(),
        reference="AVV-2026-000100",
        unit_id=svc.org.units[unit],
        degree="allvarligt_missforhallande",
        decided_by=svc.org.people["socialchef"],
        decided_at=AT,
    )


async def _subscribe(svc: Any, url: str, **extra: Any) -> dict[str, Any]:
    body = {"url": url, "event_types": ["LexSarahEscalated"], **extra}
    r = await svc.client.post(WEBHOOKS, json=body, headers=svc.org.auth("admin"))
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


def _worker(svc: Any) -> WebhookWorker:
    return WebhookWorker(svc.runtime.session_factory, svc.settings, svc.clock)


async def test_webhook_payload_is_signed_per_standard_webhooks_and_verifies(
    svc: Any, receiver: Receiver
) -> None:
    sub = await _subscribe(svc, receiver.url, description="Ärendesystem")
    assert sub["secret"].startswith("whsec_")
    event = escalated(svc)
    await svc.feed(event, group=WEBHOOKS_GROUP)
    assert await _worker(svc).tick() == 1
    ((headers, body),) = receiver.requests
    payload = Webhook(sub["secret"]).verify(body, headers)
    assert payload["type"] == "LexSarahEscalated"
    assert payload["data"]["reference"] == "AVV-2026-000100"
    assert headers["webhook-id"] == payload["id"]
    assert headers["webhook-signature"].startswith("v1,")
    assert (
        "secret"
        not in (await svc.client.get(f"{WEBHOOKS}/{sub['id']}", headers=svc.org.auth("admin"))).json()
    )


async def test_failed_deliveries_are_retried_with_backoff_then_dead_lettered_and_replayed(
    svc: Any, receiver: Receiver
) -> None:
    svc.clock.set(AT)
    sub = await _subscribe(svc, receiver.url)
    worker = _worker(svc)
    await svc.feed(escalated(svc), group=WEBHOOKS_GROUP)

    # fails, then succeeds on the retry after the backoff
    receiver.plan = [500]
    assert await worker.tick() == 0
    assert await worker.tick() == 0  # not due yet: backing off
    svc.clock.advance(timedelta(seconds=svc.settings.webhook_backoff_base_s))
    assert await worker.tick() == 1
    deliveries = f"{WEBHOOKS}/{sub['id']}/deliveries"
    (delivered,) = (await svc.client.get(deliveries, headers=svc.org.auth("admin"))).json()["items"]
    assert (delivered["status"], delivered["attempts"]) == ("delivered", 2)
    log = (await svc.client.get(f"{deliveries}/{delivered['id']}", headers=svc.org.auth("admin"))).json()[
        "log"
    ]
    assert [a["status_code"] for a in log] == [500, 200]
    assert receiver.requests[0][0]["webhook-id"] == receiver.requests[1][0]["webhook-id"]

    # a receiver that keeps failing: the delivery becomes a dead letter after the last attempt
    await svc.feed(escalated(svc), group=WEBHOOKS_GROUP)
    receiver.plan = [503] * svc.settings.webhook_max_attempts
    for _ in range(svc.settings.webhook_max_attempts):
        await worker.tick()
        svc.clock.advance(timedelta(seconds=svc.settings.webhook_backoff_max_s))
    dead = (await svc.client.get(deliveries, params={"status": "dead"}, headers=svc.org.auth("admin"))).json()
    (letter,) = dead["items"]
    assert letter["attempts"] == svc.settings.webhook_max_attempts and letter["last_status_code"] == 503
    assert await worker.tick() == 0

    replayed = await svc.client.post(f"{deliveries}/{letter['id']}/replay", headers=svc.org.auth("admin"))
    assert replayed.status_code == 200 and replayed.json()["status"] == "pending"
    assert await worker.tick() == 1
    after = (await svc.client.get(f"{deliveries}/{letter['id']}", headers=svc.org.auth("admin"))).json()
    assert after["status"] == "delivered" and len(after["log"]) == svc.settings.webhook_max_attempts + 1


async def test_subscriptions_filter_by_event_type_and_unit_and_redelivery_adds_no_delivery(
    svc: Any, receiver: Receiver
) -> None:
    sub = await _subscribe(svc, receiver.url, unit_id=str(svc.org.units["omsorg"]))
    inside, outside = escalated(svc, "enhet_a"), escalated(svc, "enhet_c")
    other_type = DeviationReported(
        deviation_id=new_id(),
        reference="AVV-2026-000101",
        unit_id=svc.org.units["enhet_a"],
        occurred_at=AT,
        reported_at=AT,
    )
    envelope = svc.envelope(inside)
    before = svc.consumer(WEBHOOKS_GROUP).processed_total
    await svc.deliver(envelope, "deviation.events", times=2)
    await svc.processed(WEBHOOKS_GROUP, before + 2)
    await svc.feed(outside, other_type, group=WEBHOOKS_GROUP)
    assert await _worker(svc).tick() == 1
    assert [json.loads(body)["data"]["reference"] for _, body in receiver.requests] == ["AVV-2026-000100"]
    assert json.loads(receiver.requests[0][1])["data"]["unit_id"] == str(svc.org.units["enhet_a"])
    items = (await svc.client.get(f"{WEBHOOKS}/{sub['id']}/deliveries", headers=svc.org.auth("admin"))).json()
    assert len(items["items"]) == 1


async def test_webhooks_are_managed_by_the_systemadministrator_with_etags(
    svc: Any, receiver: Receiver
) -> None:
    body = {"url": receiver.url, "event_types": ["LexSarahEscalated"]}
    r = await svc.client.post(WEBHOOKS, json=body, headers=svc.org.auth("socialchef"))
    assert r.status_code == 403
    r = await svc.client.post(WEBHOOKS, json={**body, "event_types": ["Nope"]}, headers=svc.org.auth("admin"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "event_types"
    sub = await _subscribe(svc, receiver.url)
    path = f"{WEBHOOKS}/{sub['id']}"
    admin = svc.org.auth("admin")
    r = await svc.client.patch(path, json={"active": False}, headers={**admin, "If-Match": '"1"'})
    assert r.status_code == 200 and r.json()["active"] is False and r.headers["etag"] == '"2"'
    r = await svc.client.patch(path, json={"active": True}, headers={**admin, "If-Match": '"1"'})
    assert r.status_code == 412
    listed = (await svc.client.get(WEBHOOKS, headers=admin)).json()
    assert [i["id"] for i in listed["items"]] == [sub["id"]]
    assert (await svc.client.delete(path, headers=admin)).status_code == 204
    assert (await svc.client.get(path, headers=admin)).status_code == 404


async def test_a_webhook_delivery_is_a_structured_cloudevent_continuing_the_events_trace(
    svc: Any, receiver: Receiver
) -> None:
    from cloudevents.core.bindings.http import HTTPMessage, from_http_event

    from platform_shared.contracts.envelope import structured_headers
    from platform_shared.messaging.transport import OutgoingMessage

    await _subscribe(svc, receiver.url)
    envelope = svc.envelope(escalated(svc))
    trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    before = svc.consumer(WEBHOOKS_GROUP).processed_total
    await svc.transport.send_batch(
        [
            OutgoingMessage(
                "deviation.events",
                envelope.subject,
                envelope.to_json(),
                structured_headers(f"00-{trace}-00f067aa0ba902b7-01"),
            )
        ]
    )
    await svc.processed(WEBHOOKS_GROUP, before + 1)
    assert await _worker(svc).tick() == 1
    ((headers, body),) = receiver.requests
    assert headers["content-type"] == "application/cloudevents+json"
    assert headers["traceparent"].split("-")[1] == trace  # the same trace, a span of its own
    event = from_http_event(HTTPMessage(headers=headers, body=body))
    assert event.get_type() == "LexSarahEscalated" and str(event.get_id()) == str(envelope.id)
