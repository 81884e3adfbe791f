"""The metrics operators use, as Prometheus scrapes them: request latency per route template and
status, the connection pool, the outbox backlog, open dead letters, missed deadlines; names per the
Prometheus conventions (no gauge named like a counter's or a histogram's series)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from deviation_svc.app import build_runtime
from deviation_svc.config import DeviationSettings
from platform_shared.auth.tokens import DevTokens
from platform_shared.messaging.local import LocalTransport
from platform_shared.service_metrics import BacklogGauges
from platform_shared.testing import feed_org, running_service, standard_org

RESERVED_SUFFIXES = ("_total", "_count", "_sum", "_bucket", "_created", "_info")


async def _scrape(client: httpx.AsyncClient) -> dict[str, Any]:
    text = (await client.get("/metrics")).text
    return {family.name: family for family in text_string_to_metric_families(text)}


def _value(families: dict[str, Any], sample_name: str, **labels: str) -> float:
    for family in families.values():
        for sample in family.samples:
            if sample.name == sample_name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    raise AssertionError(f"no sample {sample_name} {labels}")


async def test_requests_are_counted_and_timed_per_route_template_and_status_and_the_plumbing_is_watched(
    tmp_path: Path,
) -> None:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    settings = DeviationSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'deviation.sqlite'}", dev_key_dir=str(tmp_path)
    )
    runtime = build_runtime(settings, transport=transport)
    org = standard_org(DevTokens(tmp_path))
    try:
        async with running_service(runtime) as client:
            await feed_org(runtime, org)
            body = {
                "type": "avvikelse",
                "unit_id": str(org.units["enhet_a"]),
                "occurred_at": "2026-03-02T08:15:00+01:00",
                "description": "Larmet gick inte att nå",
            }
            headers = org.auth("medarbetare_a")
            created = await client.post("/api/v1/deviations", json=body, headers=headers)
            assert created.status_code == 201
            path = f"/api/v1/deviations/{created.json()['id']}"
            assert (await client.get(path, headers=headers)).status_code == 200
            assert (await client.get("/api/v1/deviations/" + "0" * 8, headers=headers)).status_code == 422
            assert (await client.get("/no/such/path")).status_code == 404
            await BacklogGauges(
                "deviation", runtime.session_factory, runtime.messaging, runtime.clock
            ).refresh()
            families = await _scrape(client)
    finally:
        await transport.stop()

    requests = "deviation_http_request_duration_seconds_count"
    assert _value(families, requests, method="POST", route="/api/v1/deviations", status="201") >= 1
    by_id = "/api/v1/deviations/{deviation_id}"
    assert _value(families, requests, method="GET", route=by_id, status="200") >= 1
    assert _value(families, requests, method="GET", route=by_id, status="422") >= 1
    assert _value(families, requests, method="GET", route="unmatched", status="404") >= 1
    assert families["deviation_http_request_duration_seconds"].type == "histogram"

    assert _value(families, "deviation_db_pool_max_connections") == 20  # 10 + 10 overflow by default
    assert _value(families, "deviation_db_pool_connections", state="in_use") >= 0
    assert _value(families, "deviation_outbox_pending_messages") >= 0
    assert _value(families, "deviation_outbox_oldest_pending_age_seconds") >= 0
    assert "deviation_consumer_dead_letters_open" in families
    assert families["deviation_loop_up"].type == "gauge"

    gauges = [name for name, family in families.items() if family.type == "gauge" and name != "python_info"]
    assert not [name for name in gauges if name.endswith(RESERVED_SUFFIXES)]
