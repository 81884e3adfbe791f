"""A server's objects from its start are frozen (left out of full collections) once its startup is
complete, and not before; requests pass through untouched."""

from __future__ import annotations

import gc
from typing import Any

from platform_shared.gc_tuning import FreezeAfterStartup


async def test_a_servers_objects_are_frozen_once_its_startup_is_complete() -> None:
    seen: list[int] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        seen.append(gc.get_freeze_count())
        await send({"type": "lifespan.startup.complete"})
        seen.append(gc.get_freeze_count())

    async def receive() -> dict[str, str]:
        return {"type": "lifespan.startup"}

    async def send(_message: Any) -> None:
        return None

    gc.unfreeze()
    try:
        await FreezeAfterStartup(app)({"type": "lifespan"}, receive, send)
        assert seen[0] == 0 and seen[1] > 0
    finally:
        gc.unfreeze()  # the test suite's objects stay collectable


async def test_a_request_passes_through_and_freezes_nothing() -> None:
    calls: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        calls.append(scope["type"])

    gc.unfreeze()
    await FreezeAfterStartup(app)({"type": "http"}, None, None)  # type: ignore[arg-type]
    assert calls == ["http"] and gc.get_freeze_count() == 0
