from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from deviation_svc.config import DATA_KEY_FILE, DeviationSettings

OIDC = {
    "auth_mode": "oidc",
    "oidc_issuer": "https://idp.example",
    "oidc_jwks_url": "https://idp.example/jwks",
}


def test_production_refuses_to_start_without_a_personal_data_key() -> None:
    with pytest.raises(ValidationError) as err:
        DeviationSettings(mode="production", **OIDC)
    assert "DEVIATION_DATA_KEY" in str(err.value)
    DeviationSettings(mode="production", data_key="a passphrase", **OIDC)


def test_embedded_mode_generates_a_key_once_and_keeps_it_under_var(tmp_path: Path) -> None:
    settings = DeviationSettings(dev_key_dir=str(tmp_path))
    token = settings.cipher().encrypt("19121212-1212")
    assert (tmp_path / DATA_KEY_FILE).exists()
    again = DeviationSettings(dev_key_dir=str(tmp_path)).cipher()
    assert again.decrypt(token) == "19121212-1212"


def test_the_key_is_not_shown_in_the_settings_repr() -> None:
    assert "secret-key" not in repr(DeviationSettings(data_key="secret-key"))
