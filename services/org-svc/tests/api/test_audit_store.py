"""The one append-only audit store: AuditRecorded from every service's topic is stored once (also
when redelivered), nothing updates or deletes it, and the systemadministrator or kvalitetsledare
reads it by person, object and time."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from org_svc.adapters.orm import AuditRecord
from platform_shared.contracts.common import AuditRecorded
from platform_shared.contracts.envelope import wrap
from platform_shared.contracts.topics import DEVIATION_EVENTS, REPORTING_EVENTS, RISK_EVENTS
from platform_shared.ids import new_id
from platform_shared.messaging.transport import OutgoingMessage
from platform_shared.testing import wait_until

from ..conftest import Harness

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def audit(actor: uuid.UUID | None, obj: uuid.UUID, minutes: int, service: str = "deviation") -> AuditRecorded:
    return AuditRecorded(
        audit_id=new_id(),
        service=service,
        actor_id=actor,
        object_type="deviation",
        object_id=obj,
        action="read",
        at=T0 + timedelta(minutes=minutes),
    )


async def ship(
    h: Harness, topic: str, *records: AuditRecorded, envelope_ids: list[uuid.UUID] | None = None
) -> None:
    """Publish as the producing service's outbox relay does (same envelope again = a redelivery)."""
    messages = []
    for n, record in enumerate(records):
        envelope = wrap(record, source=f"{record.service}-svc", actor_id=record.actor_id, correlation_id="t")
        if envelope_ids is not None:
            envelope = envelope.model_copy(update={"id": envelope_ids[n]})
        messages.append(
            OutgoingMessage(
                topic,
                envelope.subject,
                orjson.dumps(envelope.model_dump(mode="json")),
                {"ce_type": envelope.type},
            )
        )
    await h.transport.send_batch(messages)


async def stored(h: Harness) -> int:
    async with h.runtime.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(AuditRecord)) or 0)


async def test_audit_records_from_every_service_are_stored_once_even_when_redelivered(svc: Harness) -> None:
    reader, obj = svc.people["enhetschef_a"], new_id()
    first = audit(reader, obj, 0)
    envelope_id = new_id()
    await ship(svc, DEVIATION_EVENTS, first, envelope_ids=[envelope_id])
    await ship(svc, DEVIATION_EVENTS, first, envelope_ids=[envelope_id])  # redelivered
    await ship(svc, DEVIATION_EVENTS, first)  # the same record in a new envelope
    risk, reporting = audit(reader, new_id(), 1, "risk"), audit(None, new_id(), 2, "reporting")
    await ship(svc, RISK_EVENTS, risk)
    await ship(svc, REPORTING_EVENTS, reporting)
    marker = audit(reader, new_id(), 3)  # after it, everything shipped before on its topic is consumed
    await ship(svc, DEVIATION_EVENTS, marker)
    expected = {r.audit_id for r in (first, risk, reporting, marker)}
    await wait_until(lambda: _stored_ids(svc, expected))
    assert await stored(svc) == 4


async def _stored_ids(h: Harness, ids: set[uuid.UUID]) -> bool:
    async with h.runtime.session_factory() as session:
        found = set(await session.scalars(select(AuditRecord.audit_id).where(AuditRecord.audit_id.in_(ids))))
    return found == ids


async def _at_least(h: Harness, n: int) -> bool:
    return await stored(h) >= n


async def test_the_audit_store_refuses_updates_and_deletes(svc: Harness) -> None:
    await ship(svc, DEVIATION_EVENTS, audit(svc.people["mas"], new_id(), 0))
    await wait_until(lambda: _at_least(svc, 1))
    for statement in (update(AuditRecord).values(action="tampered"), delete(AuditRecord)):
        async with svc.runtime.session_factory() as session:
            with pytest.raises(DBAPIError, match="append-only"):
                await session.execute(statement)
                await session.commit()
    assert await stored(svc) == 1


async def test_the_audit_log_is_read_by_person_object_and_time_in_pages(svc: Harness) -> None:
    reader, other, obj = svc.people["enhetschef_a"], svc.people["mas"], new_id()
    records = [audit(reader, obj, n) for n in range(5)] + [audit(other, obj, 10), audit(reader, new_id(), 20)]
    await ship(svc, DEVIATION_EVENTS, *records)
    await wait_until(lambda: _at_least(svc, 7))

    async def page(**params: object) -> dict[str, object]:
        return dict((await svc.call("GET", "/audit", "kvalitetsledare", params=params, expect=200)).json())

    first = await page(person_id=str(reader), object_id=str(obj), limit=3)
    assert [r["at"][11:16] for r in first["items"]] == ["08:00", "08:01", "08:02"]  # type: ignore[index]
    second = await page(person_id=str(reader), object_id=str(obj), limit=3, cursor=first["next_cursor"])
    assert [r["at"][11:16] for r in second["items"]] == ["08:03", "08:04"] and second["next_cursor"] is None  # type: ignore[index]
    window = await page(
        object_id=str(obj), **{"from": "2026-03-01T09:05:00+01:00", "to": "2026-03-01T09:11:00+01:00"}
    )
    assert [r["actor_id"] for r in window["items"]] == [str(other)]  # type: ignore[index]
    assert len((await page())["items"]) == 7  # type: ignore[arg-type]


async def test_only_a_systemadministrator_or_kvalitetsledare_reads_the_audit_log(svc: Harness) -> None:
    await svc.call("GET", "/audit", "admin", expect=200)
    await svc.call("GET", "/audit", "kvalitetsledare", expect=200)
    for who in ("socialchef", "enhetschef_a", "namnd", "medarbetare_a", "mas"):
        await svc.call("GET", "/audit", who, expect=403)
