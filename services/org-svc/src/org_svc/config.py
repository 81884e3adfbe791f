from __future__ import annotations

from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from platform_shared.settings import ServiceSettings


class OrgSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORG_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/org.sqlite"
    # First start of an empty organisation: the root unit and its first systemadministrator.
    organisation_name: str = "Socialnämnden"
    bootstrap_admin_subject: str | None = None
    bootstrap_admin_email: str = "admin@example.se"
    bootstrap_admin_name: str = "Systemadministratör"
    # Deadlines (document reviews): DeadlineApproaching/DeadlineMissed through the shared scheduler.
    run_scheduler: bool = True
    scheduler_interval_s: float = 60.0


@lru_cache
def get_settings() -> OrgSettings:
    return OrgSettings()
