"""The staff's information duty in reporting: each due counted for its unit by its due day, informed in
time, late or not yet (a cancelled one not at all); the kvalitetsberättelse shows it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from platform_shared.contracts.documents import (
    InformationDueCancelled,
    InformationDueMet,
    InformationDueOpened,
)
from platform_shared.ids import new_id
from platform_shared.testing import wait_until
from reporting_svc.adapters.orm import InformationDueFact

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
LEX_SARAH = "lex_sarah_rapporteringsskyldighet"


def _opened(unit_id: Any, due_on: date = date(2026, 3, 20)) -> InformationDueOpened:
    return InformationDueOpened(
        due_id=new_id(),
        item_key=LEX_SARAH,
        person_id=new_id(),
        unit_id=unit_id,
        item_id=new_id(),
        role="medarbetare",
        reason="role_start",
        opened_on=date(2026, 2, 18),
        due_on=due_on,
    )


def _met(due: InformationDueOpened, met_on: date) -> InformationDueMet:
    return InformationDueMet(
        due_id=due.due_id,
        item_key=due.item_key,
        person_id=due.person_id,
        unit_id=due.unit_id,
        record_id=new_id(),
        met_on=met_on,
        on_time=met_on <= due.due_on,
    )


async def test_information_dues_are_counted_in_time_late_or_not_yet_and_a_cancelled_one_not_at_all(
    svc: Any,
) -> None:
    unit = svc.org.units["enhet_a"]
    in_time, late, not_yet, cancelled = (_opened(unit) for _ in range(4))
    gone = InformationDueCancelled(
        due_id=cancelled.due_id,
        item_key=LEX_SARAH,
        person_id=cancelled.person_id,
        unit_id=unit,
        cancelled_on=date(2026, 3, 5),
    )
    await svc.publish(in_time, late, not_yet, cancelled)
    await svc.publish(_met(in_time, date(2026, 3, 10)), _met(late, date(2026, 3, 25)), gone)

    async def projected() -> bool:
        async with svc.runtime.session_factory() as session:
            settled = await session.scalar(
                select(func.count())
                .select_from(InformationDueFact)
                .where((InformationDueFact.met_on.is_not(None)) | (InformationDueFact.cancelled.is_(True)))
            )
            return settled == 3

    await wait_until(projected)
    r = await svc.client.get(
        "/api/v1/reports/statistics/information_dues",
        params={**MARCH, "by": "state"},
        headers=svc.org.auth("socialchef"),
    )
    assert r.status_code == 200, r.text
    rows = {row["key"]: (row["label"], row["values"]) for row in r.json()["table"]["rows"]}
    assert rows == {
        "in_time": ("Informerade i tid", [1]),
        "late": ("Informerade efter fristen", [1]),
        "not_yet": ("Ännu inte informerade", [1]),
    }


async def test_the_kvalitetsberattelse_tells_how_staff_were_informed(svc: Any) -> None:
    svc.clock.set(datetime(2027, 1, 20, 9, tzinfo=UTC))
    body = {"type": "kb", "year": 2026, "unit_id": str(svc.org.units["forvaltning"])}
    r = await svc.client.post("/api/v1/reports", json=body, headers=svc.org.auth("kvalitetsledare"))
    assert r.status_code == 201, r.text
    section = next(s for s in r.json()["sections"] if s["key"] == "kvalitetsarbetet")
    assert section["figures"] == ["informationsplikt"]
