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
    # "oidc" verifies against the issuer's JWKS (OIDC_JWKS_URL, or found through the issuer's discovery).
    auth_mode: Literal["dev", "oidc"] = "dev"
    dev_key_dir: str = "var"
    oidc_issuer: str | None = None
    oidc_audience: str = "kvalitet"  # comma-separated: a token naming any of them is accepted
    oidc_jwks_url: str | None = None
    oidc_token_types: str = "at+jwt"  # comma-separated accepted `typ` headers of an access token
    oidc_jwks_min_refetch_s: float = 30.0  # an unknown key id refetches the JWKS at most this often
    oidc_subject_claim: str = "sub"  # the claim matched against subjects registered in org-svc (Entra: oid)
    run_migrations: bool = True
    run_workers: bool = True
    relay_poll_interval_s: float = 0.5
    log_level: str = "INFO"
    log_json: bool = True

    @property
    def oidc_audiences(self) -> list[str]:
        return _listed(self.oidc_audience)

    @property
    def oidc_token_type_list(self) -> list[str]:
        return _listed(self.oidc_token_types)

    @model_validator(mode="after")
    def _production_needs_real_auth(self) -> ServiceSettings:
        if self.mode == "production" and self.auth_mode == "dev":
            raise ValueError("production mode needs auth_mode=oidc with oidc_issuer")
        if self.auth_mode == "oidc":
            if not self.oidc_issuer:
                raise ValueError("auth_mode=oidc needs oidc_issuer (the JWKS URL is discovered from it)")
            if not self.oidc_audiences or not self.oidc_token_type_list:
                raise ValueError("auth_mode=oidc needs at least one oidc_audience and oidc_token_types")
            urls = [("oidc_issuer", self.oidc_issuer), ("oidc_jwks_url", self.oidc_jwks_url or "https://")]
            for name, url in urls:
                if self.mode == "production" and not url.lower().startswith("https://"):
                    raise ValueError(f"production mode needs an https {name}")
        return self


def _listed(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]
