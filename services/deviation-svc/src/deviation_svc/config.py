from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from deviation_svc.domain.categories import DEFAULT_CATEGORIES
from platform_shared.crypto import FieldCipher
from platform_shared.private_files import FILE_MODE, private_dir
from platform_shared.settings import ServiceSettings

DATA_KEY_FILE = "deviation-data.key"


class DeviationSettings(ServiceSettings):
    """DEVIATION_* settings. The tenant's configuration of practice rules lives here too; deadline
    amounts are overridden per rule in the deadline_rule_override table."""

    model_config = SettingsConfigDict(env_prefix="DEVIATION_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/deviation.sqlite"
    # Key for the brukare's name and personnummer (Fernet key or passphrase). Required in production;
    # in embedded mode one is generated into DEV_KEY_DIR (var/) on first start when unset.
    data_key: str | None = Field(default=None, repr=False)
    # Attachments: a local directory (default <DEV_KEY_DIR>/attachments), a size limit, allowed types.
    attachment_dir: str | None = None
    attachment_max_bytes: int = 10 * 1024 * 1024
    attachment_content_types: list[str] = [
        "application/pdf",
        "image/jpeg",
        "image/png",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
    # Practice rules (docs/domain.md marks them [PRACTICE]): the tenant's configuration.
    categories: list[str] = list(DEFAULT_CATEGORIES)
    avvikelse_may_skip_phases: bool = True  # only Lex Sarah is bound to every phase (Sundsvall)
    # The provider as the IVO e-service asks for it (vårdgivare / huvudman).
    provider_name: str = "Socialnämnden"
    provider_org_nr: str = ""
    provider_address: str = ""
    provider_contact: str = ""
    deadline_interval_s: float = 30.0

    @model_validator(mode="after")
    def _production_needs_data_key(self) -> DeviationSettings:
        if self.mode == "production" and not self.data_key:
            raise ValueError("production mode needs DEVIATION_DATA_KEY (the key for personal data)")
        return self

    def attachments_path(self) -> Path:
        return Path(self.attachment_dir) if self.attachment_dir else Path(self.dev_key_dir) / "attachments"

    def cipher(self) -> FieldCipher:
        """The personal-data cipher; in embedded mode a key is generated and kept under var/."""
        if self.data_key:
            return FieldCipher(self.data_key)
        if self.mode == "production":  # pragma: no cover - refused by the validator
            raise ValueError("DEVIATION_DATA_KEY is required in production")
        path = Path(self.dev_key_dir) / DATA_KEY_FILE
        private_dir(path.parent)
        try:  # first start: make one, 0600 from the start, never overwrite
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as fresh:
                fresh.write(FieldCipher.generate_key())
        return FieldCipher(path.read_text(encoding="ascii").strip())


@lru_cache
def get_settings() -> DeviationSettings:
    return DeviationSettings()
