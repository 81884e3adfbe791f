from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from platform_shared.contracts import common, deviation, risk
from platform_shared.ids import new_id
from reporting_svc.service_layer.dashboard import DashboardGauges
from reporting_svc.service_layer.rebuild import count_rows, rebuild

NOW = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)  # in T2 2026


def reported(unit_id: Any, at: datetime, **extra: Any) -> deviation.DeviationReported:
    return deviation.DeviationReported(
        **{
            "deviation_id": new_id(),
            "reference": "AVV-2026-000200",
            "deviation_type": "avvikelse",
            "unit_id": unit_id,
            "category": "fall",
            "occurred_at": at,
            "reported_at": at,
            **extra,
        }
    )


async def _lived_in(svc: Any) -> None:
    u = svc.org.units
    closed = new_id()
    escalated = new_id()
    base = {"reference": "AVV-2026-000201", "unit_id": u["enhet_a"]}
    feb, may = datetime(2026, 2, 3, tzinfo=UTC), datetime(2026, 5, 4, tzinfo=UTC)
    await svc.feed(
        *[reported(u["enhet_a"], feb) for _ in range(5)],
        *[reported(u["enhet_b"], may) for _ in range(6)],
        reported(u["enhet_a"], may, deviation_id=closed),
        deviation.DeviationClosed(deviation_id=closed, closed_at=may, closed_by=new_id(), **base),
        reported(u["enhet_c"], may, deviation_id=escalated, deviation_type="lex_sarah"),
        deviation.LexSarahEscalated(
            deviation_id=escalated,
            reference="AVV-2026-000202",
            unit_id=u["enhet_c"],
            degree="allvarligt_missforhallande",
            decided_by=svc.org.people["socialchef"],
            decided_at=may,
        ),
        deviation.ComplaintReceived(
            complaint_id=new_id(),
            reference="KLA-2026-000001",
            unit_id=u["enhet_a"],
            kind="klagomal",
            received_at=may,
        ),
        common.DeadlineMissed(
            deadline_id=new_id(),
            rule="receive",
            object_type="deviation",
            object_id=new_id(),
            unit_id=u["enhet_b"],
            due_at=may,
        ),
        risk.RiskAssessed(
            risk_id=new_id(),
            unit_id=u["enhet_a"],
            probability=2,
            consequence=3,
            risk_value=6,
            assessed_at=may,
        ),
    )


async def test_dashboard_and_metrics_show_open_cases_overdue_tertials_ivo_and_consumer_lag(svc: Any) -> None:
    svc.clock.set(NOW)
    await _lived_in(svc)
    r = await svc.client.get("/api/v1/dashboard", headers=svc.org.auth("socialchef"))
    assert r.status_code == 200, r.text
    board = r.json()
    assert board["open_deviations_by_status"] == {"reported": 12}
    assert board["open_complaints"] == 1 and board["overdue_deadlines"] == 1
    assert board["this_tertial"]["label"] == "T2 2026" and board["this_tertial"]["deviations"] == 8
    assert board["last_tertial"]["label"] == "T1 2026" and board["last_tertial"]["deviations"] == 5
    assert board["this_tertial"]["ivo_notifications"] == 1
    assert (board["ivo_anmalningar_awaiting"], board["ivo_anmalningar_this_year"]) == (1, 0)
    lags = {c["consumer"]: c for c in board["consumer_lag"]}
    assert {
        "reporting.projections",
        "reporting.notifications",
        "reporting.org-replica",
    } <= set(lags)
    assert lags["reporting.projections"]["lag_seconds"] is not None

    namnd = (await svc.client.get("/api/v1/dashboard", headers=svc.org.auth("namnd"))).json()
    assert namnd["suppressed"] is True
    assert namnd["open_complaints"] is None and namnd["this_tertial"]["deviations"] == 8
    unit = await svc.client.get(
        "/api/v1/dashboard",
        params={"unit_id": str(svc.org.units["enhet_a"])},
        headers=svc.org.auth("enhetschef_a"),
    )
    assert unit.json()["this_tertial"]["deviations"] == 1

    gauges = DashboardGauges(
        svc.runtime.session_factory, svc.runtime.replica, svc.clock, lambda: svc.runtime.consumers
    )
    await gauges.refresh()
    metrics = (await svc.client.get("/metrics")).text
    assert 'reporting_deviations_open{status="reported"} 12.0' in metrics
    assert "reporting_complaints_open 1.0" in metrics
    assert "reporting_deadlines_overdue 1.0" in metrics
    assert 'reporting_cases_tertial{subject="deviations",tertial="previous"} 5.0' in metrics
    assert 'reporting_ivo_anmalningar{state="awaiting"} 1.0' in metrics
    assert 'reporting_consumer_lag_seconds{consumer="reporting.projections"}' in metrics


async def test_rebuilding_the_read_models_from_the_kept_log_gives_the_same_figures(svc: Any) -> None:
    svc.clock.set(NOW)
    await _lived_in(svc)
    headers = svc.org.auth("socialchef")
    params = {"from": "2026-01-01", "to": "2026-12-31", "period": "tertial", "by": "status"}
    before = (
        await svc.client.get("/api/v1/reports/statistics/deviations", params=params, headers=headers)
    ).json()
    board = (await svc.client.get("/api/v1/dashboard", headers=headers)).json()
    rows = await count_rows(svc.runtime)

    result = await rebuild(svc.runtime)

    assert result.events == 18
    assert await count_rows(svc.runtime) == rows
    after = (
        await svc.client.get("/api/v1/reports/statistics/deviations", params=params, headers=headers)
    ).json()
    assert after == before
    again = (await svc.client.get("/api/v1/dashboard", headers=headers)).json()
    assert {k: v for k, v in again.items() if k != "consumer_lag"} == {
        k: v for k, v in board.items() if k != "consumer_lag"
    }
