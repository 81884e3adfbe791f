"""Sending e-mail: over SMTP, or (the embedded default) as .eml files people can open."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol

from platform_shared.private_files import write_private
from platform_shared.timeutil import utc_now
from reporting_svc.config import ReportingSettings


class Mailer(Protocol):
    async def send(self, to: str, subject: str, body: str, message_key: str) -> None: ...


def build_message(sender: str, to: str, subject: str, body: str, message_key: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utc_now())
    message["Message-ID"] = make_msgid(idstring=message_key, domain=sender.rsplit("@", 1)[-1])
    message.set_content(body, charset="utf-8")
    return message


class FileMailer:
    """Writes each mail as <dir>/<key>.eml (overwriting a retry of the same mail)."""

    def __init__(self, directory: Path, sender: str) -> None:
        self._directory = directory
        self._sender = sender

    async def send(self, to: str, subject: str, body: str, message_key: str) -> None:
        message = build_message(self._sender, to, subject, body, message_key)
        path = self._directory / f"{message_key}.eml"

        await asyncio.to_thread(write_private, path, bytes(message))


class SmtpMailer:
    def __init__(self, settings: ReportingSettings) -> None:
        self._s = settings

    async def send(self, to: str, subject: str, body: str, message_key: str) -> None:
        message = build_message(self._s.mail_from, to, subject, body, message_key)

        def deliver() -> None:
            with smtplib.SMTP(self._s.smtp_host, self._s.smtp_port, timeout=self._s.smtp_timeout_s) as smtp:
                if self._s.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self._s.smtp_username:
                    smtp.login(self._s.smtp_username, self._s.smtp_password or "")
                smtp.send_message(message)

        await asyncio.to_thread(deliver)


def make_mailer(settings: ReportingSettings) -> Mailer | None:
    if settings.mail_mode == "file":
        return FileMailer(settings.mail_path, settings.mail_from)
    if settings.mail_mode == "smtp":
        return SmtpMailer(settings)
    return None
