from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import SettingsConfigDict

from platform_shared.outbound_http import ReceiverPolicy
from platform_shared.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/reporting.sqlite"

    # Tenant defaults; the tenant's own values live in the database (GET/PATCH /api/v1/reports/settings).
    suppression_threshold: int = 5
    ivo_reminder_interval_hours: float = 24.0

    # Which of reporting's consumer groups this process runs (comma-separated): `projections` (the read
    # models), `notifications` (notifications, e-mail, webhook deliveries) and `arshjul` (activities
    # fulfilled by the owning services' events). Run them in separate processes to scale them apart;
    # every group must run somewhere.
    consumer_groups: str = "projections,notifications,arshjul"

    # Background workers (IVO reminders, e-mail, webhooks, dashboard gauges): how often each one looks.
    worker_interval_s: float = 1.0
    metrics_refresh_s: float = 15.0

    # E-mail: "file" writes each mail as an .eml file into mail_dir (the embedded default), "smtp" sends.
    mail_mode: Literal["file", "smtp", "off"] = "file"
    mail_dir: str | None = None  # default: <dev_key_dir>/mail, i.e. var/mail
    mail_from: str = "kvalitet@kommun.example.se"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_s: float = 10.0
    mail_max_attempts: int = 8

    # Outbound webhooks: attempts before a delivery becomes a dead letter, and the backoff between them.
    webhook_max_attempts: int = 8
    webhook_backoff_base_s: float = 10.0
    webhook_backoff_max_s: float = 3600.0
    webhook_timeout_s: float = 10.0
    # Receivers are called on public addresses only; internal ones are allowed here: networks or
    # addresses ("10.20.0.0/16", "127.0.0.1") and host names ("hooks.kommun.local"), as a JSON list.
    webhook_allowed_receivers: list[str] = []

    # Adopted reports are archived as DOCX and PDF here (default: <dev_key_dir>/reports, i.e. var/reports).
    reports_dir: str | None = None

    @property
    def groups(self) -> set[str]:
        found = {g.strip() for g in self.consumer_groups.split(",") if g.strip()}
        unknown = found - {"projections", "notifications", "arshjul"}
        if unknown:
            raise ValueError(f"unknown consumer groups: {', '.join(sorted(unknown))}")
        return found

    @property
    def receiver_policy(self) -> ReceiverPolicy:
        return ReceiverPolicy.from_setting(self.webhook_allowed_receivers)

    @property
    def mail_path(self) -> Path:
        return Path(self.mail_dir) if self.mail_dir else Path(self.dev_key_dir) / "mail"

    @property
    def reports_path(self) -> Path:
        return Path(self.reports_dir) if self.reports_dir else Path(self.dev_key_dir) / "reports"


@lru_cache
def get_settings() -> ReportingSettings:
    return ReportingSettings()
