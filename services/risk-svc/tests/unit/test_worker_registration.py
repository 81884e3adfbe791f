from __future__ import annotations

from pathlib import Path

from platform_shared.runtime import ServiceRuntime
from risk_svc.app import DEFINITION, build_runtime
from risk_svc.config import RiskSettings


def _runtime(tmp_path: Path, run_scheduler: bool) -> ServiceRuntime:
    return build_runtime(
        RiskSettings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'risk.sqlite'}",
            local_bus_url=f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}",
            dev_key_dir=str(tmp_path),
            run_scheduler=run_scheduler,
        )
    )


def test_the_deadline_and_computed_indicator_workers_are_registered_as_extra_workers_unless_switched_off(
    tmp_path: Path,
) -> None:
    loops = DEFINITION.extra_workers(_runtime(tmp_path, True))
    assert [loop.name for loop in loops] == ["deadlines", "computed-indicators"]
    assert DEFINITION.extra_workers(_runtime(tmp_path, False)) == []


def test_the_deviation_history_consumer_reads_deviation_events_as_its_own_group(tmp_path: Path) -> None:
    groups = {c.spec.group: c.spec for c in _runtime(tmp_path, False).consumers}
    history = groups["risk.deviation-history"]
    assert history.topics == ("deviation.events",)
    assert {"DeviationReported", "LexSarahEscalated", "ComplaintReceived", "DeadlineMissed"} <= set(
        history.handlers
    )
