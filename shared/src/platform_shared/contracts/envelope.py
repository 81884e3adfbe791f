"""CloudEvents 1.0 envelope (structured JSON mode), the same on Kafka and on the local transport."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

from platform_shared.contracts.base import EventPayload
from platform_shared.ids import new_id
from platform_shared.timeutil import utc_now

SPEC_VERSION = "1.0"
# The CloudEvents Kafka (and HTTP) binding in structured mode: the whole event is the message value,
# this is its content type; no ce_* headers (they would mean binary mode to a standard reader).
STRUCTURED_CONTENT_TYPE = "application/cloudevents+json"


def structured_headers(traceparent: str | None) -> dict[str, str]:
    """Message headers of a structured-mode event: its content type and the W3C trace parent."""
    headers = {"content-type": STRUCTURED_CONTENT_TYPE}
    if traceparent:
        headers["traceparent"] = traceparent
    return headers


def schema_uri(event_type: str, version: int) -> str:
    """Where the payload's JSON Schema is served: the same path on every service and on the gateway."""
    return f"/schemas/events/{event_type}/v{version}.json"


def schema_version(dataschema: str) -> int:
    """The payload version named by a `dataschema`: `/schemas/events/<type>/v1.json`, or the URN
    `urn:kvalitet:events:<type>:v1` that events published before the schemas were served carry."""
    name = dataschema.rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".json")
    return int(name.removeprefix("v"))


class EventEnvelope(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: uuid.UUID
    type: str
    specversion: str = SPEC_VERSION
    source: str
    time: datetime
    subject: str
    dataschema: str
    datacontenttype: str = "application/json"
    data: dict[str, Any] = Field(default_factory=dict)
    correlationid: str | None = None
    actorid: str | None = None

    @property
    def version(self) -> int:
        return schema_version(self.dataschema)

    def to_json(self) -> bytes:
        return orjson.dumps(self.model_dump(mode="json"))

    @classmethod
    def from_json(cls, raw: bytes) -> EventEnvelope:
        return cls.model_validate(orjson.loads(raw))


def wrap(
    payload: EventPayload,
    *,
    source: str,
    actor_id: uuid.UUID | str | None,
    correlation_id: str | None,
    time: datetime | None = None,
) -> EventEnvelope:
    return EventEnvelope(
        id=new_id(),
        type=payload.event_type,
        source=source,
        time=time or utc_now(),
        subject=payload.aggregate_id(),
        dataschema=schema_uri(payload.event_type, payload.version),
        data=payload.model_dump(mode="json"),
        correlationid=correlation_id,
        actorid=str(actor_id) if actor_id is not None else None,
    )
