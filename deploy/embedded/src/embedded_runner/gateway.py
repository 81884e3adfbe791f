"""One ASGI app in front of the four service apps: routes each public path prefix to its owner."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
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
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Kvalitetssystem (embedded)", "version": "1.0.0"},
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": {}},
    }
    for app in apps.values():
        part = app.openapi()
        spec["paths"].update({p: v for p, v in part["paths"].items() if p.startswith("/api/")})
        for kind in ("schemas", "securitySchemes"):
            spec["components"][kind].update(part.get("components", {}).get(kind, {}))
    return spec
