from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from platform_shared.contracts import common, deviation, org, risk
from platform_shared.ids import new_id
from reporting_svc.adapters.orm import (
    BreachFact,
    ComplaintFact,
    ControlFact,
    DeadlineFact,
    DeviationFact,
    RiskFact,
)
from reporting_svc.domain.periods import Granularity
from reporting_svc.service_layer.statistics import CountQuery, GroupMode, Statistics

STATS = "/api/v1/reports/statistics"
MARCH = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def reported(unit_id: Any, at: datetime = MARCH, **extra: Any) -> deviation.DeviationReported:
    values: dict[str, Any] = {
        "deviation_id": new_id(),
        "reference": "AVV-2026-000001",
        "deviation_type": "avvikelse",
        "unit_id": unit_id,
        "category": "fall",
        "occurred_at": at,
        "reported_at": at,
        **extra,
    }
    return deviation.DeviationReported(**values)


async def _get(svc: Any, path: str, person: str, **params: Any) -> dict[str, Any]:
    r = await svc.client.get(path, params=params, headers=svc.org.auth(person))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _rows(table: dict[str, Any]) -> dict[str, list[int | None]]:
    return {row["key"]: row["values"] for row in table["rows"]}


async def test_every_event_type_is_projected_into_its_read_model(svc: Any) -> None:
    u = svc.org.units
    dev, complaint, breach, risk_id, control = new_id(), new_id(), new_id(), new_id(), new_id()
    person = svc.org.people["enhetschef_a"]
    base = {"deviation_id": dev, "reference": "AVV-2026-000010", "unit_id": u["enhet_a"]}
    t = MARCH
    events: list[Any] = [
        reported(u["enhet_a"], deviation_id=dev, deviation_type="lex_sarah", severity=3, reporter_id=person),
        deviation.DeviationReceived(**base, received_at=t + timedelta(days=1), received_by=person),
        deviation.InvestigationStarted(**base, investigator_id=person, started_at=t + timedelta(days=2)),
        deviation.InvestigationCompleted(**base, completed_at=t + timedelta(days=5)),
        deviation.DeviationDecided(
            **base,
            degree="allvarligt_missforhallande",
            ivo_required=True,
            decided_at=t + timedelta(days=6),
            decided_by=person,
        ),
        deviation.LexSarahEscalated(
            **base, degree="allvarligt_missforhallande", decided_by=person, decided_at=t + timedelta(days=6)
        ),
        deviation.IvoNotificationSent(
            **base,
            ivo_notification_id=new_id(),
            kind="lex_sarah",
            sent_at=t + timedelta(days=7),
            recorded_by=person,
        ),
        deviation.DeviationClosed(
            **base, closed_at=t + timedelta(days=20), closed_by=person, reporter_id=person
        ),
        deviation.ComplaintReceived(
            complaint_id=complaint,
            reference="KLA-2026-000001",
            unit_id=u["enhet_b"],
            kind="klagomal",
            category="bemotande",
            channel="e-post",
            complainant_type="narstaende",
            received_at=t,
        ),
        deviation.ComplaintResponded(
            complaint_id=complaint,
            reference="KLA-2026-000001",
            unit_id=u["enhet_b"],
            responded_at=t + timedelta(days=9),
        ),
        deviation.DataBreachReported(
            breach_id=breach,
            reference="PUI-2026-000001",
            unit_id=u["enhet_c"],
            discovered_at=t,
            reported_at=t,
        ),
        deviation.DataBreachAssessed(
            breach_id=breach,
            reference="PUI-2026-000001",
            unit_id=u["enhet_c"],
            risk="risk",
            imy_required=True,
            subjects_must_be_informed=False,
            assessed_at=t,
        ),
        risk.RiskIdentified(risk_id=risk_id, unit_id=u["enhet_a"], source="avvikelser", identified_at=t),
        risk.RiskAssessed(
            risk_id=risk_id,
            unit_id=u["enhet_a"],
            probability=3,
            consequence=4,
            risk_value=12,
            band="very_high",
            assessed_at=t,
        ),
        risk.ControlPerformed(
            control_id=control,
            plan_id=new_id(),
            row_id=new_id(),
            unit_id=u["forvaltning"],
            result="avvikelser",
            performed_at=t,
        ),
        common.DeadlineMissed(
            deadline_id=new_id(),
            rule="receive",
            object_type="deviation",
            object_id=new_id(),
            reference="AVV-2026-000011",
            unit_id=u["enhet_a"],
            due_at=t,
            responsible_role="enhetschef",
        ),
    ]
    await svc.feed(*events)

    async with svc.runtime.session_factory() as session:
        d = await session.get(DeviationFact, dev)
        c = await session.get(ComplaintFact, complaint)
        b = await session.get(BreachFact, breach)
        r = await session.get(RiskFact, risk_id)
        k = await session.get(ControlFact, control)
        deadline = (await session.scalars(select(DeadlineFact))).one()
    assert d is not None and (d.type, d.status, d.degree, d.tier, d.severity) == (
        "lex_sarah",
        "closed",
        "allvarligt_missforhallande",
        "a",
        3,
    )
    assert d.received_at == t + timedelta(days=1) and d.closed_at == t + timedelta(days=20)
    assert c is not None and (c.kind, c.status, c.responded_at) == (
        "klagomal",
        "responded",
        t + timedelta(days=9),
    )
    assert b is not None and (b.status, b.imy_required) == ("assessed", True)
    assert r is not None and (r.status, r.band, r.risk_value, r.registered_at) == (
        "assessed",
        "very_high",
        12,
        t,
    )
    assert k is not None and k.result == "avvikelser"
    assert deadline.missed_at is not None and deadline.state == "open"

    march = {"from": "2026-03-01", "to": "2026-03-31"}
    ivo = await _get(svc, f"{STATS}/ivo_notifications", "socialchef", by="status", **march)
    assert _rows(ivo["table"]) == {"sent": [1]}
    deadlines = await _get(svc, f"{STATS}/deadlines", "socialchef", by="rule", **march)
    assert _rows(deadlines["table"]) == {"receive": [1]}
    leads = await _get(svc, f"{STATS}/deviations/lead-times", "socialchef", **march)
    steps = {row["key"]: row["values"][0] for row in leads["rows"]}
    assert steps["reported_to_received"] == {"cases": 1, "median_days": 1.0, "p90_days": 1.0}
    assert steps["reported_to_closed"]["median_days"] == 20.0


async def test_aggregate_only_readers_get_small_cells_suppressed(svc: Any) -> None:
    u = svc.org.units
    await svc.feed(
        *[reported(u["enhet_a"]) for _ in range(6)],
        *[reported(u["enhet_b"], deviation_type="hsl") for _ in range(2)],
        *[reported(u["enhet_c"], deviation_type="lex_sarah") for _ in range(2)],
    )
    params = {"from": "2026-03-01", "to": "2026-03-31", "by": "type"}
    full = await _get(svc, f"{STATS}/deviations", "socialchef", **params)
    assert full["table"]["suppressed"] is False
    assert _rows(full["table"]) == {"avvikelse": [6], "lex_sarah": [2], "hsl": [2]}
    assert full["table"]["grand_total"] == 10

    hidden = await _get(svc, f"{STATS}/deviations", "namnd", **params)
    table = hidden["table"]
    assert table["suppressed"] is True
    assert _rows(table) == {"avvikelse": [6], "lex_sarah": [None], "hsl": [None]}
    assert table["grand_total"] == 10
    assert table["note"] and "färre än 5" in table["note"]

    by_unit = await _get(
        svc, f"{STATS}/deviations", "namnd", **{**params, "by": "unit", "unit_id": str(u["forvaltning"])}
    )
    # lss has 2; omsorg's 8 would give it away beside the total of 10, so it is hidden too
    assert {row["label"]: row["values"] for row in by_unit["table"]["rows"]} == {
        "omsorg": [None],
        "lss": [None],
    }
    assert by_unit["table"]["grand_total"] == 10

    summary = await _get(
        svc, "/api/v1/reports/deviations/summary", "namnd", **{"from": "2026-03-01", "to": "2026-03-31"}
    )
    assert summary["suppressed"] is True and summary["by_type"]["avvikelse"] == 6
    assert summary["by_type"]["hsl"] is None and summary["by_unit"][str(u["enhet_c"])] is None

    # the threshold is the tenant's: at 2 the hsl cell shows for the nämnd too
    r = await svc.client.patch(
        "/api/v1/reports/settings",
        json={"suppression_threshold": 2},
        headers={**svc.org.auth("socialchef"), "If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    lower = await _get(svc, f"{STATS}/deviations", "namnd", **params)
    assert _rows(lower["table"]) == {"avvikelse": [6], "lex_sarah": [2], "hsl": [2]}
    r = await svc.client.patch(
        "/api/v1/reports/settings",
        json={"suppression_threshold": 3},
        headers={**svc.org.auth("socialchef"), "If-Match": '"1"'},
    )
    assert r.status_code == 412
    r = await svc.client.patch(
        "/api/v1/reports/settings", json={"suppression_threshold": 3}, headers=svc.org.auth("namnd")
    )
    assert r.status_code == 403


async def test_counts_follow_the_organisation_as_it_was_when_each_case_was_reported(svc: Any) -> None:
    """enhet_b moves from omsorg to lss on 1 April: its March reports stay with omsorg."""
    u = svc.org.units
    moved_at = datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # 1 April 00:00 in Stockholm
    await svc.feed(
        reported(u["enhet_b"], datetime(2026, 3, 10, 9, tzinfo=UTC)),
        reported(u["enhet_b"], datetime(2026, 3, 20, 9, tzinfo=UTC)),
        reported(u["enhet_b"], datetime(2026, 4, 15, 9, tzinfo=UTC)),
        reported(u["enhet_a"], datetime(2026, 4, 15, 9, tzinfo=UTC)),
    )
    await svc.org_events(
        org.OrgUnitMoved(
            unit_id=u["enhet_b"], old_parent_id=u["omsorg"], new_parent_id=u["lss"], moved_at=moved_at
        )
    )
    params = {"from": "2026-03-01", "to": "2026-04-30", "period": "month"}
    omsorg = await _get(svc, f"{STATS}/deviations", "socialchef", unit_id=str(u["omsorg"]), **params)
    lss = await _get(svc, f"{STATS}/deviations", "socialchef", unit_id=str(u["lss"]), **params)
    assert omsorg["table"]["totals"] == [2, 1]  # March: enhet_b twice; April: enhet_a only
    assert lss["table"]["totals"] == [0, 1]  # April: enhet_b, now under lss

    by_unit = await _get(
        svc, f"{STATS}/deviations", "socialchef", unit_id=str(u["forvaltning"]), by="unit", **params
    )
    assert {row["label"]: row["values"] for row in by_unit["table"]["rows"]} == {
        "omsorg": [2, 1],
        "lss": [0, 1],
    }

    # a move in the middle of a month splits it; the parts before and after are counted apart
    mid = datetime(2026, 4, 10, 0, 0, tzinfo=UTC)
    await svc.org_events(
        org.OrgUnitMoved(
            unit_id=u["enhet_a"], old_parent_id=u["omsorg"], new_parent_id=u["lss"], moved_at=mid
        )
    )
    # a parent registered later than the unit placed under it (backdated): its figures still hold it
    late_parent, early_child = new_id(), new_id()
    await svc.org_events(
        org.OrgUnitCreated(
            unit_id=late_parent,
            parent_id=u["forvaltning"],
            name="ny",
            level="verksamhetsomrade",
            valid_from=moved_at,
        ),
        org.OrgUnitCreated(
            unit_id=early_child,
            parent_id=late_parent,
            name="gammal",
            level="enhet",
            valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        ),
    )
    await svc.feed(reported(early_child, datetime(2026, 3, 3, tzinfo=UTC)))
    march = {"from": "2026-03-01", "to": "2026-03-31"}
    assert (await _get(svc, f"{STATS}/deviations", "socialchef", unit_id=str(late_parent), **march))["table"][
        "grand_total"
    ] == 1

    april = {"from": "2026-04-01", "to": "2026-04-30"}
    assert (await _get(svc, f"{STATS}/deviations", "socialchef", unit_id=str(u["lss"]), **april))["table"][
        "grand_total"
    ] == 2
    assert (await _get(svc, f"{STATS}/deviations", "socialchef", unit_id=str(u["omsorg"]), **april))["table"][
        "grand_total"
    ] == 0


async def test_the_pre_aggregate_and_the_fact_tables_give_the_same_counts(svc: Any) -> None:
    u = svc.org.units
    await svc.feed(
        *[
            reported(u["enhet_a"], datetime(2026, m, 3 + m, 9, tzinfo=UTC), category=c)
            for m in (1, 2, 3, 5)
            for c in ("fall", "lakemedel")
        ],
        reported(
            u["enhet_c"], datetime(2026, 2, 28, 23, 30, tzinfo=UTC), deviation_type="hsl"
        ),  # 1 March locally
        reported(u["enhet_c"], datetime(2026, 4, 1, 9, tzinfo=UTC), status="voided"),
    )
    async with svc.runtime.session_factory() as session:
        stats = Statistics(session, svc.runtime.replica)
        for dimension in ("type", "category", "status", "tier", "total"):
            for granularity in (Granularity.MONTH, Granularity.TERTIAL):
                query = CountQuery(
                    "deviations",
                    dimension,
                    date(2026, 1, 1),
                    date(2026, 8, 31),
                    granularity,
                    [u["forvaltning"]],
                    GroupMode.UNIT,
                )
                _, cube = await stats.count(query)
                _, facts = await stats.count(CountQuery(**{**query.__dict__, "use_pre_aggregate": False}))
                assert {k: v for k, v in cube.items() if v} == {k: v for k, v in facts.items() if v}, (
                    dimension
                )
                assert sum(cube.values()) == 9  # the voided report is not counted


async def test_statistics_by_month_tertial_and_year_and_as_csv_and_xlsx(svc: Any) -> None:
    u = svc.org.units
    await svc.feed(
        reported(u["enhet_a"], datetime(2026, 1, 10, tzinfo=UTC)),
        reported(u["enhet_a"], datetime(2026, 5, 10, tzinfo=UTC), category="lakemedel"),
        reported(u["enhet_a"], datetime(2026, 5, 11, tzinfo=UTC), category="lakemedel"),
    )
    year = {"from": "2026-01-01", "to": "2026-12-31"}
    tertials = await _get(svc, f"{STATS}/deviations", "socialchef", period="tertial", by="category", **year)
    assert [c["label"] for c in tertials["table"]["columns"]] == ["T1 2026", "T2 2026", "T3 2026"]
    assert _rows(tertials["table"]) == {"fall": [1, 0, 0], "lakemedel": [0, 2, 0]}
    months = await _get(svc, f"{STATS}/deviations", "socialchef", period="month", **year)
    assert len(months["table"]["columns"]) == 12 and months["table"]["totals"][4] == 2

    r = await svc.client.get(
        f"{STATS}/deviations",
        params={**year, "period": "tertial", "by": "category", "format": "csv"},
        headers=svc.org.auth("socialchef"),
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Kategori", "T1 2026", "T2 2026", "T3 2026", "Totalt"]
    assert lines[1] == ["Fall", "1", "0", "0", "1"] and lines[2][0] == "Läkemedel"

    r = await svc.client.get(
        f"{STATS}/deviations",
        params={**year, "by": "category", "format": "xlsx"},
        headers=svc.org.auth("namnd"),
    )
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Avvikelser, 2026-01-01 – 2026-12-31"
    assert ["Fall", ".."] in [v[:2] for v in values] and any(
        v[0] and "röjanderisk" in str(v[0]) for v in values
    )

    bad = await svc.client.get(
        f"{STATS}/deviations", params={**year, "by": "colour"}, headers=svc.org.auth("socialchef")
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "by"
    bad = await svc.client.get(f"{STATS}/nothing", params=year, headers=svc.org.auth("socialchef"))
    assert bad.status_code == 422
    outside = await svc.client.get(
        f"{STATS}/deviations",
        params={**year, "unit_id": str(u["enhet_c"])},
        headers=svc.org.auth("enhetschef_a"),
    )
    assert outside.status_code == 403
    staff = await svc.client.get(f"{STATS}/deviations", params=year, headers=svc.org.auth("medarbetare_a"))
    assert staff.status_code == 403


async def test_a_missed_deadline_is_overdue_until_the_late_step_is_taken(svc: Any) -> None:
    u = svc.org.units
    dev = new_id()
    missed = common.DeadlineMissed(
        deadline_id=new_id(),
        rule="receive",
        object_type="deviation",
        object_id=dev,
        reference="AVV-2026-000020",
        unit_id=u["enhet_a"],
        due_at=MARCH,
        responsible_role="enhetschef",
    )
    await svc.feed(reported(u["enhet_a"], deviation_id=dev), missed)
    params = {"from": "2026-03-01", "to": "2026-03-31", "by": "state"}
    assert _rows((await _get(svc, f"{STATS}/deadlines", "socialchef", **params))["table"]) == {"open": [1]}
    await svc.feed(
        deviation.DeviationReceived(
            deviation_id=dev,
            reference="AVV-2026-000020",
            unit_id=u["enhet_a"],
            received_at=MARCH + timedelta(days=3),
            received_by=new_id(),
        )
    )
    assert _rows((await _get(svc, f"{STATS}/deadlines", "socialchef", **params))["table"]) == {
        "resolved": [1]
    }


async def test_patterns_report_a_category_rising_in_a_unit_with_its_figures(svc: Any) -> None:
    u = svc.org.units
    events = [reported(u["enhet_a"], datetime(2026, m, 5, tzinfo=UTC), category="fall") for m in (1, 2, 3)]
    events += [reported(u["enhet_a"], datetime(2026, 4, d, tzinfo=UTC), category="fall") for d in range(1, 7)]
    events += [reported(u["enhet_b"], datetime(2026, 4, 5, tzinfo=UTC), category="lakemedel")]
    await svc.feed(*events)
    params = {"period": "month", "periods": 4, "to": "2026-04-30", "unit_id": str(u["forvaltning"])}
    found = await _get(svc, "/api/v1/reports/patterns", "kvalitetsledare", **params)
    (item,) = found["items"]
    assert item["unit_id"] == str(u["enhet_a"]) and item["category"] == "fall"
    assert item["kinds"] == ["rising", "recurring"]
    assert item["counts"] == [1, 1, 1, 6] and item["baseline"] == 1.0
    assert [p["key"] for p in found["periods"]] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    for_namnd = await _get(svc, "/api/v1/reports/patterns", "namnd", **params)
    assert for_namnd["items"][0]["counts"] == [None, None, None, 6]
