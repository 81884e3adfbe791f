from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from platform_shared.settings import ServiceSettings


class RiskSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RISK_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/risk.sqlite"
    # The deadline worker: opens each unit's yearly-analysis deadline and emits DeadlineApproaching /
    # DeadlineMissed (controls, yearly analyses) through the shared DeadlineScheduler.
    run_scheduler: bool = True
    scheduler_interval_s: float = 30.0


@lru_cache
def get_settings() -> RiskSettings:
    return RiskSettings()
