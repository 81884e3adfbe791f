"""The follow-up of units run by private providers, as kontrollmoment of the internkontrollplan
(avtalsuppföljning, MAS-tillsyn): planned for units in private regi, scheduled, performed, missed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from risk_svc.adapters.orm import RiskAction

PLANS = "/api/v1/risk/control-plans"
CONTROLS = "/api/v1/risk/controls"


def _row(
    svc: Any, kind: str, unit: str | None, frequency: str = "halvarsvis", **extra: Any
) -> dict[str, Any]:
    return {
        "kind": kind,
        "control_activity": "Uppföljning av avtalet: bemanning, kvalitetsrapport, klagomål",
        "method": "aktgranskning",
        "frequency": frequency,
        "reporting_occasion": "t2",
        **({"unit_id": svc.unit(unit)} if unit else {}),
        **extra,
    }


async def _draft(svc: Any) -> dict[str, Any]:
    svc.clock.set(datetime(2025, 12, 10, 9, tzinfo=UTC))
    await svc.run_privately("enhet_a", "Omsorgsbolaget Norr AB")  # SoL and HSL
    await svc.run_privately("enhet_b", "Hemtjänst i Väst AB")  # SoL only
    return dict(
        await svc.json(
            "POST", PLANS, "kvalitetsledare", 201, json={"unit_id": svc.unit("namnd"), "year": 2026}
        )
    )


async def _refused_on(svc: Any, plan: dict[str, Any], body: dict[str, Any]) -> str:
    r = await svc.call("POST", f"{PLANS}/{plan['id']}/rows", "kvalitetsledare", 422, json=body)
    return str(r.json()["errors"][0]["field"])


async def test_provider_follow_ups_are_planned_for_units_in_private_regi_and_mas_tillsyn_where_hsl_is_given(
    svc: Any,
) -> None:
    plan = await _draft(svc)
    assert await _refused_on(svc, plan, _row(svc, "avtalsuppfoljning", "enhet_c")) == "unit_id"  # egen regi
    assert await _refused_on(svc, plan, _row(svc, "avtalsuppfoljning", None)) == "unit_id"
    assert await _refused_on(svc, plan, _row(svc, "mas_tillsyn", "enhet_b")) == "unit_id"  # no HSL
    assert await _refused_on(svc, plan, _row(svc, "internkontroll", "enhet_a")) == "risk_id"
    path = f"{PLANS}/{plan['id']}/rows"
    await svc.json("POST", path, "kvalitetsledare", 201, json=_row(svc, "avtalsuppfoljning", "enhet_b"))
    plan = await svc.json("POST", path, "kvalitetsledare", 201, json=_row(svc, "mas_tillsyn", "enhet_a"))
    assert [(r["kind"], r["unit_id"], r["risk_id"]) for r in plan["rows"]] == [
        ("avtalsuppfoljning", svc.unit("enhet_b"), None),
        ("mas_tillsyn", svc.unit("enhet_a"), None),
    ]
    # the kind stays; a provider row moved to a unit in egen regi is refused like a new one
    row = plan["rows"][0]
    moved = await svc.call(
        "PATCH", f"{path}/{row['id']}", "kvalitetsledare", 422, json={"unit_id": svc.unit("enhet_c")}
    )
    assert moved.json()["errors"][0]["field"] == "unit_id"


async def test_a_provider_control_missed_emits_its_deadline(svc: Any) -> None:
    plan = await _draft(svc)
    plan = await svc.json(
        "POST",
        f"{PLANS}/{plan['id']}/rows",
        "kvalitetsledare",
        201,
        json=_row(svc, "avtalsuppfoljning", "enhet_b"),
    )
    svc.clock.set(datetime(2025, 12, 16, 9, tzinfo=UTC))
    adopted = await svc.json(
        "POST",
        f"{PLANS}/{plan['id']}/adopt",
        "socialchef",
        json={"meeting_date": "2025-12-15", "paragraph": "§ 92", "reference": "SN 2025/118"},
    )
    assert adopted["rows"][0]["controls_scheduled"] == 2
    page = await svc.json("GET", CONTROLS, "kvalitetsledare", params={"plan_id": plan["id"]})
    first, second = sorted(page["items"], key=lambda c: c["due_date"])
    assert (first["kind"], first["risk_id"], first["due_date"]) == ("avtalsuppfoljning", None, "2026-06-30")
    svc.clock.set(datetime(2026, 6, 30, 21, 30, tzinfo=UTC))  # 23:30 on the due date in Stockholm
    await svc.worker.tick()
    assert await svc.events("DeadlineMissed") == []
    svc.clock.set(datetime(2026, 7, 1, 8, tzinfo=UTC))
    await svc.worker.tick()
    await svc.worker.tick()
    missed = await svc.events("DeadlineMissed")
    assert [(e["rule"], e["object_type"], e["object_id"], e["unit_id"]) for e in missed] == [
        ("control_performed", "control", first["id"], svc.unit("enhet_b"))
    ]
    # performed late, with a finding whose action stays with the follow-up (no risk to join)
    late = await svc.json(
        "POST",
        f"{CONTROLS}/{first['id']}/perform",
        "kvalitetsledare",
        json={
            "result": "avvikelser",
            "performed_on": "2026-07-01",
            "findings": [
                {
                    "description": "Kvalitetsrapporten saknades",
                    "action": {"description": "Begär rapporten", "due_date": "2026-08-01"},
                }
            ],
        },
    )
    assert (late["status"], late["on_time"], late["kind"]) == ("performed", False, "avtalsuppfoljning")
    (performed,) = await svc.events("ControlPerformed")
    assert (performed["kind"], performed["risk_id"], performed["on_time"]) == (
        "avtalsuppfoljning",
        None,
        False,
    )
    async with svc.runtime.session_factory() as session:
        action = await session.scalar(select(RiskAction))
    assert (
        action is not None and action.risk_id is None and str(action.finding_id) == late["findings"][0]["id"]
    )
    await svc.worker.tick()
    assert len(await svc.events("DeadlineMissed")) == 1
    assert second["status"] == "scheduled"
