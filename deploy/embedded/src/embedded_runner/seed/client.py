"""A small API client for the demo seed: every demo object is made through the public API."""

from __future__ import annotations

from typing import Any

import httpx

from platform_shared.auth.tokens import DevTokens

ADMIN_SUBJECT = "demo:sam.systemsson"  # the bootstrap administrator unless ORG_BOOTSTRAP_ADMIN_SUBJECT is set


class DemoClient:
    def __init__(self, client: httpx.AsyncClient, tokens: DevTokens, admin: str = ADMIN_SUBJECT) -> None:
        self.http = client
        self.tokens = tokens
        self.admin = admin  # the bootstrap administrator's subject: the demo is made as this person

    def auth(self, subject: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.mint(subject)}"}

    async def call(self, method: str, path: str, subject: str, **kwargs: Any) -> Any:
        """As the demo person `subject` (e.g. "demo:eva.lind"); raises on any 4xx/5xx."""
        response = await self.http.request(method, path, headers=self.auth(subject), **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"demo seed: {method} {path} -> {response.status_code} {response.text}")
        if not response.content or not response.headers.get("content-type", "").startswith(
            "application/json"
        ):
            return None
        return response.json()

    async def all(self, path: str, subject: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            query = {**params, "limit": 200, **({"cursor": cursor} if cursor else {})}
            page = await self.call("GET", path, subject, params=query)
            items.extend(page["items"])
            cursor = page["next_cursor"]
            if not cursor:
                return items

    async def units_by_code(self) -> dict[str, dict[str, Any]]:
        units = await self.all("/api/v1/org/units", self.admin)
        found = {u["code"]: u for u in units if u.get("code")}
        found["ROOT"] = next(u for u in units if u["parent_id"] is None)
        return found
