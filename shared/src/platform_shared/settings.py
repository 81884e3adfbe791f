"""Settings common to every service. Each service subclasses with its own env prefix (ORG_, DEVIATION_…)."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    mode: Literal["embedded", "production"] = "embedded"
    database_url: str = "sqlite+aiosqlite:///var/service.sqlite"
    bus: Literal["local", "kafka"] = "local"
    local_bus_url: str = "sqlite+aiosqlite:///var/bus.sqlite"
    kafka_bootstrap_servers: str = "localhost:9092"
    kafka_fetch_max_wait_ms: int = 100
    kafka_metadata_max_age_ms: int = 300_000
    # Authentication: "dev" verifies tokens signed with the key generated into var/ (embedded default);
    # "oidc" verifies against the issuer's JWKS.
    auth_mode: Literal["dev", "oidc"] = "dev"
    dev_key_dir: str = "var"
    oidc_issuer: str | None = None
    oidc_audience: str = "kvalitet"
    oidc_jwks_url: str | None = None
    run_migrations: bool = True
    run_workers: bool = True
    relay_poll_interval_s: float = 0.5
    log_level: str = "INFO"
    log_json: bool = True

    @model_validator(mode="after")
    def _production_needs_real_auth(self) -> ServiceSettings:
        if self.mode == "production" and self.auth_mode == "dev":
            raise ValueError("production mode needs auth_mode=oidc with oidc_issuer and oidc_jwks_url")
        if self.auth_mode == "oidc" and not (self.oidc_issuer and self.oidc_jwks_url):
            raise ValueError("auth_mode=oidc needs oidc_issuer and oidc_jwks_url")
        return self
