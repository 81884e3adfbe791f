"""Overload: shed load early with a 503 and `Retry-After` instead of queueing until a 30 s timeout.

At most `max_concurrent_requests` API requests run at once per process; up to `request_queue_depth`
more wait for a free slot, each at most `request_queue_timeout_s`, and any beyond those answer 503 at
once. The timeout bounds the wait for a slot, so the depth can be several times the slots: a waiting
request costs the event loop nothing, and a client that keeps a few dozen requests in flight (a case
system's backfill) is served in turn instead of being refused half of the time. A request that gets
no database connection within `db_pool_timeout_s` answers 503 as well. Operational paths (`/health`,
`/ready`, `/metrics`) are never limited.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_shared.api.http_problems import http_problem
from platform_shared.api.problems import Problem
from platform_shared.db import is_database_busy
from platform_shared.settings import ServiceSettings

RETRY_AFTER_S = 1


class ConcurrencyLimiter:
    """The slots of one process (shared by the four apps of the embedded runner)."""

    def __init__(self, max_concurrent: int, queue_timeout_s: float, queue_depth: int) -> None:
        self.max_concurrent = max_concurrent
        self.queue_timeout_s = queue_timeout_s
        self.queue_depth = queue_depth
        self._slots = asyncio.Semaphore(max_concurrent)
        self._waiting = 0
        self.shed_total = 0

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> ConcurrencyLimiter:
        return cls(
            settings.max_concurrent_requests, settings.request_queue_timeout_s, settings.request_queue_depth
        )

    async def acquire(self) -> bool:
        """True with a slot (release it); False when the queue is full or no slot came free within
        the queue timeout."""
        if not self._slots.locked():
            await self._slots.acquire()
            return True
        if self._waiting >= self.queue_depth:
            self.shed_total += 1
            return False
        self._waiting += 1
        try:
            async with asyncio.timeout(self.queue_timeout_s):
                await self._slots.acquire()
        except TimeoutError:
            self.shed_total += 1
            return False
        finally:
            self._waiting -= 1
        return True

    def release(self) -> None:
        self._slots.release()


def _overloaded(detail: str) -> ASGIApp:
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    return Problem(503, *http_problem(503, detail)).response(headers)


class ConcurrencyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, limiter: ConcurrencyLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        if not await self.limiter.acquire():
            await _overloaded("För många samtidiga anrop. Försök igen om en stund.")(scope, receive, send)
            return
        response_started = False

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if response_started or not is_database_busy(exc):
                raise
            await _overloaded("Databasen är upptagen. Försök igen om en stund.")(scope, receive, send)
        finally:
            self.limiter.release()
