"""Units run by others in the reports: the tertial reports and the verksamhetsberättelse show the
provider follow-ups (avtalsuppföljning, MAS-tillsyn) performed, apart from the ordinary internkontroll."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from platform_shared.contracts.risk import ControlPerformed
from platform_shared.ids import new_id
from platform_shared.testing import wait_until
from reporting_svc.adapters.orm import ControlFact

AT = datetime(2026, 5, 12, 10, tzinfo=UTC)


def _performed(unit_id: Any, kind: str | None, result: str = "ok") -> ControlPerformed:
    return ControlPerformed(
        control_id=new_id(),
        plan_id=new_id(),
        row_id=new_id(),
        unit_id=unit_id,
        kind=kind,
        result=result,
        performed_at=AT,
    )


async def test_provider_follow_ups_are_counted_apart_and_shown_in_the_tertial_report(svc: Any) -> None:
    unit = svc.org.units["enhet_b"]
    await svc.publish(
        _performed(unit, "avtalsuppfoljning"),
        _performed(unit, "mas_tillsyn", "avvikelser"),
        _performed(unit, "internkontroll"),
        _performed(unit, None),
    )

    async def projected() -> bool:
        async with svc.runtime.session_factory() as session:
            return await session.scalar(select(func.count()).select_from(ControlFact)) == 4

    await wait_until(projected)
    r = await svc.client.get(
        "/api/v1/reports/statistics/controls",
        params={
            "from": "2026-05-01",
            "to": "2026-08-31",
            "by": "kind",
            "kind": ["avtalsuppfoljning", "mas_tillsyn"],
        },
        headers=svc.org.auth("socialchef"),
    )
    assert r.status_code == 200, r.text
    rows = {row["key"]: (row["label"], row["values"]) for row in r.json()["table"]["rows"]}
    assert rows == {"avtalsuppfoljning": ("Avtalsuppföljning", [1]), "mas_tillsyn": ("MAS-tillsyn", [1])}
    body = {"type": "t2", "year": 2026, "tertial": 2, "unit_id": str(svc.org.units["omsorg"])}
    report = await svc.client.post("/api/v1/reports", json=body, headers=svc.org.auth("kvalitetsledare"))
    assert report.status_code == 201, report.text
    section = next(s for s in report.json()["sections"] if s["key"] == "privata_utforare")
    assert section["figures"] == ["privata_utforare"]
    figure = next(f for f in report.json()["figures"] if f["key"] == "privata_utforare")
    # the ordinary internkontroll is not in it (the counts themselves are small cells, hidden in a
    # report for the nämnd)
    assert {row["key"] for row in figure["counts"]["rows"]} == {"ok", "avvikelser"}


async def test_a_control_recorded_later_counts_in_the_period_it_was_carried_out(svc: Any) -> None:
    unit = svc.org.units["enhet_b"]
    late_record = _performed(unit, "avtalsuppfoljning").model_copy(
        update={"performed_at": datetime(2026, 9, 3, 9, tzinfo=UTC), "performed_on": AT.date()}
    )
    await svc.publish(late_record)

    async def projected() -> bool:
        async with svc.runtime.session_factory() as session:
            return await session.scalar(select(func.count()).select_from(ControlFact)) == 1

    await wait_until(projected)
    r = await svc.client.get(
        "/api/v1/reports/statistics/controls",
        params={"from": "2026-05-01", "to": "2026-08-31", "by": "kind", "kind": ["avtalsuppfoljning"]},
        headers=svc.org.auth("socialchef"),
    )
    assert r.status_code == 200, r.text
    rows = {row["key"]: row["values"] for row in r.json()["table"]["rows"]}
    assert rows == {"avtalsuppfoljning": [1]}
