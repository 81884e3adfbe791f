"""The AsyncAPI 3.0 document of the event topics, generated from the contracts.

Channels are the topics (`<service>.events`) with their Kafka bindings, the key being the aggregate id;
messages are the event types, each a CloudEvents 1.0 envelope in structured mode whose `data` is the
event's JSON Schema. Events every service may emit (deadlines, audit records) appear on every topic.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import SPEC_VERSION, schema_uri
from platform_shared.contracts.registry import REGISTRY
from platform_shared.contracts.schemas import current_schemas
from platform_shared.contracts.topics import ALL_TOPICS, dead_letter_topic

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
CLOUDEVENTS_JSON = "application/cloudevents+json"
TRACEPARENT_PATTERN = "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"

_DESCRIPTION = f"""\
The integration events of the four services. Each topic `<service>.events` carries the events of
the service that owns it; `AuditRecorded`, `DeadlineApproaching` and `DeadlineMissed` may appear on any
of them (each service publishes its own).

Every message is a CloudEvents {SPEC_VERSION} event in **structured mode** (the CloudEvents Kafka
protocol binding): the Kafka value is the whole envelope as JSON, the Kafka key is the aggregate id
(the envelope's `subject`), and the headers are `content-type: {CLOUDEVENTS_JSON}` and, when the
event was caused by a traced request, the W3C `traceparent`. There are no `ce_*` headers.

`dataschema` is the path, on any service or on the gateway, of the JSON Schema of `data`
(`/schemas/events/<type>/v<version>.json`). Within a version `data` only gains optional fields; a
breaking change is a new version published beside the old one. Ordering holds per key. A message
whose handler keeps failing is copied to `<topic>.dlq`. Payloads carry ids and facts, never personal
data about a brukare."""


def _channel_id(topic: str) -> str:
    first, *rest = topic.split(".")
    return first + "".join(part.capitalize() for part in rest)


def _message_id(event_type: str, version: int) -> str:
    return f"{event_type}.v{version}"


def _topics_of(model: type[EventPayload]) -> tuple[str, ...]:
    return (model.topic,) if model.topic else ALL_TOPICS


def _producer(topic: str) -> str:
    return f"{topic.split('.', 1)[0]}-svc"


def _bare(schema: dict[str, Any]) -> dict[str, Any]:
    """A kept JSON Schema inside the AsyncAPI document: its `$id` and `$schema` belong to the file
    served on its own, not to a schema embedded in another document; its local `$defs` are inlined
    (a `#/$defs/...` reference would point at the AsyncAPI document's root)."""
    defs = schema.get("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return copy.deepcopy(node)

    return {k: inline(v) for k, v in schema.items() if k not in ("$schema", "$id", "$defs")}


def _envelope_schema() -> dict[str, Any]:
    text = {"type": "string", "minLength": 1}
    return {
        "type": "object",
        "title": "CloudEvent",
        "description": f"A CloudEvents {SPEC_VERSION} event in structured mode.",
        "required": ["id", "type", "specversion", "source", "time", "subject", "dataschema", "data"],
        "properties": {
            "id": {"type": "string", "format": "uuid", "description": "Unique per event; the dedup key."},
            "type": {**text, "description": "The event type, a past-tense name (`DeviationReported`)."},
            "specversion": {"type": "string", "const": SPEC_VERSION},
            "source": {**text, "description": "The producing service (`deviation-svc`)."},
            "time": {"type": "string", "format": "date-time"},
            "subject": {**text, "description": "The aggregate id; also the Kafka key."},
            "dataschema": {
                "type": "string",
                "format": "uri-reference",
                "description": "Where the JSON Schema of `data` is served. Events published before the "
                "schemas were served carry `urn:kvalitet:events:<type>:v<version>`.",
            },
            "datacontenttype": {"type": "string", "const": "application/json"},
            "data": {"type": "object"},
            "correlationid": {
                "type": ["string", "null"],
                "description": "The `X-Correlation-ID` of the request that caused the event.",
            },
            "actorid": {
                "type": ["string", "null"],
                "description": "The person or integration client who caused the event, if any.",
            },
        },
    }


def _headers_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "title": "KafkaHeaders",
        "required": ["content-type"],
        "properties": {
            "content-type": {"type": "string", "const": CLOUDEVENTS_JSON},
            "traceparent": {
                "type": "string",
                "pattern": TRACEPARENT_PATTERN,
                "description": "W3C Trace Context of the request that caused the event.",
            },
        },
    }


def _message(model: type[EventPayload], schema_ref: str) -> dict[str, Any]:
    event_type, version = model.event_type, model.version
    dataschema = schema_uri(event_type, version)
    topics = ", ".join(f"`{t}`" for t in _topics_of(model))
    doc = " ".join((model.__doc__ or "").split())
    summary = doc.split(". ")[0].rstrip(".") if doc else f"{event_type}, version {version}"
    return {
        "name": event_type,
        "title": f"{event_type} v{version}",
        "summary": summary,
        "description": f"{doc}\n\nOn {topics}. The schema of `data` is served at `{dataschema}`.".strip(),
        "contentType": CLOUDEVENTS_JSON,
        "headers": {"$ref": "#/components/schemas/KafkaHeaders"},
        "payload": {
            "allOf": [
                {"$ref": "#/components/schemas/CloudEvent"},
                {
                    "type": "object",
                    "properties": {
                        "type": {"const": event_type},
                        "dataschema": {"enum": [dataschema, f"urn:kvalitet:events:{event_type}:v{version}"]},
                        "data": {"$ref": schema_ref},
                    },
                },
            ]
        },
        "correlationId": {"$ref": "#/components/correlationIds/correlationId"},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": "The aggregate id (the envelope's `subject`)."},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


@cache
def asyncapi_document() -> dict[str, Any]:
    """The whole document (the same on every service); callers must not change it."""
    schemas = current_schemas()
    components_schemas: dict[str, Any] = {"CloudEvent": _envelope_schema(), "KafkaHeaders": _headers_schema()}
    messages: dict[str, Any] = {}
    on_topic: dict[str, list[str]] = {topic: [] for topic in ALL_TOPICS}
    for (event_type, version), model in sorted(REGISTRY.items()):
        message_id = _message_id(event_type, version)
        components_schemas[message_id] = _bare(schemas[(event_type, version)])
        messages[message_id] = _message(model, f"#/components/schemas/{message_id}")
        for topic in _topics_of(model):
            on_topic[topic].append(message_id)

    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic, message_ids in on_topic.items():
        channel_id = _channel_id(topic)
        channels[channel_id] = {
            "address": topic,
            "title": topic,
            "description": f"The events of {_producer(topic)}, keyed by aggregate id; dead letters go "
            f"to `{dead_letter_topic(topic)}`.",
            "messages": {mid: {"$ref": f"#/components/messages/{mid}"} for mid in message_ids},
            "bindings": {"kafka": {"topic": topic, "bindingVersion": KAFKA_BINDING_VERSION}},
        }
        operations[f"{channel_id}Publish"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "title": f"{_producer(topic)} publishes on {topic}",
            "summary": f"Published from {_producer(topic)}'s transactional outbox, in order per key.",
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{mid}"} for mid in message_ids],
        }

    return {
        "asyncapi": ASYNCAPI_VERSION,
        "id": "urn:kvalitet:events",
        "info": {
            "title": "Kvalitet — integration events",
            "version": "1.0.0",
            "description": _DESCRIPTION,
        },
        "defaultContentType": CLOUDEVENTS_JSON,
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": components_schemas,
            "messages": messages,
            "correlationIds": {
                "correlationId": {
                    "description": "The request that caused the event.",
                    "location": "$message.payload#/correlationid",
                }
            },
        },
    }
