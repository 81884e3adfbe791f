"""The event documents every service (and the embedded gateway) serves: `/asyncapi.json`, a plain
page `/asyncapi` that reads it without any script, and each event's JSON Schema at its `dataschema`
path `/schemas/events/<type>/v<version>.json`."""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse

from platform_shared.contracts.asyncapi import asyncapi_document
from platform_shared.contracts.envelope import schema_uri
from platform_shared.contracts.schemas import current_schemas
from platform_shared.errors import NotFound

SCHEMA_JSON = "application/schema+json"


def add_event_docs_routes(app: FastAPI) -> None:
    schemas = current_schemas()

    @app.get("/asyncapi.json", include_in_schema=False)
    async def asyncapi_json() -> JSONResponse:
        return JSONResponse(asyncapi_document())

    @app.get("/asyncapi", include_in_schema=False)
    async def asyncapi_page() -> HTMLResponse:
        return HTMLResponse(asyncapi_html(asyncapi_document()))

    @app.get("/schemas/events/{event_type}/v{version}.json", include_in_schema=False)
    async def event_schema(event_type: str, version: int) -> JSONResponse:
        schema = schemas.get((event_type, version))
        if schema is None:
            raise NotFound(f"Inget schema för {event_type} version {version}")
        return JSONResponse(schema, media_type=SCHEMA_JSON)


def asyncapi_html(document: dict[str, Any]) -> str:
    """The document as one static page: topics, their messages, and links to the schemas."""
    messages = document["components"]["messages"]
    sections = []
    for channel in document["channels"].values():
        rows = []
        for ref in channel["messages"].values():
            message_id = ref["$ref"].rsplit("/", 1)[1]
            message = messages[message_id]
            name, version = message["name"], int(message_id.rsplit(".v", 1)[1])
            url = schema_uri(name, version)
            rows.append(
                f"<tr><td><code>{escape(name)}</code></td><td>{version}</td>"
                f"<td>{escape(message['summary'])}</td>"
                f'<td><a href="{escape(url)}"><code>{escape(url)}</code></a></td></tr>'
            )
        sections.append(
            f"<h2><code>{escape(channel['address'])}</code></h2><p>{escape(channel['description'])}</p>"
            "<table><tr><th>type</th><th>version</th><th>summary</th><th>dataschema</th></tr>"
            + "".join(rows)
            + "</table>"
        )
    info = document["info"]
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in info["description"].split("\n\n"))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(info['title'])}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;"
        "text-align:left;vertical-align:top}</style></head><body>"
        f"<h1>{escape(info['title'])}</h1>"
        f'<p>AsyncAPI {escape(document["asyncapi"])}: <a href="/asyncapi.json">/asyncapi.json</a></p>'
        f"{paragraphs}{''.join(sections)}</body></html>"
    )
