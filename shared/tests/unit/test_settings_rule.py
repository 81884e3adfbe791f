"""One name per setting: an unprefixed variable applies to every service in the environment, the same
name with the service's prefix overrides it for that service alone."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from platform_shared.settings import ServiceSettings


class ToySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TOY_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/toy.sqlite"
    greeting: str = "hej"


class OtherSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="OTHER_", extra="ignore")


OIDC = {"AUTH_MODE": "oidc", "OIDC_ISSUER": "https://idp.example.se", "OIDC_JWKS_URL": "https://idp/jwks"}


def test_an_unprefixed_setting_applies_to_every_service(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**OIDC, "MODE": "production", "LOG_LEVEL": "WARNING", "LOG_JSON": "false"}.items():
        monkeypatch.setenv(name, value)
    for settings in (ToySettings(), OtherSettings()):
        assert settings.mode == "production" and settings.auth_mode == "oidc"
        assert settings.oidc_issuer == "https://idp.example.se"
        assert settings.log_level == "WARNING" and settings.log_json is False


def test_a_prefixed_setting_overrides_the_unprefixed_one_for_its_service_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    monkeypatch.setenv("TOY_LOG_LEVEL", "DEBUG")
    assert ToySettings().log_level == "DEBUG"
    assert OtherSettings().log_level == "WARNING"


def test_database_url_and_a_services_own_settings_are_never_taken_unprefixed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://db/everything")
    monkeypatch.setenv("GREETING", "hallå")
    settings = ToySettings()
    assert settings.database_url == "sqlite+aiosqlite:///var/toy.sqlite"
    assert settings.greeting == "hej"
    monkeypatch.setenv("TOY_GREETING", "tjena")
    assert ToySettings().greeting == "tjena"


def test_production_mode_refuses_dev_tokens_whichever_name_sets_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODE", "production")
    with pytest.raises(ValidationError, match="production mode needs auth_mode=oidc"):
        ToySettings()
    monkeypatch.delenv("MODE")
    monkeypatch.setenv("TOY_MODE", "production")
    with pytest.raises(ValidationError, match="production mode needs auth_mode=oidc"):
        ToySettings()
    assert OtherSettings().mode == "embedded"
