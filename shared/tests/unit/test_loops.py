from __future__ import annotations

import asyncio

from prometheus_client import REGISTRY
from structlog.testing import capture_logs

from platform_shared.loops import Loop, Supervisor
from platform_shared.testing import wait_until


class Flaky:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    async def step(self) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            try:
                raise ConnectionRefusedError("database not reachable")
            except ConnectionRefusedError as cause:
                raise RuntimeError("tick failed") from cause


async def _is(value: bool) -> bool:
    return value


async def test_a_failing_loop_backs_off_logs_once_with_its_cause_and_resumes() -> None:
    flaky = Flaky(failures=6)
    supervisor = Supervisor("looptest", initial_backoff_s=0.001, max_backoff_s=0.01, summary_every_s=3600)
    with capture_logs() as logs:
        state = supervisor.start(Loop("flaky", flaky.step, interval_s=0.001))
        try:
            await wait_until(lambda: _is(state.status == "backing_off"))
            assert "RuntimeError: tick failed <- ConnectionRefusedError" in (state.last_error or "")
            assert supervisor.backing_off() == ["flaky"]
            await wait_until(lambda: _is(flaky.calls > 8 and state.status == "running"))
        finally:
            await supervisor.stop()
    failed = [line for line in logs if "backing off" in line["event"]]
    assert len(failed) == 1, "one line when the loop starts failing, not one per retry"
    assert "ConnectionRefusedError: database not reachable" in failed[0]["traceback"]
    assert 'raise RuntimeError("tick failed") from cause' in failed[0]["traceback"]
    assert sum("recovered" in line["event"] for line in logs) == 1
    assert state.last_success is not None and state.failures == 0
    assert REGISTRY.get_sample_value("looptest_loop_failures_total", {"loop": "flaky"}) == 6
    assert REGISTRY.get_sample_value("looptest_loop_up", {"loop": "flaky"}) == 1


async def test_a_loop_that_keeps_failing_says_so_once_a_summary_period() -> None:
    flaky = Flaky(failures=10**9)
    supervisor = Supervisor("looptest2", initial_backoff_s=0.001, max_backoff_s=0.001, summary_every_s=0.1)
    with capture_logs() as lines:
        supervisor.start(Loop("down", flaky.step))
        await asyncio.sleep(0.35)
        await supervisor.stop()
    assert flaky.calls > 50
    assert 2 <= len(lines) <= 5, lines
    assert supervisor.report()["down"]["status"] == "stopped"


def test_the_kafka_clients_repeated_lines_are_logged_once_a_minute_with_a_count() -> None:
    import logging

    from platform_shared.logs import RepeatFilter

    throttle = RepeatFilter(every_s=60)

    def line(name: str, msg: str) -> logging.LogRecord:
        return logging.LogRecord(name, logging.ERROR, __file__, 1, msg, ("1",), None)

    reconnects = [line("aiokafka.conn", "Unable connect to node with id %s") for _ in range(100)]
    assert [throttle.filter(r) for r in reconnects].count(True) == 1
    assert throttle.filter(line("aiokafka.client", "Unable to update metadata from %s"))  # another kind
    assert throttle.filter(line("platform_shared.loops", "our own lines are never held back"))
    throttle._seen[("aiokafka.conn", "Unable connect to node with id %s")] = (-1e9, 99)  # a minute on
    later = line("aiokafka.conn", "Unable connect to node with id %s")
    assert throttle.filter(later) and "99 similar lines" in later.getMessage()
