"""The AsyncAPI document and the event schemas are served by the gateway and by each service alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from embedded_runner.app import build_embedded
from platform_shared.api.app import create_service_app
from platform_shared.contracts.asyncapi import asyncapi_document

PATHS = ("/asyncapi.json", "/asyncapi", "/schemas/events/DeviationReported/v1.json")


async def _get_all(app: Any) -> dict[str, httpx.Response]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as client:
        return {path: await client.get(path) for path in PATHS}


async def test_gateway_and_every_service_serve_the_asyncapi_document_and_event_schemas(
    tmp_path: Path,
) -> None:
    embedded = build_embedded(tmp_path / "var", seed=False)
    try:
        apps = {"gateway": embedded.app} | {
            name: create_service_app(runtime, manage_lifecycle=False)
            for name, runtime in embedded.runtimes.items()
        }
        for name, app in apps.items():
            responses = await _get_all(app)
            assert all(r.status_code == 200 for r in responses.values()), name
            assert responses["/asyncapi.json"].json() == asyncapi_document(), name
            assert responses["/asyncapi"].headers["content-type"].startswith("text/html")
            schema = responses["/schemas/events/DeviationReported/v1.json"].json()
            assert schema["$id"] == "/schemas/events/DeviationReported/v1.json"
    finally:
        for runtime in embedded.runtimes.values():
            await runtime.engine.dispose()
