"""Overload: a saturated service sheds load with a quick 503 and Retry-After, and recovers."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
from fastapi import APIRouter, FastAPI
from sqlalchemy import text

from platform_shared.api.middleware import install_middleware
from platform_shared.api.overload import ConcurrencyLimiter
from platform_shared.api.problems import install_error_handlers
from platform_shared.db import make_engine, make_session_factory, pool_options
from platform_shared.settings import ServiceSettings


def slow_app(limiter: ConcurrencyLimiter, hold_s: float) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    install_middleware(app, ServiceSettings(), limiter)
    router = APIRouter(prefix="/api/v1/things")

    @router.get("")
    async def slow() -> dict[str, str]:
        await asyncio.sleep(hold_s)
        return {"ok": "yes"}

    app.include_router(router)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


async def _timed(http: httpx.AsyncClient, path: str) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = await http.get(path)
    return response, time.perf_counter() - started


async def test_a_saturated_service_answers_503_with_retry_after_within_a_second_and_recovers() -> None:
    limiter = ConcurrencyLimiter(max_concurrent=2, queue_timeout_s=0.3, queue_depth=2)
    app = slow_app(limiter, hold_s=1.5)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as http:
        answers = await asyncio.gather(*[_timed(http, "/api/v1/things") for _ in range(6)])
        health = await http.get("/health")  # operational paths are never limited
        after = await http.get("/api/v1/things")
    served = [r for r, _ in answers if r.status_code == 200]
    shed = [(r, s) for r, s in answers if r.status_code == 503]
    assert len(served) == 2 and len(shed) == 4
    for response, seconds in shed:
        assert response.headers["retry-after"] == "1"
        assert response.json()["type"] == "/problems/overloaded"
        assert seconds < 1.0
    # two wait for a slot until the queue timeout; the queue is full for the two after them: at once
    assert sorted(seconds < 0.2 for _, seconds in shed) == [False, False, True, True]
    assert health.status_code == 200 and after.status_code == 200
    assert limiter.shed_total == 4


async def test_requests_in_the_waiting_room_are_served_in_turn_when_slots_free_in_time() -> None:
    limiter = ConcurrencyLimiter(max_concurrent=2, queue_timeout_s=1.0, queue_depth=6)
    app = slow_app(limiter, hold_s=0.2)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as http:
        answers = await asyncio.gather(*[_timed(http, "/api/v1/things") for _ in range(8)])
    assert [r.status_code for r, _ in answers] == [200] * 8
    assert limiter.shed_total == 0


async def test_a_request_that_gets_no_database_connection_in_time_answers_503(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", **pool_options(1, 0, 0.2))
    sessions = make_session_factory(engine)
    app = FastAPI()
    install_error_handlers(app)
    install_middleware(app, ServiceSettings())

    @app.get("/api/v1/hold")
    async def hold() -> dict[str, str]:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))
            await asyncio.sleep(1.0)
        return {"ok": "yes"}

    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as http:
            first = asyncio.create_task(http.get("/api/v1/hold"))
            await asyncio.sleep(0.2)
            second, seconds = await _timed(http, "/api/v1/hold")
            assert (await first).status_code == 200
    finally:
        await engine.dispose()
    assert second.status_code == 503 and second.headers["retry-after"] == "1"
    assert seconds < 1.0
