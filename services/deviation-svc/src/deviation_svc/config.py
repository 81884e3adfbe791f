from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from platform_shared.settings import ServiceSettings


class DeviationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DEVIATION_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/deviation.sqlite"


@lru_cache
def get_settings() -> DeviationSettings:
    return DeviationSettings()
