"""A small API client for the demo seed: every demo object is made through the public API, and every
change is a journaled step (seed/journal.py), so an interrupted seed resumes where it stopped."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import httpx

from embedded_runner.seed.journal import SeedJournal
from platform_shared.auth.tokens import DevTokens

ADMIN_SUBJECT = "demo:sam.systemsson"  # the bootstrap administrator unless one is configured
READS = ("GET", "HEAD")

Find = Callable[[], Awaitable[Any]]


class DemoClient:
    def __init__(
        self, client: httpx.AsyncClient, tokens: DevTokens, journal: SeedJournal, admin: str = ADMIN_SUBJECT
    ) -> None:
        self.http = client
        self.tokens = tokens
        self.journal = journal
        self.admin = admin

    @property
    def now(self) -> datetime:
        """When the seed first started: the same in every run of an interrupted seed."""
        return self.journal.epoch

    def ago(self, days: float) -> str:
        return (self.now - timedelta(days=days)).isoformat()

    def auth(self, subject: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.mint(subject)}"}

    async def call(
        self, method: str, path: str, subject: str, *, find: Find | None = None, **kwargs: Any
    ) -> Any:
        """As the demo person `subject` (e.g. "demo:eva.lind"); raises on any 4xx/5xx. A change is done
        once: done before, its kept answer; in doubt (interrupted), `find` looks for what it made."""
        if method in READS:
            return _answer(method, path, await self._request(method, path, subject, **kwargs))
        key = self.journal.key(method, path, subject, kwargs.get("json"))
        if key in self.journal.done:
            return self.journal.done[key]
        in_doubt = key == self.journal.in_doubt
        if in_doubt and find is not None and (found := await find()) is not None:
            self.journal.finish(key, found)
            return found
        self.journal.begin(key)
        headers = {"Idempotency-Key": f"demo-seed-{key}"} if method == "POST" else {}
        response = await self._request(method, path, subject, headers=headers, **kwargs)
        # In doubt, a 409 says the interrupted run made this change already.
        answer = None if in_doubt and response.status_code == 409 else _answer(method, path, response)
        self.journal.finish(key, answer)
        return answer

    async def _request(
        self, method: str, path: str, subject: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {**self.auth(subject), **(headers or {})}
        return await self.http.request(method, path, headers=headers, **kwargs)

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


def _answer(method: str, path: str, response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise RuntimeError(f"demo seed: {method} {path} -> {response.status_code} {response.text}")
    if not response.content or not response.headers.get("content-type", "").startswith("application/json"):
        return None
    return response.json()
