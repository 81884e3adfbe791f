from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from typing import Any

import orjson
from sqlalchemy import select

from platform_shared.contracts.common import DeadlineApproaching, DeadlineMissed
from platform_shared.contracts.deviation import (
    DeviationClosed,
    DeviationReclassified,
    DeviationReported,
    IvoNotificationSent,
    LexMariaEscalated,
    LexSarahEscalated,
)
from platform_shared.contracts.envelope import structured_headers, wrap
from platform_shared.contracts.topics import DEVIATION_EVENTS, ORG_EVENTS
from platform_shared.ids import new_id
from platform_shared.messaging.transport import OutgoingMessage
from reporting_svc.adapters.mailer import FileMailer, SmtpMailer
from reporting_svc.adapters.orm import Notification
from reporting_svc.service_layer.mail import MailWorker
from reporting_svc.service_layer.notifications import NOTIFICATIONS_GROUP, IvoReminders, NotificationRouting

NOTIFICATIONS = "/api/v1/notifications"
DECIDED_AT = datetime(2026, 3, 5, 13, 0, tzinfo=UTC)


def lex_sarah(svc: Any, unit: str = "enhet_a", reference: str = "AVV-2026-000042") -> LexSarahEscalated:
    return LexSarahEscalated(
        deviation_id=new_id(),
        reference=reference,
        unit_id=svc.org.units[unit],
        degree="allvarligt_missforhallande",
        decided_by=svc.org.people["socialchef"],
        decided_at=DECIDED_AT,
    )


async def _all(svc: Any) -> list[Notification]:
    async with svc.runtime.session_factory() as session:
        return list((await session.scalars(select(Notification))).all())


async def test_lex_sarah_escalation_notifies_decision_maker_kvalitetsledare_and_namnd_once_under_redelivery(
    svc: Any,
) -> None:
    event = lex_sarah(svc)
    envelope = svc.envelope(event)
    before = svc.consumer(NOTIFICATIONS_GROUP).processed_total
    await svc.deliver(envelope, DEVIATION_EVENTS, times=2)
    await svc.processed(NOTIFICATIONS_GROUP, before + 2)
    await svc.deliver(envelope, DEVIATION_EVENTS)  # and once more, later
    await svc.processed(NOTIFICATIONS_GROUP, before + 3)

    rows = await _all(svc)
    by_recipient = {n.recipient_id: n for n in rows}
    people = svc.org.people
    assert len(rows) == 3
    assert set(by_recipient) == {people["socialchef"], people["kvalitetsledare"], people["namnd"]}

    r = await svc.client.get(NOTIFICATIONS, headers=svc.org.auth("socialchef"))
    assert r.status_code == 200, r.text
    (task,) = r.json()["items"]
    assert task["kind"] == "lex_sarah_file_anmalan"
    assert task["reference"] == "AVV-2026-000042"
    assert task["deviation_id"] == str(event.deviation_id)
    assert "AVV-2026-000042" in task["title"] and "AVV-2026-000042" in task["body"]
    assert "IVO:s e-tjänst" in task["body"]
    assert "informera nämnden" in task["body"]
    assert "allvarligt missförhållande" in task["body"]
    assert task["read_at"] is None

    r = await svc.client.get(NOTIFICATIONS, headers=svc.org.auth("kvalitetsledare"))
    (info,) = r.json()["items"]
    assert info["kind"] == "lex_sarah_anmalan_decided"
    assert "AVV-2026-000042" in info["body"] and "IVO" in info["body"]


async def test_escalation_handler_gives_one_notification_per_recipient_even_without_the_inbox(
    svc: Any,
) -> None:
    event = lex_sarah(svc)
    envelope = svc.envelope(event)
    routing = NotificationRouting(svc.runtime.replica, svc.runtime.settings)
    for _ in range(2):
        async with svc.runtime.uow() as uow:
            await routing.escalated(uow, envelope, event)
            await uow.commit()
    assert len(await _all(svc)) == 3


async def test_lex_maria_escalation_notifies_the_mas_who_decided_the_socialchef_and_kvalitetsledare(
    svc: Any,
) -> None:
    event = LexMariaEscalated(
        deviation_id=new_id(),
        reference="AVV-2026-000007",
        unit_id=svc.org.units["enhet_a"],
        degree="allvarlig_vardskada",
        decided_by=svc.org.people["mas"],
        decided_at=DECIDED_AT,
    )
    before = svc.consumer(NOTIFICATIONS_GROUP).processed_total
    await svc.publish(event)
    await svc.processed(NOTIFICATIONS_GROUP, before + 1)
    r = await svc.client.get(NOTIFICATIONS, headers=svc.org.auth("mas"))
    (task,) = r.json()["items"]
    assert task["kind"] == "lex_maria_file_anmalan"
    assert "lex Maria" in task["body"] and "IVO:s e-tjänst" in task["body"]
    assert "socialchefen informerar nämnden" in task["body"] and "AVV-2026-000007" in task["body"]
    r = await svc.client.get(NOTIFICATIONS, headers=svc.org.auth("kvalitetsledare"))
    assert [n["kind"] for n in r.json()["items"]] == ["lex_maria_anmalan_decided"]
    # socialchef notified of Lex Maria: she informs the nämnd (seed 001 §2.2)
    r = await svc.client.get(NOTIFICATIONS, headers=svc.org.auth("socialchef"))
    (inform,) = r.json()["items"]
    assert inform["kind"] == "lex_maria_inform_namnd" and "Informera nämnden" in inform["body"]
    people = svc.org.people
    assert {n.recipient_id for n in await _all(svc)} == {
        people["mas"],
        people["socialchef"],
        people["kvalitetsledare"],
        people["namnd"],
    }


async def test_notifications_are_the_callers_own_only(svc: Any) -> None:
    before = svc.consumer(NOTIFICATIONS_GROUP).processed_total
    await svc.publish(lex_sarah(svc))
    await svc.processed(NOTIFICATIONS_GROUP, before + 1)
    for person in ("enhetschef_a", "medarbetare_a", "mas"):
        r = await svc.client.get(NOTIFICATIONS, headers=svc.org.auth(person))
        assert r.status_code == 200
        assert r.json() == {"items": [], "next_cursor": None}


async def test_notifications_are_newest_first_with_keyset_pagination(svc: Any) -> None:
    consumer_before = svc.consumer(NOTIFICATIONS_GROUP).processed_total
    references = [f"AVV-2026-00010{i}" for i in range(3)]
    for i, reference in enumerate(references):
        await svc.publish(lex_sarah(svc, reference=reference))
        await svc.processed(NOTIFICATIONS_GROUP, consumer_before + i + 1)
    headers = svc.org.auth("socialchef")
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        r = await svc.client.get(NOTIFICATIONS, params=params, headers=headers)
        assert r.status_code == 200, r.text
        pages += 1
        seen += [n["reference"] for n in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            break
    assert pages == 2
    assert seen == list(reversed(references))


async def test_bad_cursor_or_limit_is_422(svc: Any) -> None:
    headers = svc.org.auth("socialchef")
    r = await svc.client.get(NOTIFICATIONS, params={"cursor": "not-a-cursor"}, headers=headers)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "cursor"
    r = await svc.client.get(NOTIFICATIONS, params={"limit": 201}, headers=headers)
    assert r.status_code == 422


async def test_notifications_without_token_is_401(svc: Any) -> None:
    r = await svc.client.get(NOTIFICATIONS)
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"


# --- routing of the other events -----------------------------------------------------------------


async def _of(svc: Any, person: str) -> list[dict[str, Any]]:
    r = await svc.client.get(NOTIFICATIONS, headers=svc.org.auth(person))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


async def test_a_new_report_goes_to_the_units_enhetschef_once_however_often_it_is_delivered(svc: Any) -> None:
    event = DeviationReported(
        deviation_id=new_id(),
        reference="AVV-2026-000050",
        deviation_type="lex_sarah",
        unit_id=svc.org.units["enhet_a"],
        occurred_at=DECIDED_AT,
        reported_at=DECIDED_AT,
        reporter_id=svc.org.people["medarbetare_a"],
    )
    envelope = svc.envelope(event)
    before = svc.consumer(NOTIFICATIONS_GROUP).processed_total
    await svc.deliver(envelope, DEVIATION_EVENTS, times=3)
    await svc.processed(NOTIFICATIONS_GROUP, before + 3)
    (note,) = await _of(svc, "enhetschef_a")
    assert note["kind"] == "deviation_reported" and note["reference"] == "AVV-2026-000050"
    assert note["title"] == "Ny rapport i enhet_a: AVV-2026-000050"
    assert await _of(svc, "medarbetare_a") == []
    assert len(await _all(svc)) == 1


async def test_deadlines_go_to_the_responsible_person_and_a_missed_one_also_to_the_manager_above(
    svc: Any,
) -> None:
    u, p = svc.org.units, svc.org.people
    common_fields: dict[str, Any] = {
        "rule": "receive",
        "object_type": "deviation",
        "object_id": new_id(),
        "reference": "AVV-2026-000060",
        "unit_id": u["enhet_a"],
        "due_at": DECIDED_AT,
    }
    await svc.feed(
        DeadlineApproaching(deadline_id=new_id(), responsible_person_id=p["medarbetare_a"], **common_fields),
        DeadlineMissed(deadline_id=new_id(), responsible_role="enhetschef", **common_fields),
        group=NOTIFICATIONS_GROUP,
    )
    assert [n["kind"] for n in await _of(svc, "medarbetare_a")] == ["deadline_approaching"]
    (missed,) = await _of(svc, "enhetschef_a")
    assert missed["kind"] == "deadline_missed" and "Ta emot rapporten" in missed["body"]
    assert "senast 5 mars 2026 kl. 14.00" in missed["body"]
    (manager,) = await _of(
        svc, "socialchef"
    )  # enhetschef_a's manager: the chef over omsorg, else the förvaltning
    assert manager["kind"] == "deadline_missed_manager"


async def test_a_missed_document_review_tells_its_owner_and_the_owners_chef_in_swedish(svc: Any) -> None:
    u, p = svc.org.units, svc.org.people
    missed = DeadlineMissed(
        deadline_id=new_id(),
        rule="document_review",
        object_type="document",
        object_id=new_id(),
        reference="Rutin för läkemedelshantering",
        unit_id=u["enhet_a"],
        due_at=datetime(2026, 1, 15, 23, 0, tzinfo=UTC),
        responsible_person_id=p["enhetschef_a"],
        responsible_role="enhetschef",
    )
    before = svc.consumer(NOTIFICATIONS_GROUP).processed_total
    await svc.deliver(svc.envelope(missed, "org-svc"), ORG_EVENTS)  # org-svc's deadlines travel on org.events
    await svc.processed(NOTIFICATIONS_GROUP, before + 1)
    (owner,) = await _of(svc, "enhetschef_a")
    assert owner["kind"] == "deadline_missed"
    assert owner["title"] == "Tidsfrist passerad: Granska styrdokumentet (Rutin för läkemedelshantering)"
    assert 'gällande "Rutin för läkemedelshantering" var senast 15 januari 2026' in owner["body"]
    (chef,) = await _of(svc, "socialchef")  # the owner is a chef: the chef above her answers
    assert chef["kind"] == "deadline_missed_manager"


async def test_a_closed_deviation_tells_its_reporter(svc: Any) -> None:
    await svc.feed(
        DeviationClosed(
            deviation_id=new_id(),
            reference="AVV-2026-000070",
            unit_id=svc.org.units["enhet_a"],
            closed_at=DECIDED_AT,
            closed_by=svc.org.people["enhetschef_a"],
            reporter_id=svc.org.people["medarbetare_a"],
        ),
        group=NOTIFICATIONS_GROUP,
    )
    (note,) = await _of(svc, "medarbetare_a")
    assert note["kind"] == "deviation_closed" and "AVV-2026-000070" in note["title"]


async def test_ivo_reminders_repeat_until_the_anmalan_is_recorded_as_sent(svc: Any) -> None:
    event = lex_sarah(svc, reference="AVV-2026-000080")
    svc.clock.set(DECIDED_AT + timedelta(hours=1))
    await svc.feed(event, group=NOTIFICATIONS_GROUP)
    reminders = IvoReminders(svc.runtime.uow, svc.runtime.replica, svc.settings, svc.clock)
    assert await reminders.tick() == 0
    svc.clock.set(DECIDED_AT + timedelta(hours=25))
    assert await reminders.tick() == 1
    assert await reminders.tick() == 0  # not twice for the same interval
    svc.clock.set(DECIDED_AT + timedelta(hours=49))
    assert await reminders.tick() == 1
    kinds = [n["kind"] for n in await _of(svc, "socialchef")]
    assert kinds == ["lex_sarah_reminder", "lex_sarah_reminder", "lex_sarah_file_anmalan"]
    assert "Påminnelse 2" in (await _of(svc, "socialchef"))[0]["title"]

    await svc.feed(
        IvoNotificationSent(
            deviation_id=event.deviation_id,
            reference=event.reference,
            unit_id=event.unit_id,
            ivo_notification_id=new_id(),
            kind="lex_sarah",
            sent_at=DECIDED_AT + timedelta(hours=50),
            recorded_by=svc.org.people["socialchef"],
        ),
        group=NOTIFICATIONS_GROUP,
    )
    svc.clock.set(DECIDED_AT + timedelta(days=10))
    assert await reminders.tick() == 0
    assert len(await _of(svc, "socialchef")) == 3


async def test_notifications_are_marked_read_and_counted_unread_for_their_recipient_only(svc: Any) -> None:
    await svc.feed(lex_sarah(svc), group=NOTIFICATIONS_GROUP)
    headers = svc.org.auth("socialchef")
    assert (await svc.client.get(f"{NOTIFICATIONS}/unread-count", headers=headers)).json() == {"unread": 1}
    (note,) = await _of(svc, "socialchef")
    r = await svc.client.post(f"{NOTIFICATIONS}/{note['id']}/read", headers=svc.org.auth("kvalitetsledare"))
    assert r.status_code == 404
    r = await svc.client.post(f"{NOTIFICATIONS}/{note['id']}/read", headers=headers)
    assert r.status_code == 200 and r.json()["read_at"] is not None
    again = await svc.client.post(f"{NOTIFICATIONS}/{note['id']}/read", headers=headers)
    assert again.json()["read_at"] == r.json()["read_at"]
    assert (await svc.client.get(f"{NOTIFICATIONS}/unread-count", headers=headers)).json() == {"unread": 0}
    unread = await svc.client.get(NOTIFICATIONS, params={"unread": "true"}, headers=headers)
    assert unread.json()["items"] == []


# --- e-mail -----------------------------------------------------------------------------------------


async def test_each_notification_is_mailed_once_as_an_eml_file_in_embedded_mode(svc: Any) -> None:
    await svc.feed(lex_sarah(svc, reference="AVV-2026-000090"), group=NOTIFICATIONS_GROUP)
    mailer = FileMailer(svc.settings.mail_path, svc.settings.mail_from)
    worker = MailWorker(svc.runtime.session_factory, mailer, svc.settings, svc.clock)
    assert await worker.tick() == 3
    assert await worker.tick() == 0
    files = sorted((svc.tmp_path / "mail").glob("*.eml"))
    assert len(files) == 3
    messages = [BytesParser(policy=policy.default).parsebytes(f.read_bytes()) for f in files]
    to = {str(m["To"]) for m in messages}
    assert to == {"socialchef@example.se", "kvalitetsledare@example.se", "namnd@example.se"}
    task = next(m for m in messages if str(m["To"]) == "socialchef@example.se")
    assert str(task["Subject"]) == "Gör anmälan till IVO enligt lex Sarah: AVV-2026-000090"
    assert "informera nämnden" in task.get_content()


async def test_mail_goes_over_smtp_and_a_failing_server_is_retried(svc: Any) -> None:
    received: list[bytes] = []
    failures = {"left": 1}

    async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 test ESMTP\r\n")
        data = False
        body = b""
        while line := await reader.readline():
            if data:
                if line == b".\r\n":
                    data = False
                    received.append(body)
                    writer.write(b"250 queued\r\n")
                else:
                    body += line
                continue
            verb = line[:4].upper()
            if verb == b"DATA":
                data, body = True, b""
                writer.write(b"354 go ahead\r\n")
            elif verb == b"MAIL" and failures["left"]:
                failures["left"] -= 1
                writer.write(b"451 try again later\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(session, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings = svc.settings.model_copy(
        update={"mail_mode": "smtp", "smtp_host": "127.0.0.1", "smtp_port": port}
    )
    await svc.feed(lex_sarah(svc, reference="AVV-2026-000091"), group=NOTIFICATIONS_GROUP)
    worker = MailWorker(svc.runtime.session_factory, SmtpMailer(settings), settings, svc.clock)
    try:
        assert await worker.tick() == 2  # the first one met the temporary failure
        svc.clock.advance(timedelta(minutes=5))
        assert await worker.tick() == 1
    finally:
        server.close()
        await server.wait_closed()
    assert len(received) == 3
    assert any(b"AVV-2026-000091" in m for m in received)


async def test_a_lex_sarah_report_handed_back_tells_its_reporter_and_the_socialchef(svc: Any) -> None:
    people = svc.org.people
    event = DeviationReclassified(
        deviation_id=new_id(),
        reference="AVV-2026-000009",
        unit_id=svc.org.units["enhet_a"],
        from_type="lex_sarah",
        to_type="avvikelse",
        reclassified_at=DECIDED_AT,
        reclassified_by=people["kvalitetsledare"],
        reporter_id=people["medarbetare_a"],
    )
    before = svc.consumer(NOTIFICATIONS_GROUP).processed_total
    await svc.publish(event)
    await svc.processed(NOTIFICATIONS_GROUP, before + 1)
    told = {n.recipient_id: n.kind for n in await _all(svc)}
    assert told == {
        people["medarbetare_a"]: "lex_sarah_handed_back",
        people["socialchef"]: "lex_sarah_handed_back",
    }
    (mine,) = (await svc.client.get(NOTIFICATIONS, headers=svc.org.auth("medarbetare_a"))).json()["items"]
    assert "AVV-2026-000009" in mine["title"] and "avvikelse" in mine["body"]


async def test_a_missed_information_duty_tells_the_units_chef_and_the_manager_above(svc: Any) -> None:
    """org-svc's deadlines (the information duty, document reviews) come on org.events."""
    u = svc.org.units
    missed = DeadlineMissed(
        deadline_id=new_id(),
        rule="information_given",
        object_type="information_due",
        object_id=new_id(),
        unit_id=u["enhet_a"],
        due_at=DECIDED_AT,
        reference="Maja Medarbetare",
        responsible_role="enhetschef",
    )
    envelope = wrap(missed, source="org-svc", actor_id=None, correlation_id="test")
    message = OutgoingMessage(
        topic=ORG_EVENTS,
        key=envelope.subject,
        value=orjson.dumps(envelope.model_dump(mode="json")),
        headers=structured_headers(None),
    )
    before = svc.consumer(NOTIFICATIONS_GROUP).processed_total
    await svc.transport.send_batch([message])
    await svc.processed(NOTIFICATIONS_GROUP, before + 1)
    (chef,) = await _of(svc, "enhetschef_a")
    assert chef["kind"] == "deadline_missed" and "Informera medarbetaren" in chef["body"]
    assert '"Informera medarbetaren" till Maja Medarbetare var' in chef["body"]  # who is to be told
    (manager,) = await _of(svc, "socialchef")
    assert manager["kind"] == "deadline_missed_manager"
