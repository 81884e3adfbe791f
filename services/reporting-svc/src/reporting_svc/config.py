from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from platform_shared.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/reporting.sqlite"


@lru_cache
def get_settings() -> ReportingSettings:
    return ReportingSettings()
