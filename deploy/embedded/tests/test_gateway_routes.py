"""The embedded gateway sends each public path prefix to the service that owns it."""

from __future__ import annotations

import httpx
import pytest

from embedded_runner.gateway import owner_of
from embedded_runner.proxy import ProxyGateway


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/api/v1/org/units", "org"),
        ("/api/v1/deviations/123/receive", "deviation"),
        ("/api/v1/complaints", "deviation"),
        ("/api/v1/improvement-proposals/123/assess", "deviation"),
        ("/api/v1/data-breaches", "deviation"),
        ("/api/v1/risk/risks", "risk"),
        ("/api/v1/reports/deviations/summary", "reporting"),
        ("/api/v1/notifications", "reporting"),
        ("/api/v1/dashboard", "reporting"),
        ("/api/v1/webhooks", "reporting"),
        ("/api/v1/webhooks/1/deliveries", "reporting"),
        ("/asyncapi.json", None),
        ("/api/v1/organisation", None),
    ],
)
def test_every_public_prefix_including_webhooks_is_routed_to_its_owner(
    path: str, service: str | None
) -> None:
    assert owner_of(path) == service


async def test_the_distributed_proxy_answers_an_unreachable_owner_with_a_503_problem() -> None:
    proxy = ProxyGateway({"deviation": "http://127.0.0.1:9"})  # the discard port: nothing listens
    async with (
        proxy.front.router.lifespan_context(proxy.front),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=proxy), base_url="http://gateway") as client,
    ):
        answer = await client.get("/api/v1/deviations")
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json() == {
        "type": "/problems/service-unavailable",
        "title": "Tjänsten svarar inte",
        "status": 503,
        "detail": "Tjänsten som äger sökvägen går inte att nå",
    }
