from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from platform_shared.contracts.deviation import DeviationReported
from platform_shared.ids import new_id
from platform_shared.testing import wait_until
from reporting_svc.adapters.orm import DeviationFact

SUMMARY = "/api/v1/reports/deviations/summary"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def reported(unit_id: Any, deviation_type: str, at: datetime) -> DeviationReported:
    return DeviationReported(
        deviation_id=new_id(),
        reference="AVV-2026-000001",
        deviation_type=deviation_type,
        unit_id=unit_id,
        occurred_at=at,
        reported_at=at,
    )


async def _feed(svc: Any, *events: DeviationReported) -> None:
    await svc.publish(*events)

    async def projected() -> bool:
        async with svc.runtime.session_factory() as session:
            return await session.scalar(select(func.count()).select_from(DeviationFact)) == len(events)

    await wait_until(projected)


async def _march_reports(svc: Any) -> None:
    u = svc.org.units
    mid = datetime(2026, 3, 15, 10, 0, tzinfo=UTC)
    await _feed(
        svc,
        reported(u["enhet_a"], "lex_sarah", mid),
        reported(u["enhet_a"], "avvikelse", mid),
        reported(u["enhet_a"], "hsl", mid),
        reported(u["enhet_b"], "avvikelse", mid),
        reported(u["enhet_c"], "lex_sarah", mid),
        reported(u["enhet_c"], "avvikelse", datetime(2026, 2, 10, 10, 0, tzinfo=UTC)),  # outside March
    )


async def test_summary_counts_reports_by_type_and_by_unit_reported_for(svc: Any) -> None:
    await _march_reports(svc)
    u = svc.org.units
    r = await svc.client.get(SUMMARY, params=MARCH, headers=svc.org.auth("socialchef"))
    assert r.status_code == 200, r.text
    assert r.json() == {
        "total": 5,
        "by_type": {"lex_sarah": 2, "avvikelse": 2, "hsl": 1},
        "by_unit": {str(u["enhet_a"]): 3, str(u["enhet_b"]): 1, str(u["enhet_c"]): 1},
        "suppressed": False,
    }


async def test_summary_for_a_unit_includes_its_subtree_only(svc: Any) -> None:
    await _march_reports(svc)
    u = svc.org.units
    r = await svc.client.get(
        SUMMARY, params={**MARCH, "unit_id": str(u["omsorg"])}, headers=svc.org.auth("kvalitetsledare")
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "total": 4,
        "by_type": {"lex_sarah": 1, "avvikelse": 2, "hsl": 1},
        "by_unit": {str(u["enhet_a"]): 3, str(u["enhet_b"]): 1},
        "suppressed": False,
    }
    r = await svc.client.get(
        SUMMARY, params={**MARCH, "unit_id": str(u["enhet_b"])}, headers=svc.org.auth("kvalitetsledare")
    )
    assert r.json()["total"] == 1


async def test_summary_dates_are_inclusive_stockholm_days(svc: Any) -> None:
    u = svc.org.units
    await _feed(
        svc,
        # 2026-03-31 23:59:59 in Stockholm (CEST, UTC+2): the last second of 31 March
        reported(u["enhet_a"], "avvikelse", datetime(2026, 3, 31, 21, 59, 59, tzinfo=UTC)),
        # 2026-04-01 00:30 in Stockholm, still 31 March in UTC
        reported(u["enhet_a"], "lex_sarah", datetime(2026, 3, 31, 22, 30, tzinfo=UTC)),
        # 2026-03-01 00:00 in Stockholm (CET, UTC+1), still 28 February in UTC
        reported(u["enhet_a"], "hsl", datetime(2026, 2, 28, 23, 0, tzinfo=UTC)),
    )
    headers = svc.org.auth("socialchef")

    async def count(first: str, last: str) -> dict[str, Any]:
        r = await svc.client.get(SUMMARY, params={"from": first, "to": last}, headers=headers)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    march = await count("2026-03-01", "2026-03-31")
    assert march["total"] == 2 and march["by_type"] == {"avvikelse": 1, "hsl": 1}
    assert (await count("2026-04-01", "2026-04-01"))["by_type"] == {"lex_sarah": 1}
    assert (await count("2026-03-31", "2026-03-31"))["by_type"] == {"avvikelse": 1}
    assert (await count("2026-02-28", "2026-02-28"))["total"] == 0


async def test_summary_without_unit_counts_only_units_the_callers_roles_cover(svc: Any) -> None:
    await _march_reports(svc)
    u = svc.org.units
    r = await svc.client.get(SUMMARY, params=MARCH, headers=svc.org.auth("enhetschef_a"))
    assert r.status_code == 200, r.text
    assert r.json() == {
        "total": 3,
        "by_type": {"lex_sarah": 1, "avvikelse": 1, "hsl": 1},
        "by_unit": {str(u["enhet_a"]): 3},
        "suppressed": False,
    }


async def test_summary_for_a_unit_outside_the_callers_scope_is_403(svc: Any) -> None:
    r = await svc.client.get(
        SUMMARY,
        params={**MARCH, "unit_id": str(svc.org.units["enhet_c"])},
        headers=svc.org.auth("enhetschef_a"),
    )
    assert r.status_code == 403
    assert r.headers["content-type"] == "application/problem+json"


async def test_summary_needs_a_reports_read_role_else_403(svc: Any) -> None:
    for person in ("medarbetare_a", "admin"):
        r = await svc.client.get(SUMMARY, params=MARCH, headers=svc.org.auth(person))
        assert r.status_code == 403, person


async def test_summary_without_token_is_401(svc: Any) -> None:
    r = await svc.client.get(SUMMARY, params=MARCH)
    assert r.status_code == 401
    r = await svc.client.get(SUMMARY, params=MARCH, headers={"Authorization": "Bearer not-a-jwt"})
    assert r.status_code == 401


async def test_summary_period_from_after_to_is_422(svc: Any) -> None:
    r = await svc.client.get(
        SUMMARY, params={"from": "2026-04-01", "to": "2026-03-31"}, headers=svc.org.auth("socialchef")
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["field"] == "from"


async def test_summary_bad_dates_or_unknown_unit_are_422_naming_the_field(svc: Any) -> None:
    headers = svc.org.auth("socialchef")
    r = await svc.client.get(SUMMARY, params={"from": "2026-13-01", "to": "2026-03-31"}, headers=headers)
    assert r.status_code == 422
    assert "from" in {e["field"] for e in r.json()["errors"]}
    r = await svc.client.get(SUMMARY, params={"from": "2026-03-01"}, headers=headers)
    assert r.status_code == 422
    assert "to" in {e["field"] for e in r.json()["errors"]}
    r = await svc.client.get(
        SUMMARY, params={**MARCH, "unit_id": "0190a000-0000-7000-8000-000000000000"}, headers=headers
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["unit_id"]
