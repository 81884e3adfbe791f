"""OpenTelemetry across the services: one request that reports a deviation is one trace, from
deviation-svc's HTTP server span through its outbox and the local bus into reporting-svc's consumer;
an invalid incoming `traceparent` starts a new trace; log lines carry the trace and span id."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog
import structlog.testing
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from deviation_svc.app import build_runtime as build_deviation
from deviation_svc.config import DeviationSettings
from platform_shared import tracing
from platform_shared.api import middleware
from platform_shared.auth.tokens import DevTokens
from platform_shared.logs import add_trace_ids, configure_logging
from platform_shared.messaging.local import LocalTransport
from platform_shared.testing import OrgFixture, feed_org, running_service, standard_org, wait_until
from reporting_svc.app import build_runtime as build_reporting
from reporting_svc.config import ReportingSettings

INCOMING_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


@dataclass
class Two:
    deviation: httpx.AsyncClient
    spans: InMemorySpanExporter
    org: OrgFixture

    def report_body(self) -> dict[str, Any]:
        return {
            "type": "avvikelse",
            "unit_id": str(self.org.units["enhet_a"]),
            "occurred_at": "2026-03-02T08:15:00+01:00",
            "description": "Larmet gick inte att nå",
        }

    async def report(self, **headers: str) -> httpx.Response:
        answer = await self.deviation.post(
            "/api/v1/deviations",
            json=self.report_body(),
            headers={**self.org.auth("medarbetare_a"), **headers},
        )
        assert answer.status_code == 201, answer.text
        return answer

    def finished(self) -> list[ReadableSpan]:
        return list(self.spans.get_finished_spans())

    def server_span(self) -> ReadableSpan:
        return next(
            s for s in self.finished() if s.kind == SpanKind.SERVER and s.name == "POST /api/v1/deviations"
        )

    def processed_by_reporting(self, event_id: str) -> list[ReadableSpan]:
        return [
            s
            for s in self.finished()
            if s.kind == SpanKind.CONSUMER
            and s.resource.attributes["service.name"] == "reporting-svc"
            and (s.attributes or {}).get("cloudevents.event_id") == event_id
        ]


@pytest.fixture
async def two(tmp_path: Path) -> AsyncIterator[Two]:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    common: dict[str, Any] = {"dev_key_dir": str(tmp_path), "log_json": False}
    deviation = build_deviation(
        DeviationSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'deviation.sqlite'}", **common),
        transport=transport,
    )
    reporting = build_reporting(
        ReportingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'reporting.sqlite'}", **common),
        transport=transport,
    )
    org = standard_org(DevTokens(tmp_path))
    try:
        async with running_service(deviation) as client, running_service(reporting):
            await feed_org(deviation, org)
            await feed_org(reporting, org)
            with tracing.collect_spans(InMemorySpanExporter()) as spans:
                assert isinstance(spans, InMemorySpanExporter)
                yield Two(client, spans, org)
    finally:
        await transport.stop()


async def test_a_reported_deviation_is_one_trace_from_the_request_to_reportings_consumer(two: Two) -> None:
    event_id = await _reported_event_id(two)
    await wait_until(lambda: _true(bool(two.processed_by_reporting(event_id))), timeout_s=20)

    server = two.server_span()
    trace_id = server.context.trace_id
    in_trace = [s for s in two.finished() if s.context.trace_id == trace_id]
    roots = [s for s in in_trace if s.parent is None]
    assert roots == [server]  # one trace, begun by the request

    (created,) = [
        s
        for s in in_trace
        if s.kind == SpanKind.PRODUCER and s.attributes["cloudevents.event_id"] == event_id
    ]
    assert created.name == "deviation.events create"
    assert created.resource.attributes["service.name"] == "deviation-svc"
    processed = two.processed_by_reporting(event_id)
    assert {s.name for s in processed} == {"deviation.events process"}
    assert all(
        s.context.trace_id == trace_id and s.parent.span_id == created.context.span_id for s in processed
    )
    # the consumer's own work (its SQL) is in the trace too, under its span
    consumer_ids = {s.context.span_id for s in processed}
    assert any(s.kind == SpanKind.CLIENT and s.parent and s.parent.span_id in consumer_ids for s in in_trace)
    # and so is deviation-svc's SQL, under the request
    assert any(
        s.kind == SpanKind.CLIENT and s.resource.attributes["service.name"] == "deviation-svc"
        for s in in_trace
    )


async def test_a_valid_incoming_traceparent_is_continued(two: Two) -> None:
    await two.report(traceparent=f"00-{INCOMING_TRACE}-00f067aa0ba902b7-01")
    assert format(two.server_span().context.trace_id, "032x") == INCOMING_TRACE


@pytest.mark.parametrize(
    "invalid",
    [
        "garbage",
        f"00-{INCOMING_TRACE}-0000000000000000-01",  # a zero span id
        f"00-{'0' * 32}-00f067aa0ba902b7-01",  # a zero trace id
        f"ff-{INCOMING_TRACE}-00f067aa0ba902b7-01",  # version ff is forbidden
    ],
)
async def test_an_invalid_incoming_traceparent_starts_a_new_trace_instead_of_being_passed_on(
    two: Two, invalid: str
) -> None:
    event_id = await _reported_event_id(two, traceparent=invalid)
    server = two.server_span()
    assert server.parent is None
    assert format(server.context.trace_id, "032x") != INCOMING_TRACE
    stored = await _outbox_traceparent(two, event_id)
    version, trace_id, _span_id, _flags = stored.split("-")
    assert (version, int(trace_id, 16)) == ("00", server.context.trace_id) and stored != invalid


DEVIATIONS = "/api/v1/deviations"


async def test_every_log_line_of_a_request_carries_its_trace_and_span_id(
    two: Two, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The services' processor chain (platform_shared.logs) on the lines of one request, captured as
    # structlog hands them over: independent of the stdlib handlers and levels other tests leave behind.
    with structlog.testing.capture_logs(processors=[add_trace_ids]) as lines:
        # structlog caches a module's logger on first use: a fresh one, under the capture's configuration.
        monkeypatch.setattr(middleware, "log", structlog.get_logger(middleware.ACCESS_LOGGER))
        await two.report()
    found = [
        line for line in lines if line["event"] == "request" and line.get("path") == "/api/v1/deviations"
    ]
    assert len(found) == 1, lines
    (access,) = found
    assert access["trace_id"] == format(two.server_span().context.trace_id, "032x")
    assert len(access["span_id"]) == 16


def test_the_services_log_configuration_adds_the_trace_ids_to_every_line() -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure_logging("INFO", json=True)
        formatter = root.handlers[0].formatter
        assert isinstance(formatter, structlog.stdlib.ProcessorFormatter)
        assert add_trace_ids in formatter.foreign_pre_chain  # lines of other libraries
        assert add_trace_ids in structlog.get_config()["processors"]  # the services' own lines
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        structlog.reset_defaults()


async def _reported_event_id(two: Two, **headers: str) -> str:
    answer = await two.report(**headers)
    return await _event_of(two, answer.json()["id"])


async def _event_of(two: Two, deviation_id: str) -> str:
    rows = await _outbox_rows(two)
    return next(
        str(r.event_id) for r in rows if r.key == deviation_id and r.event_type == "DeviationReported"
    )


async def _outbox_traceparent(two: Two, event_id: str) -> str:
    row = next(r for r in await _outbox_rows(two) if str(r.event_id) == event_id)
    return str(row.headers["traceparent"])


async def _outbox_rows(two: Two) -> list[Any]:
    app = two.deviation._transport.app  # type: ignore[attr-defined]
    runtime = app.state.runtime
    async with runtime.engine.connect() as conn:
        return list((await conn.execute(runtime.messaging.outbox.select())).all())


async def _true(value: bool) -> bool:
    return value
