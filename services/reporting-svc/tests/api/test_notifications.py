from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from platform_shared.contracts.deviation import LexMariaEscalated, LexSarahEscalated
from platform_shared.contracts.topics import DEVIATION_EVENTS
from platform_shared.ids import new_id
from reporting_svc.adapters.orm import Notification
from reporting_svc.service_layer.consumers import NOTIFICATIONS_GROUP, escalation_handler

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


async def test_lex_sarah_escalation_notifies_decision_maker_and_kvalitetsledare_once_under_redelivery(
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
    assert len(rows) == 2
    assert set(by_recipient) == {people["socialchef"], people["kvalitetsledare"]}

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
    handler = escalation_handler(svc.runtime.replica)
    for _ in range(2):
        async with svc.runtime.uow() as uow:
            await handler(uow, envelope, event)
            await uow.commit()
    assert len(await _all(svc)) == 2


async def test_lex_maria_escalation_notifies_the_mas_who_decided_and_kvalitetsledare(svc: Any) -> None:
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
    assert "informera nämnden" in task["body"] and "AVV-2026-000007" in task["body"]
    r = await svc.client.get(NOTIFICATIONS, headers=svc.org.auth("kvalitetsledare"))
    assert [n["kind"] for n in r.json()["items"]] == ["lex_maria_anmalan_decided"]
    people = svc.org.people
    assert {n.recipient_id for n in await _all(svc)} == {people["mas"], people["kvalitetsledare"]}


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
