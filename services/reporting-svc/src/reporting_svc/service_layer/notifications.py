"""The notification group: events into in-app notifications (and their e-mails), IVO reminders.

Exactly one notification per event and recipient: the inbox skips a redelivered event, and the unique
(event_id, recipient_id) key holds even without it; the e-mail is queued only with a notification
that was actually inserted. Reminders get a deterministic event id per (anmälan, number).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import structlog
from sqlalchemy import insert, select, update

from platform_shared.contracts import common, deviation
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.topics import DEVIATION_EVENTS, ORG_EVENTS, REPORTING_EVENTS, RISK_EVENTS
from platform_shared.deadlines.rules import LAW_DEFAULTS
from platform_shared.ids import new_id
from platform_shared.messaging.consumer import ConsumerSpec, Handler
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.directory import OrgDirectory, PersonRecord
from platform_shared.orgreplica.tables import ReplicaTables
from platform_shared.roles import Role
from platform_shared.sqlutil import insert_ignore
from platform_shared.timeutil import Clock
from reporting_svc.adapters.orm import ArshjulActivity, IvoReminder, MailMessage, ivo_reminder, notification
from reporting_svc.config import ReportingSettings
from reporting_svc.domain.notifications import (
    EscalationLaw,
    Notice,
    arshjul_notices,
    closed_notice,
    deadline_notices,
    escalation_notices,
    handed_back_notices,
    ivo_reminder_notice,
    manager_above,
    new_report_notices,
)
from reporting_svc.service_layer import tenant
from reporting_svc.service_layer.webhooks import OutboundHandlers, webhook_enqueue

log = structlog.get_logger(__name__)

NOTIFICATIONS_GROUP = "reporting.notifications"
ARSHJUL_ACTIVITY = "arshjul_activity"  # the object type of an årshjul activity's deadline
MAIL_FOOTER = "Detta meddelande finns också bland dina aviseringar i kvalitetssystemet."
REMINDER_NAMESPACE = uuid.UUID("6f1c3f50-2f0e-4a57-9d0e-3c1e1d6b7a11")

T = TypeVar("T")


class BatchDirectory:
    """The org replica's answers for one transaction (a consumer batch): each question is asked of
    the database once, at one moment (the transaction's first clock reading), so the routing of a
    batch of events on the same units costs a few look-ups instead of several per event."""

    def __init__(self, uow: UnitOfWork, replica: ReplicaTables) -> None:
        self._directory = OrgDirectory(uow.session, replica)
        self._session = uow.session
        self._replica = replica
        self.at = uow.clock()
        self._answers: dict[tuple[Any, ...], Any] = {}

    @classmethod
    def of(cls, uow: UnitOfWork, replica: ReplicaTables) -> BatchDirectory:
        info = uow.session.info
        found = info.get(cls)
        if not isinstance(found, cls):
            found = info[cls] = cls(uow, replica)
        return found

    async def _once(self, key: tuple[Any, ...], ask: Callable[[], Awaitable[T]]) -> T:
        if key not in self._answers:
            self._answers[key] = await ask()
        answer: T = self._answers[key]
        return answer

    async def nearest_with_role(self, role: str, unit_id: uuid.UUID) -> list[uuid.UUID]:
        key = ("nearest", role, unit_id)
        return list(await self._once(key, lambda: self._directory.nearest_with_role(role, unit_id, self.at)))

    async def people_with_role_over(self, role: str, unit_id: uuid.UUID) -> list[uuid.UUID]:
        key = ("over", role, unit_id)
        ask = lambda: self._directory.people_with_role_over(role, unit_id, self.at)  # noqa: E731
        return list(await self._once(key, ask))

    async def ancestors_and_self(self, unit_id: uuid.UUID) -> list[uuid.UUID]:
        return list(
            await self._once(("ancestors", unit_id), lambda: self._directory.ancestors_and_self(unit_id))
        )

    async def person(self, person_id: uuid.UUID) -> PersonRecord | None:
        return await self._once(("person", person_id), lambda: self._directory.person(person_id))

    async def unit_name(self, unit_id: uuid.UUID) -> str:
        unit = self._replica.unit.c

        async def ask() -> str:
            name = await self._session.scalar(select(unit.name).where(unit.id == unit_id))
            return str(name) if name else "enheten"

        return await self._once(("unit_name", unit_id), ask)


@dataclass(frozen=True)
class About:
    """What a notification is about (for links and filters)."""

    object_type: str | None = None
    object_id: uuid.UUID | None = None
    deviation_id: uuid.UUID | None = None
    reference: str | None = None
    unit_id: uuid.UUID | None = None


async def store(
    uow: UnitOfWork,
    replica: ReplicaTables,
    *,
    event_id: uuid.UUID,
    event_type: str,
    notices: Sequence[Notice],
    about: About,
    mail: bool,
) -> int:
    """Insert each notice once per (event, recipient); queue its e-mail with it. Returns how many new."""
    now = uow.clock()
    created = 0
    directory = BatchDirectory.of(uow, replica)
    mails: list[dict[str, Any]] = []
    for notice in notices:
        notification_id = new_id()
        inserted = await insert_ignore(
            uow.session,
            notification,
            {
                "id": notification_id,
                "recipient_id": notice.recipient_id,
                "event_id": event_id,
                "event_type": event_type,
                "kind": notice.kind.value,
                "title": notice.title[:300],
                "body": notice.body,
                "deviation_id": about.deviation_id,
                "reference": about.reference,
                "object_type": about.object_type,
                "object_id": about.object_id,
                "unit_id": about.unit_id,
                "created_at": now,
                "read_at": None,
            },
        )
        if not inserted:
            continue
        created += 1
        person = await directory.person(notice.recipient_id) if mail else None
        if person is not None and person.active and person.email:
            mails.append(
                {
                    "id": new_id(),
                    "notification_id": notification_id,
                    "to_address": person.email,
                    "subject": notice.title[:300],
                    "body": f"{notice.body}\n\n{MAIL_FOOTER}",
                    "created_at": now,
                    "next_attempt_at": now,
                    "attempts": 0,
                }
            )
    if mails:  # a Core insert: no ORM objects for the flush to track
        await uow.session.execute(insert(MailMessage), mails)
    return created


class NotificationRouting:
    """Handlers of the notification group: who is told of each event (domain/notifications.py)."""

    def __init__(self, replica: ReplicaTables, settings: ReportingSettings) -> None:
        self._replica = replica
        self._settings = settings

    @property
    def _mail(self) -> bool:
        return self._settings.mail_mode != "off"

    def spec(self) -> ConsumerSpec:
        """The outbound group: notifications, and the webhook deliveries of the same events."""
        handlers: dict[str, Handler] = {
            deviation.LexSarahEscalated.event_type: self.escalated,
            deviation.LexMariaEscalated.event_type: self.escalated,
            deviation.IvoNotificationSent.event_type: self.ivo_sent,
            deviation.DeviationReported.event_type: self.reported,
            deviation.DeviationClosed.event_type: self.closed,
            deviation.DeviationReclassified.event_type: self.reclassified,
            common.DeadlineApproaching.event_type: self.deadline,
            common.DeadlineMissed.event_type: self.deadline,
        }
        return ConsumerSpec(
            group=NOTIFICATIONS_GROUP,
            # org.events: the ledningssystem's deadlines (document reviews, the information duty);
            # reporting's own: the årshjul's deadlines
            topics=(DEVIATION_EVENTS, RISK_EVENTS, ORG_EVENTS, REPORTING_EVENTS),
            handlers=OutboundHandlers(handlers, webhook_enqueue(self._replica)),
        )

    async def escalated(self, uow: UnitOfWork, envelope: EventEnvelope, event: EventPayload) -> None:
        assert isinstance(event, deviation.LexSarahEscalated | deviation.LexMariaEscalated)
        law = (
            EscalationLaw.LEX_SARAH
            if isinstance(event, deviation.LexSarahEscalated)
            else EscalationLaw.LEX_MARIA
        )
        directory = BatchDirectory.of(uow, self._replica)
        kvalitetsledare = await directory.people_with_role_over(Role.KVALITETSLEDARE, event.unit_id)
        namnd = await directory.people_with_role_over(Role.NAMND_LEDAMOT, event.unit_id)
        socialchefs = await directory.nearest_with_role(Role.SOCIALCHEF, event.unit_id)
        notices = escalation_notices(
            law,
            event.reference,
            event.degree,
            event.decided_by,
            sorted(kvalitetsledare),
            sorted(namnd),
            socialchefs=socialchefs,
        )
        await store(
            uow,
            self._replica,
            event_id=envelope.id,
            event_type=event.event_type,
            notices=notices,
            about=_about_deviation(event),
            mail=self._mail,
        )
        interval = (await tenant.load(uow.session, self._settings)).ivo_reminder_interval_hours
        await insert_ignore(
            uow.session,
            ivo_reminder,
            {
                "deviation_id": event.deviation_id,
                "law": law.value,
                "reference": event.reference,
                "unit_id": event.unit_id,
                "decided_by": event.decided_by,
                "decided_at": event.decided_at,
                "next_at": event.decided_at + timedelta(hours=interval),
                "reminders_sent": 0,
                "stopped_at": None,
            },
        )

    async def ivo_sent(self, uow: UnitOfWork, _: EventEnvelope, event: EventPayload) -> None:
        """The anmälan is recorded as sent: its reminders stop (also if the escalation comes later)."""
        assert isinstance(event, deviation.IvoNotificationSent)
        law = EscalationLaw.LEX_MARIA if event.kind == "lex_maria" else EscalationLaw.LEX_SARAH
        await insert_ignore(
            uow.session,
            ivo_reminder,
            {
                "deviation_id": event.deviation_id,
                "law": law.value,
                "reference": event.reference,
                "unit_id": event.unit_id,
                "next_at": None,
                "reminders_sent": 0,
                "stopped_at": event.sent_at,
            },
        )
        await uow.session.execute(
            update(IvoReminder)
            .where(IvoReminder.deviation_id == event.deviation_id, IvoReminder.stopped_at.is_(None))
            .values(stopped_at=event.sent_at)
        )

    async def reported(self, uow: UnitOfWork, envelope: EventEnvelope, event: EventPayload) -> None:
        assert isinstance(event, deviation.DeviationReported)
        directory = BatchDirectory.of(uow, self._replica)
        chefs = await directory.nearest_with_role(Role.ENHETSCHEF, event.unit_id)
        if not chefs:
            return
        unit_name = await directory.unit_name(event.unit_id)
        notices = new_report_notices(
            event.reference, event.deviation_type, unit_name, chefs, event.reporter_id
        )
        await store(
            uow,
            self._replica,
            event_id=envelope.id,
            event_type=event.event_type,
            notices=notices,
            about=_about_deviation(event),
            mail=self._mail,
        )

    async def closed(self, uow: UnitOfWork, envelope: EventEnvelope, event: EventPayload) -> None:
        assert isinstance(event, deviation.DeviationClosed)
        await store(
            uow,
            self._replica,
            event_id=envelope.id,
            event_type=event.event_type,
            notices=closed_notice(event.reference, event.reporter_id),
            about=_about_deviation(event),
            mail=self._mail,
        )

    async def reclassified(self, uow: UnitOfWork, envelope: EventEnvelope, event: EventPayload) -> None:
        """A Lex Sarah report handed back as an avvikelse: its reporter and the socialchef are told."""
        assert isinstance(event, deviation.DeviationReclassified)
        if (event.from_type, event.to_type) != ("lex_sarah", "avvikelse"):
            return
        directory = BatchDirectory.of(uow, self._replica)
        socialchefs = await directory.nearest_with_role(Role.SOCIALCHEF, event.unit_id)
        await store(
            uow,
            self._replica,
            event_id=envelope.id,
            event_type=event.event_type,
            notices=handed_back_notices(
                event.reference, event.reporter_id, socialchefs, event.reclassified_by
            ),
            about=_about_deviation(event),
            mail=self._mail,
        )

    async def deadline(self, uow: UnitOfWork, envelope: EventEnvelope, event: EventPayload) -> None:
        assert isinstance(event, common.DeadlineApproaching | common.DeadlineMissed)
        missed = isinstance(event, common.DeadlineMissed)
        directory = BatchDirectory.of(uow, self._replica)
        if event.responsible_person_id is not None:
            responsible = [event.responsible_person_id]
        elif event.responsible_role:
            responsible = await directory.nearest_with_role(event.responsible_role, event.unit_id)
        else:
            responsible = []
        managers = (
            manager_above(await _role_chain(uow, self._replica, directory, event.unit_id), responsible)
            if missed
            else []
        )
        rule = LAW_DEFAULTS.get(event.rule)
        activity = (
            await uow.session.get(ArshjulActivity, event.object_id)
            if event.object_type == ARSHJUL_ACTIVITY
            else None
        )
        if activity is not None:
            notices = arshjul_notices(
                missed=missed,
                title=activity.title,
                due_on=activity.due_on,
                responsible=responsible,
                managers=managers,
            )
        else:
            notices = deadline_notices(
                missed=missed,
                rule_title=rule.title if rule else event.rule,
                reference=event.reference,
                due_at=event.due_at,
                responsible=responsible,
                managers=managers,
                object_type=event.object_type,
            )
        if not notices:
            log.warning("deadline without anyone to tell", rule=event.rule, unit_id=str(event.unit_id))
        await store(
            uow,
            self._replica,
            event_id=envelope.id,
            event_type=event.event_type,
            notices=notices,
            about=About(
                object_type=event.object_type,
                object_id=event.object_id,
                deviation_id=event.object_id if event.object_type == "deviation" else None,
                reference=event.reference,
                unit_id=event.unit_id,
            ),
            mail=self._mail,
        )


def _about_deviation(event: deviation._DeviationEvent) -> About:
    return About(
        object_type="deviation",
        object_id=event.deviation_id,
        deviation_id=event.deviation_id,
        reference=event.reference,
        unit_id=event.unit_id,
    )


async def _role_chain(
    uow: UnitOfWork, replica: ReplicaTables, directory: BatchDirectory, unit_id: uuid.UUID
) -> list[list[tuple[uuid.UUID, str]]]:
    """Role holders on the unit and each ancestor, nearest first."""
    r = replica.role.c
    at = directory.at
    chain: list[list[tuple[uuid.UUID, str]]] = []
    for ancestor in await directory.ancestors_and_self(unit_id):
        rows = await uow.session.execute(
            select(r.person_id, r.role).where(
                r.unit_id == ancestor, r.valid_from <= at, (r.valid_to.is_(None)) | (r.valid_to > at)
            )
        )
        chain.append([(row.person_id, row.role) for row in rows])
    return chain


# --- IVO reminders ------------------------------------------------------------------------------


class IvoReminders:
    """Reminds the decision-maker of a decided IVO anmälan until it is recorded as sent."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        replica: ReplicaTables,
        settings: ReportingSettings,
        clock: Clock,
    ) -> None:
        self._uow_factory = uow_factory
        self._replica = replica
        self._settings = settings
        self._clock = clock

    async def tick(self) -> int:
        sent = 0
        async with self._uow_factory() as uow:
            now = self._clock()
            interval = timedelta(
                hours=(await tenant.load(uow.session, self._settings)).ivo_reminder_interval_hours
            )
            due = (
                await uow.session.scalars(
                    select(IvoReminder)
                    .where(IvoReminder.stopped_at.is_(None), IvoReminder.next_at <= now)
                    .order_by(IvoReminder.next_at)
                    .limit(100)
                )
            ).all()
            for reminder in due:
                number = reminder.reminders_sent + 1
                following = (
                    max(reminder.next_at + interval, now + interval) if reminder.next_at else now + interval
                )
                claimed = await uow.session.execute(
                    update(IvoReminder)
                    .where(
                        IvoReminder.deviation_id == reminder.deviation_id,
                        IvoReminder.reminders_sent == reminder.reminders_sent,
                        IvoReminder.stopped_at.is_(None),
                    )
                    .values(reminders_sent=number, next_at=following)
                    .execution_options(synchronize_session=False)
                )
                if not claimed.rowcount or reminder.decided_by is None:
                    continue
                notice = ivo_reminder_notice(
                    EscalationLaw(reminder.law),
                    reminder.reference,
                    reminder.decided_by,
                    reminder.decided_at or now,
                    number,
                )
                sent += await store(
                    uow,
                    self._replica,
                    event_id=uuid.uuid5(REMINDER_NAMESPACE, f"{reminder.deviation_id}:{number}"),
                    event_type="IvoReminder",
                    notices=[notice],
                    about=About(
                        object_type="deviation",
                        object_id=reminder.deviation_id,
                        deviation_id=reminder.deviation_id,
                        reference=reminder.reference,
                        unit_id=reminder.unit_id,
                    ),
                    mail=self._settings.mail_mode != "off",
                )
            await uow.commit()
        return sent
