"""A server process's objects from its start kept out of the cyclic collector's passes.

Importing and starting a service (four in the embedded default) leaves some 400 000 long-lived
objects; every full collection walked them all, a pause of ~200 ms on this project's machines in
which no request and no event moved (the embedded default's event lag spiked to 0.5–0.9 s about every
ten seconds). Frozen after the start, they are left out; what the process makes later is collected as
before. Only for a server's own process: a test suite starting many apps would keep each one's
objects for good."""

from __future__ import annotations

import gc
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def freeze_after_start() -> None:
    gc.collect()
    gc.freeze()


class FreezeAfterStartup:
    """The ASGI app, with `freeze_after_start` once its lifespan's startup is complete."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def __getattr__(self, name: str) -> Any:  # the wrapped app's attributes (state, routes …)
        if name == "app":  # not set yet (a copy): no endless lookup
            raise AttributeError(name)
        return getattr(self.app, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                freeze_after_start()
            await send(message)

        await self.app(scope, receive, sending)
