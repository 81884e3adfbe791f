"""The mail worker: sends queued e-mails, retries with backoff, gives up after the last attempt.

A mail is claimed with a short lease before it is sent, so two workers never send the same one."""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from platform_shared.timeutil import Clock
from reporting_svc.adapters.mailer import Mailer
from reporting_svc.adapters.orm import MailMessage
from reporting_svc.config import ReportingSettings
from reporting_svc.domain.webhooks import next_attempt_at

log = structlog.get_logger(__name__)

LEASE = timedelta(minutes=2)


class MailWorker:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        mailer: Mailer,
        settings: ReportingSettings,
        clock: Clock,
    ) -> None:
        self._factory = session_factory
        self._mailer = mailer
        self._settings = settings
        self._clock = clock

    async def _claim(self) -> list[MailMessage]:
        now = self._clock()
        m = MailMessage
        claimed: list[MailMessage] = []
        async with self._factory() as session, session.begin():
            due = (
                await session.scalars(
                    select(m)
                    .where(
                        m.sent_at.is_(None),
                        m.failed_at.is_(None),
                        m.next_attempt_at <= now,
                        or_(m.lease_until.is_(None), m.lease_until < now),
                    )
                    .order_by(m.next_attempt_at)
                    .limit(20)
                )
            ).all()
            for mail in due:
                result = await session.execute(
                    update(m)
                    .where(m.id == mail.id, or_(m.lease_until.is_(None), m.lease_until < now))
                    .values(lease_until=now + LEASE)
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount:  # type: ignore[attr-defined]
                    claimed.append(mail)
        return claimed

    async def tick(self) -> int:
        sent = 0
        for mail in await self._claim():
            error: str | None = None
            try:
                await self._mailer.send(mail.to_address, mail.subject, mail.body, str(mail.id))
            except Exception as exc:  # any failure of the mail server is retried
                error = repr(exc)[:2000]
            now = self._clock()
            attempts = mail.attempts + 1
            values: dict[str, object] = {"attempts": attempts, "lease_until": None, "last_error": error}
            if error is None:
                values["sent_at"] = now
                sent += 1
            else:
                retry = next_attempt_at(
                    attempts,
                    now,
                    max_attempts=self._settings.mail_max_attempts,
                    base_s=self._settings.webhook_backoff_base_s,
                    cap_s=self._settings.webhook_backoff_max_s,
                )
                values |= {"failed_at": now} if retry is None else {"next_attempt_at": retry}
                log.warning("mail not sent", mail_id=str(mail.id), attempts=attempts, error=error)
            async with self._factory() as session, session.begin():
                await session.execute(update(MailMessage).where(MailMessage.id == mail.id).values(**values))
        return sent
