"""One ASGI app in front of the four service apps: routes each public path prefix to its owner."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from fastapi import FastAPI

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

ROUTES: tuple[tuple[str, str], ...] = (
    ("/api/v1/org", "org"),
    ("/api/v1/deviations", "deviation"),
    ("/api/v1/complaints", "deviation"),
    ("/api/v1/improvement-proposals", "deviation"),
    ("/api/v1/data-breaches", "deviation"),
    ("/api/v1/risk", "risk"),
    ("/api/v1/reports", "reporting"),
    ("/api/v1/notifications", "reporting"),
    ("/api/v1/dashboard", "reporting"),
    ("/api/v1/webhooks", "reporting"),
    ("/api/v1/arshjul", "reporting"),
    ("/api/v1/kvalitetsrad", "reporting"),
    # operations (dead letters) of each service
    ("/api/v1/ops/org", "org"),
    ("/api/v1/ops/deviation", "deviation"),
    ("/api/v1/ops/risk", "risk"),
    ("/api/v1/ops/reporting", "reporting"),
)


def owner_of(path: str) -> str | None:
    for prefix, service in ROUTES:
        if path == prefix or path.startswith(prefix + "/") or path.startswith(prefix + "?"):
            return service
    return None


class Gateway:
    def __init__(self, apps: dict[str, FastAPI], front: FastAPI) -> None:
        self._apps = apps
        self._front = front

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            service = owner_of(scope["path"])
            if service is not None:
                await self._apps[service](scope, receive, send)
                return
        await self._front(scope, receive, send)


def merged_openapi(apps: dict[str, FastAPI]) -> dict[str, Any]:
    return merge_documents("Kvalitetssystem (embedded)", [app.openapi() for app in apps.values()])


class MergeConflict(ValueError):
    """Two services' documents name the same thing (a component, a path, an operationId) differently."""


def merge_documents(title: str, parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The services' `/api/` paths and components in one document. Nothing is overwritten: a component
    two services define alike is kept once, one they define differently is a conflict (a generated
    client would be wrong for one of them), as is a path or operationId given twice."""
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1.0.0"},
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": {}},
    }
    operation_ids: set[str] = set()
    for part in parts:
        for path, item in part["paths"].items():
            if not path.startswith("/api/"):
                continue
            if path in spec["paths"]:
                raise MergeConflict(f"path {path} in two services")
            for operation in item.values():
                if operation["operationId"] in operation_ids:
                    raise MergeConflict(f"operationId {operation['operationId']} in two services")
                operation_ids.add(operation["operationId"])
            spec["paths"][path] = item
        for kind in ("schemas", "securitySchemes"):
            merged = spec["components"][kind]
            for name, value in part.get("components", {}).get(kind, {}).items():
                if name in merged and merged[name] != value:
                    raise MergeConflict(f"components/{kind}/{name} differs between services")
                merged[name] = value
    return spec
