"""OpenTelemetry traces: one trace from an HTTP request through the outbox, the bus and a consumer to a
webhook delivery (docs/ENGINEERING.md "Traces").

- Each service has its own `TracerProvider` (`provider_for(service)`, resource `service.name`
  `<service>-svc`), so the four services of the embedded runner are four services in a trace too.
- The context always travels (W3C `traceparent`, through OpenTelemetry's propagator): in the outbox
  row's headers, on the bus, into a consumer's span and a webhook delivery's row; log lines carry
  `trace_id`/`span_id`. An invalid incoming `traceparent` starts a new trace.
- Spans are *recorded* only while something exports them: an OTLP endpoint is configured
  (`OTEL_EXPORTER_OTLP_ENDPOINT`, off by default) or a test collects them (`collect_spans`).
  Otherwise a span costs an id and nothing else.
- A trace starts at a request or a message: a database query or an HTTP call without a parent (a
  relay's or a scheduler's poll) is not recorded, so background polling makes no traces.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_ON, Decision, ParentBased, Sampler, SamplingResult
from opentelemetry.trace import Link, SpanKind
from opentelemetry.util.types import Attributes

if TYPE_CHECKING:
    import httpx
    from sqlalchemy.ext.asyncio import AsyncEngine

INSTRUMENTATION = "platform_shared"
# The headers a trace context travels in (W3C Trace Context).
TRACE_HEADERS = ("traceparent", "tracestate")
# Kinds that may begin a trace: a request, a message, an event made outside any request.
_ROOT_KINDS = frozenset({SpanKind.SERVER, SpanKind.CONSUMER, SpanKind.PRODUCER})


class _Exporters(SpanProcessor):
    """The process's span processors, shared by every service's provider."""

    def __init__(self) -> None:
        self._processors: tuple[SpanProcessor, ...] = ()
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        return bool(self._processors)

    def add(self, processor: SpanProcessor) -> None:
        with self._lock:
            self._processors = (*self._processors, processor)

    def remove(self, processor: SpanProcessor) -> None:
        with self._lock:
            self._processors = tuple(p for p in self._processors if p is not processor)

    def on_start(self, span: Span, parent_context: otel_context.Context | None = None) -> None:
        for processor in self._processors:
            processor.on_start(span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        for processor in self._processors:
            processor.on_end(span)

    def shutdown(self) -> None:
        for processor in self._processors:
            processor.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return all(processor.force_flush(timeout_millis) for processor in self._processors)


EXPORTERS = _Exporters()
atexit.register(EXPORTERS.shutdown)


class RecordWhileExported(Sampler):
    """Records a span only while something exports spans, and only in a trace that began at a request
    or a message (see the module docstring); follows the parent's decision otherwise."""

    def __init__(self) -> None:
        self._follow_parent = ParentBased(ALWAYS_ON)

    def should_sample(
        self,
        parent_context: otel_context.Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: Any = None,
    ) -> SamplingResult:
        parent = trace.get_current_span(parent_context).get_span_context()
        if not EXPORTERS.active or (not parent.is_valid and kind not in _ROOT_KINDS):
            return SamplingResult(Decision.DROP, None, parent.trace_state if parent.is_valid else None)
        return self._follow_parent.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return "RecordWhileExported"


_SAMPLER = RecordWhileExported()
_providers: dict[str, TracerProvider] = {}
_otlp_endpoints: set[str] = set()


def provider_for(service: str) -> TracerProvider:
    """The service's tracer provider (one per service and process)."""
    provider = _providers.get(service)
    if provider is None:
        provider = TracerProvider(
            sampler=_SAMPLER,
            resource=Resource.create({"service.name": f"{service}-svc"}),
            shutdown_on_exit=False,
        )
        provider.add_span_processor(EXPORTERS)
        provider = _providers.setdefault(service, provider)
    return provider


def tracer(service: str) -> trace.Tracer:
    return provider_for(service).get_tracer(INSTRUMENTATION)


def export_otlp(endpoint: str | None) -> None:
    """Send every service's spans to an OTLP/HTTP collector at `endpoint` (the base URL, as
    `OTEL_EXPORTER_OTLP_ENDPOINT`: `/v1/traces` is added), once per process."""
    if not endpoint or endpoint in _otlp_endpoints:
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    _otlp_endpoints.add(endpoint)
    EXPORTERS.add(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint.rstrip("/") + "/v1/traces")))


@contextmanager
def collect_spans(exporter: SpanExporter) -> Iterator[SpanExporter]:
    """Record and export every span to `exporter` while inside (tests: an InMemorySpanExporter)."""
    processor = SimpleSpanProcessor(exporter)
    EXPORTERS.add(processor)
    try:
        yield exporter
    finally:
        EXPORTERS.remove(processor)


# --- the context across the outbox, the bus and webhooks ----------------------------------------------


def current_headers() -> dict[str, str]:
    """The current trace context as W3C headers (`traceparent`, and `tracestate` when there is one)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def current_traceparent() -> str | None:
    return current_headers().get("traceparent")


@contextmanager
def continued(headers: Mapping[str, str] | None) -> Iterator[None]:
    """Inside: the trace the headers name is the current one (no valid `traceparent`: none, and the
    next span starts a new trace)."""
    carried = {name: headers[name] for name in TRACE_HEADERS if headers and headers.get(name)}
    token = otel_context.attach(propagate.extract(carried))
    try:
        yield
    finally:
        otel_context.detach(token)


@contextmanager
def producing(tracer_: trace.Tracer, topic: str, event_type: str, event_id: str) -> Iterator[dict[str, str]]:
    """The span of an event's creation (kind PRODUCER, in the trace of what caused it); yields the
    headers that carry its context into the outbox row, the bus and the consumers."""
    with tracer_.start_as_current_span(
        f"{topic} create",
        kind=SpanKind.PRODUCER,
        attributes={
            "messaging.operation.type": "create",
            "messaging.destination.name": topic,
            "cloudevents.event_type": event_type,
            "cloudevents.event_id": event_id,
        },
    ):
        yield current_headers()


@contextmanager
def consuming(
    tracer_: trace.Tracer,
    topic: str,
    group: str,
    headers: Mapping[str, str] | None,
    event_type: str | None = None,
    event_id: str | None = None,
) -> Iterator[None]:
    """The span of a consumer handling one message (kind CONSUMER), continuing the producer's trace
    from the message's headers (an invalid or missing `traceparent`: a new trace)."""
    with continued(headers):
        attributes: dict[str, str] = {
            "messaging.operation.type": "process",
            "messaging.destination.name": topic,
            "messaging.consumer.group.name": group,
        }
        if event_type:
            attributes["cloudevents.event_type"] = event_type
        if event_id:
            attributes["cloudevents.event_id"] = event_id
        with tracer_.start_as_current_span(f"{topic} process", kind=SpanKind.CONSUMER, attributes=attributes):
            yield


def span_ids() -> tuple[str, str] | None:
    """The current trace and span id as hex (for log lines), or None outside a trace."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


# --- the libraries' own spans -----------------------------------------------------------------------


def instrument_engine(engine: AsyncEngine, service: str) -> None:
    """A span per SQL statement (OpenTelemetry's SQLAlchemy instrumentation, on this engine only)."""
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import NoOpMeter

    class StatementSpans(EngineTracer):
        """Only inside a recorded span (the sampler would drop the rest): no work for the others.
        Pool use is in the service's own metrics (platform_shared.db_metrics)."""

        def _before_cur_exec(self, conn: Any, cursor: Any, statement: Any, params: Any, *rest: Any) -> Any:
            if not trace.get_current_span().is_recording():
                return statement, params
            return super()._before_cur_exec(conn, cursor, statement, params, *rest)

        def _pool_connect(self, *_: Any) -> None: ...

        def _pool_close(self, *_: Any) -> None: ...

        def _pool_checkin(self, *_: Any) -> None: ...

        def _pool_checkout(self, *_: Any) -> None: ...

    connections = NoOpMeter(INSTRUMENTATION).create_up_down_counter("db.client.connections.usage")
    StatementSpans(tracer(service), engine.sync_engine, connections)


def instrument_http_client(client: httpx.AsyncClient, service: str) -> httpx.AsyncClient:
    """A span per outgoing request, whose context the request's `traceparent` carries."""
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor.instrument_client(client, tracer_provider=provider_for(service))
    return client


def instrument_kafka_client(service: str) -> None:
    """Spans of the Kafka client (aiokafka's send and receive), once per process: the Kafka transport
    runs in a process of one service."""
    from opentelemetry.instrumentation.aiokafka import AIOKafkaInstrumentor

    instrumentor = AIOKafkaInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider_for(service))


def kafka_client_traced() -> bool:
    """Whether aiokafka's instrumentation adds the trace headers to what is sent."""
    from opentelemetry.instrumentation.aiokafka import AIOKafkaInstrumentor

    return bool(AIOKafkaInstrumentor().is_instrumented_by_opentelemetry)
