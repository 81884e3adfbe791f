"""Webhook receivers: internal addresses are refused when subscribing and when delivering (after DNS
resolution, also when DNS answers differently the second time); the delivery log keeps outcomes, never
what a refused address would have answered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from platform_shared import outbound_http
from platform_shared.contracts.deviation import LexSarahEscalated
from platform_shared.ids import new_id
from reporting_svc.service_layer.notifications import NOTIFICATIONS_GROUP
from reporting_svc.service_layer.webhooks import WebhookWorker

WEBHOOKS = "/api/v1/webhooks"
AT = datetime(2026, 3, 5, 13, 0, tzinfo=UTC)


class Dns:
    """The resolver the services use, answering from a script: one list of addresses per lookup."""

    def __init__(self) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.asked: list[str] = []

    async def resolve(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        plan = self.answers[host]
        return plan.pop(0) if len(plan) > 1 else plan[0]


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[Dns]:
    found = Dns()
    monkeypatch.setattr(outbound_http, "system_resolver", found.resolve)
    yield found


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[int, list[bytes]]]:
    """A plain HTTP receiver on 127.0.0.1 (allow-listed in the tests' settings): (port, requests)."""
    requests: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            ),
            0,
        )
        requests.append(head + await reader.readexactly(length))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1], requests
    finally:
        server.close()
        await server.wait_closed()


def escalated(svc: Any) -> LexSarahEscalated:
    return LexSarahEscalated(
        deviation_id=new_id(),
        reference="AVV-2026-000200",
        unit_id=svc.org.units["enhet_a"],
        degree="allvarligt_missforhallande",
        decided_by=svc.org.people["socialchef"],
        decided_at=AT,
    )


async def subscribe(svc: Any, url: str) -> Any:
    return await svc.client.post(
        WEBHOOKS, json={"url": url, "event_types": ["LexSarahEscalated"]}, headers=svc.org.auth("admin")
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.2/hook",  # loopback (127.0.0.1 alone is allow-listed for these tests)
        "http://2130706434/hook",  # 127.0.0.2 written as a decimal number
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.2]/hook",
        "http://10.0.0.1/hook",
        "http://192.168.1.10:8080/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/hook",
        "http://224.0.0.1/hook",
        "http://0.0.0.0/hook",
    ],
)
async def test_subscribing_an_internal_address_is_refused(svc: Any, url: str) -> None:
    r = await subscribe(svc, url)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "url"


async def test_a_host_name_resolving_to_an_internal_address_is_refused_when_subscribing(
    svc: Any, dns: Dns
) -> None:
    dns.answers["intranet.kommun.local"] = [["10.1.2.3"]]
    r = await subscribe(svc, "https://intranet.kommun.local/hook")
    assert r.status_code == 422 and "privat" in r.json()["errors"][0]["message"]


async def test_dns_rebinding_to_an_internal_address_is_refused_at_delivery_and_the_log_keeps_no_answer(
    svc: Any, dns: Dns, receiver: tuple[int, list[bytes]]
) -> None:
    port, requests = receiver
    # public when subscribing; the receiver's own address (refused) when the delivery is made
    dns.answers["hooks.example.se"] = [["93.184.216.34"], ["127.0.0.2"]]
    r = await subscribe(svc, f"http://hooks.example.se:{port}/hook")
    assert r.status_code == 201, r.text
    await svc.feed(escalated(svc), group=NOTIFICATIONS_GROUP)
    assert await WebhookWorker(svc.runtime.session_factory, svc.settings, svc.clock).tick() == 0
    assert requests == []
    deliveries = f"{WEBHOOKS}/{r.json()['id']}/deliveries"
    (delivery,) = (await svc.client.get(deliveries, headers=svc.org.auth("admin"))).json()["items"]
    assert delivery["last_status_code"] is None
    assert delivery["last_error"].startswith("Skickades inte: Mottagarens adress är en loopback-adress")
    (attempt,) = (
        await svc.client.get(f"{deliveries}/{delivery['id']}", headers=svc.org.auth("admin"))
    ).json()["log"]
    assert attempt["status_code"] is None


async def test_a_delivery_connects_to_the_address_checked_with_the_receivers_host_name(
    svc: Any, dns: Dns, receiver: tuple[int, list[bytes]]
) -> None:
    port, requests = receiver
    dns.answers["hooks.example.se"] = [["93.184.216.34"], ["127.0.0.1"], ["169.254.169.254"]]
    r = await subscribe(svc, f"http://hooks.example.se:{port}/hook")
    assert r.status_code == 201
    worker = WebhookWorker(svc.runtime.session_factory, svc.settings, svc.clock)
    await svc.feed(escalated(svc), group=NOTIFICATIONS_GROUP)
    assert await worker.tick() == 1  # resolved once, to the allow-listed 127.0.0.1, and sent there
    (sent,) = requests
    assert f"host: hooks.example.se:{port}".encode() in sent.lower()
    await svc.feed(escalated(svc), group=NOTIFICATIONS_GROUP)
    assert await worker.tick() == 0  # now the name points at the metadata service: not sent
    assert len(requests) == 1
    assert dns.asked.count("hooks.example.se") == 3
