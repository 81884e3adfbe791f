"""Settings common to every service. Each service subclasses with its own env prefix (ORG_, DEVIATION_…).

One name per setting: an unprefixed variable (`MODE`, `AUTH_MODE`, `LOG_LEVEL`, …) applies to every
service in the environment, the same name with the service's prefix (`DEVIATION_MODE`) overrides it
for that service alone. The unprefixed names are the settings declared here, common to all four
services, except `DATABASE_URL` (each service has a database of its own); a service's own settings
(`DEVIATION_DATA_KEY`, …) are read with its prefix only.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

# Each service's own, never taken from an unprefixed variable.
PER_SERVICE_ONLY = frozenset({"database_url"})


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
    relay_linger_s: float = 0.005  # after a commit's wake-up: the commits right behind it join the round
    log_level: str = "INFO"
    # Traces (platform_shared/tracing.py): the OTLP/HTTP collector's base URL (`/v1/traces` is added);
    # none: no spans are recorded, the trace context still travels and log lines carry its ids.
    otel_exporter_otlp_endpoint: str | None = None
    log_json: bool = True
    # Input limits, checked before any work (api/limits.py): a request body (JSON; a route that takes
    # uploads declares its own), all request headers together, the bearer token.
    max_body_bytes: int = 1024 * 1024
    max_header_bytes: int = 16 * 1024
    max_token_bytes: int = 8 * 1024
    # Overload (api/overload.py): API requests served at once per process (up to request_queue_depth
    # more wait, each at most request_queue_timeout_s, then 503 with Retry-After; beyond the depth a
    # 503 at once), and the database connection pool (a request waiting longer than db_pool_timeout_s
    # for a connection answers 503).
    max_concurrent_requests: int = 8
    request_queue_depth: int = 32
    request_queue_timeout_s: float = 0.25
    db_pool_size: int = 10
    db_max_overflow: int = 10
    db_pool_timeout_s: float = 1.0

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

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Earlier sources win: arguments, then the prefixed variable, then the unprefixed one.
        return (
            init_settings,
            env_settings,
            UnprefixedCommonSettings(settings_cls),
            dotenv_settings,
            file_secret_settings,
        )


class UnprefixedCommonSettings(EnvSettingsSource):
    """The environment-wide value of a common setting: `MODE` for every service's `mode`."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls, env_prefix="")

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field_name not in ServiceSettings.model_fields or field_name in PER_SERVICE_ONLY:
            return None, field_name, False
        return super().get_field_value(field, field_name)


def _listed(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]
