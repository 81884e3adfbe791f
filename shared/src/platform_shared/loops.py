"""Supervised background loops: every relay, consumer, scheduler and worker of a service runs under one.

A loop awaits its `step` again and again (pausing `interval_s` after each success). A step that
raises is never the end of the loop: the exception is logged once, with its cause and traceback,
when the loop starts failing; the loop backs off (doubling, capped) and tries again; while it keeps
failing one summary line a minute says so, and one line says when it recovered. Each loop's state
(running or backing off since when, last error, last success) is in `/ready`'s body and in the
Prometheus metrics `<service>_loop_up`, `<service>_loop_failures_total` and
`<service>_loop_last_success_timestamp_seconds`.

    supervisor = Supervisor("reporting")
    supervisor.start(Loop("webhooks", worker.tick, interval_s=1.0))
    ...
    await supervisor.stop()
"""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import structlog

from platform_shared import metrics
from platform_shared.timeutil import utc_now

log = structlog.get_logger(__name__)

Status = Literal["starting", "running", "backing_off", "stopped"]
SUMMARY_EVERY_S = 60.0


@dataclass(frozen=True)
class Loop:
    """A named background loop. `step` is awaited again and again; it may wait by itself (a fetch
    with a timeout), or `interval_s` sets the pause after each successful step (a periodic tick)."""

    name: str
    step: Callable[[], Awaitable[Any]]
    interval_s: float = 0.0


@dataclass
class LoopState:
    name: str
    status: Status = "starting"
    since: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    failures: int = 0  # consecutive

    def as_dict(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "status": self.status,
            "since": iso(self.since),
            "last_success": iso(self.last_success),
            "last_error": self.last_error,
            "last_error_at": iso(self.last_error_at),
            "consecutive_failures": self.failures,
        }


def describe(exc: BaseException) -> str:
    """`Type: message`, followed by the chain of causes (`<- Type: message`)."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(parts) < 5:
        seen.add(id(current))
        text = str(current)
        name = type(current).__name__
        parts.append(name if not text else text if text.startswith(name) else f"{name}: {text}")
        current = current.__cause__ or current.__context__
    return " <- ".join(parts)[:2000]


class Supervisor:
    """Starts loops as tasks, keeps their state, and stops them."""

    def __init__(
        self,
        service: str,
        *,
        initial_backoff_s: float = 0.1,
        max_backoff_s: float = 5.0,
        summary_every_s: float = SUMMARY_EVERY_S,
    ) -> None:
        self.service = service
        self._initial_backoff_s = initial_backoff_s
        self._max_backoff_s = max_backoff_s
        self._summary_every_s = summary_every_s
        self._states: dict[str, LoopState] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._up = metrics.gauge(
            f"{service}_loop_up", "1 while a background loop runs, 0 while it backs off", ("loop",)
        )
        self._failures = metrics.counter(
            f"{service}_loop_failures_total", "Failed steps of a background loop", ("loop",)
        )
        self._last_success = metrics.gauge(
            f"{service}_loop_last_success_timestamp_seconds",
            "Unix time of a background loop's last successful step",
            ("loop",),
        )

    @property
    def states(self) -> list[LoopState]:
        return list(self._states.values())

    def state(self, name: str) -> LoopState:
        return self._states[name]

    def start(self, loop: Loop) -> LoopState:
        if loop.name in self._states and self._states[loop.name].status != "stopped":
            raise ValueError(f"a loop named {loop.name!r} is already running")
        state = LoopState(loop.name, since=utc_now())
        self._states[loop.name] = state
        self._tasks.append(asyncio.create_task(self._run(loop, state), name=f"{self.service}:{loop.name}"))
        return state

    def report(self) -> dict[str, dict[str, Any]]:
        """Every loop's state, for /ready's body."""
        return {name: state.as_dict() for name, state in self._states.items()}

    def backing_off(self) -> list[str]:
        return [s.name for s in self._states.values() if s.status == "backing_off"]

    async def stop(self, grace_s: float = 5.0) -> None:
        await cancel_all(self._tasks, grace_s)
        self._tasks.clear()
        for state in self._states.values():
            state.status = "stopped"
            state.since = utc_now()

    async def _run(self, loop: Loop, state: LoopState) -> None:
        backoff = self._initial_backoff_s
        failing_since = 0.0
        last_summary = 0.0
        failures_since_summary = 0
        up = self._up.labels(loop.name)
        while True:
            try:
                await loop.step()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                now = time.monotonic()
                self._failures.labels(loop.name).inc()
                up.set(0)
                state.failures += 1
                state.last_error = describe(exc)
                state.last_error_at = utc_now()
                failures_since_summary += 1
                if state.status != "backing_off":
                    state.status = "backing_off"
                    state.since = state.last_error_at
                    failing_since = last_summary = now
                    failures_since_summary = 0
                    log.warning(
                        "background loop failed; backing off and retrying",
                        service=self.service,
                        loop=loop.name,
                        error=state.last_error,
                        traceback="".join(traceback.format_exception(exc)),
                    )
                elif now - last_summary >= self._summary_every_s:
                    log.warning(
                        "background loop still failing",
                        service=self.service,
                        loop=loop.name,
                        failing_for_s=round(now - failing_since, 1),
                        failures=failures_since_summary,
                        last_error=state.last_error,
                    )
                    last_summary = now
                    failures_since_summary = 0
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff_s)
                continue
            state.last_success = utc_now()
            self._last_success.labels(loop.name).set(state.last_success.timestamp())
            up.set(1)
            if state.status != "running":
                if state.status == "backing_off":
                    log.info(
                        "background loop recovered",
                        service=self.service,
                        loop=loop.name,
                        failed_for_s=round(time.monotonic() - failing_since, 1),
                        failures=state.failures,
                    )
                state.status = "running"
                state.since = state.last_success
            state.failures = 0
            backoff = self._initial_backoff_s
            if loop.interval_s > 0:
                await asyncio.sleep(loop.interval_s)


async def cancel_all(tasks: list[asyncio.Task[None]], grace_s: float = 5.0) -> None:
    """Cancel background tasks and wait for them; cancel again if one swallowed the first request."""
    pending = {t for t in tasks if not t.done()}
    deadline = asyncio.get_running_loop().time() + grace_s
    while pending:
        for task in pending:
            task.cancel()
        done, pending = await asyncio.wait(pending, timeout=0.2)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                log.warning(
                    "background task ended with an error", task=task.get_name(), error=repr(task.exception())
                )
        if asyncio.get_running_loop().time() > deadline:
            log.error("background tasks did not stop", tasks=[t.get_name() for t in pending])
            return
