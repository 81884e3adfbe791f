"""The AsyncAPI document of the event topics: valid for the official parser, complete, and pointing
at JSON Schemas that are served where each event's `dataschema` says."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from fastapi import FastAPI

from platform_shared.api.event_docs import add_event_docs_routes
from platform_shared.api.problems import install_error_handlers
from platform_shared.contracts.asyncapi import CLOUDEVENTS_JSON, asyncapi_document
from platform_shared.contracts.deviation import DeviationReported
from platform_shared.contracts.envelope import schema_uri, schema_version, wrap
from platform_shared.contracts.registry import REGISTRY
from platform_shared.contracts.schemas import JSON_SCHEMA_DIALECT, released_schemas
from platform_shared.contracts.topics import ALL_TOPICS
from platform_shared.ids import new_id
from platform_shared.node_tools import run_node
from platform_shared.timeutil import utc_now


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    add_event_docs_routes(app)
    return app


def test_asyncapi_document_passes_the_official_asyncapi_parser(tmp_path: Path) -> None:
    path = tmp_path / "asyncapi.json"
    path.write_text(json.dumps(asyncapi_document()), encoding="utf-8")
    result = run_node("validate-asyncapi.mjs", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    problems = [
        line for line in result.stdout.splitlines() if '"severity":"error"' in line or '"warning"' in line
    ]
    assert problems == []
    assert "valid AsyncAPI 3.0.0: 4 channels" in result.stdout


def test_every_topic_and_every_released_event_type_appears_in_the_asyncapi_document() -> None:
    document = asyncapi_document()
    assert {c["address"] for c in document["channels"].values()} == set(ALL_TOPICS)
    assert all(c["bindings"]["kafka"]["topic"] == c["address"] for c in document["channels"].values())
    on_channels = {
        (m["$ref"].rsplit("/", 1)[1], c["address"])
        for c in document["channels"].values()
        for m in c["messages"].values()
    }
    for event_type, version in released_schemas():
        topic = REGISTRY[(event_type, version)].topic
        expected = [topic] if topic else list(ALL_TOPICS)
        assert all((f"{event_type}.v{version}", t) in on_channels for t in expected), event_type
        message = document["components"]["messages"][f"{event_type}.v{version}"]
        assert message["name"] == event_type


def test_events_are_documented_as_structured_cloudevents_keyed_by_aggregate_id() -> None:
    document = asyncapi_document()
    message = document["components"]["messages"]["DeviationReported.v1"]
    assert message["contentType"] == CLOUDEVENTS_JSON
    headers = document["components"]["schemas"]["KafkaHeaders"]["properties"]
    assert set(headers) == {"content-type", "traceparent"}  # structured mode: no ce_* headers
    assert headers["content-type"]["const"] == CLOUDEVENTS_JSON
    assert "aggregate id" in message["bindings"]["kafka"]["key"]["description"]
    data = message["payload"]["allOf"][1]["properties"]
    assert data["data"] == {"$ref": "#/components/schemas/DeviationReported.v1"}
    assert schema_uri("DeviationReported", 1) in data["dataschema"]["enum"]


def test_every_kept_schema_names_its_dialect_and_the_path_it_is_served_at() -> None:
    for (event_type, version), schema in released_schemas().items():
        assert schema["$schema"] == JSON_SCHEMA_DIALECT
        assert schema["$id"] == f"/schemas/events/{event_type}/v{version}.json"


async def test_an_events_dataschema_is_where_its_json_schema_is_served() -> None:
    payload = DeviationReported(
        deviation_id=new_id(),
        reference="AVV-2026-000001",
        unit_id=new_id(),
        occurred_at=utc_now(),
        reported_at=utc_now(),
    )
    envelope = wrap(payload, source="deviation-svc", actor_id=None, correlation_id=None)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://svc") as client:
        response = await client.get(envelope.dataschema)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/schema+json")
        assert response.json()["$id"] == envelope.dataschema
        assert (await client.get("/schemas/events/NoSuchEvent/v1.json")).status_code == 404
        page = await client.get("/asyncapi")
        assert page.status_code == 200 and envelope.dataschema in page.text


def test_payload_version_is_read_from_the_served_path_and_from_the_earlier_urn() -> None:
    assert schema_version("/schemas/events/DeviationReported/v2.json") == 2
    assert schema_version("urn:kvalitet:events:DeviationReported:v1") == 1
