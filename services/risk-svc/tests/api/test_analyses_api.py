"""Risk analyses through the API: suggestions from the unit's own history (deviation events on the bus),
the yearly deadline, completion."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from platform_shared.contracts.deviation import ComplaintReceived, DeviationReported, LexSarahEscalated
from platform_shared.ids import new_id

RISKS = "/api/v1/risk/risks"
ANALYSES = "/api/v1/risk/analyses"


def _reported(svc: Any, unit: str, category: str, day: str, **extra: Any) -> DeviationReported:
    at = datetime.fromisoformat(day + "T10:00:00+01:00")
    return DeviationReported(
        deviation_id=new_id(),
        reference=f"AVV-2026-{new_id().hex[:6]}",
        unit_id=svc.org.units[unit],
        deviation_type=extra.pop("deviation_type", "avvikelse"),
        category=category,
        occurred_at=at,
        reported_at=at,
        **extra,
    )


async def _analysis(svc: Any, unit: str, person: str = "socialchef", **extra: Any) -> Any:
    body = {"unit_id": svc.unit(unit), "trigger": "arlig", "analysis_date": "2026-11-20", **extra}
    return await svc.json("POST", ANALYSES, person, 201, json=body)


async def test_a_rising_deviation_category_is_suggested_and_a_quiet_one_is_not(svc: Any) -> None:
    svc.clock.set(datetime(2026, 11, 20, 9, tzinfo=UTC))
    rising = [
        _reported(svc, "enhet_a", "fall", day)
        for day in ("2026-01-10", "2026-04-03", "2026-09-10", "2026-10-05", "2026-10-25", "2026-11-10")
    ]
    quiet = [_reported(svc, "enhet_a", "lakemedel", "2026-10-12")]
    elsewhere = [_reported(svc, "enhet_c", "fall", d) for d in ("2026-09-02", "2026-10-02", "2026-11-02")]
    complaints = [
        ComplaintReceived(
            complaint_id=new_id(),
            reference=f"KLG-{i}",
            unit_id=svc.org.units["enhet_b"],
            kind="klagomal",
            category="bemotande",
            received_at=datetime(2026, m, 3, tzinfo=UTC),
        )
        for i, m in enumerate((5, 8, 10))
    ]
    await svc.feed(*rising, *quiet, *elsewhere, *complaints)
    analysis = await _analysis(svc, "omsorg")
    found = await svc.json("GET", f"{ANALYSES}/{analysis['id']}/suggestions", "socialchef")
    assert found["basis"]["deviations"] == 7 and found["basis"]["complaints"] == 3  # omsorg's subtree only
    assert (found["basis"]["period_from"], found["basis"]["period_to"]) == ("2025-12-01", "2026-12-01")
    patterns = [s for s in found["items"] if s["kind"] == "pattern"]
    assert [(s["unit_id"], s["category"], s["source"]) for s in patterns] == [
        (svc.unit("enhet_a"), "fall", "avvikelser"),
        (svc.unit("enhet_b"), "bemotande", "klagomal"),
    ]
    fall = patterns[0]
    assert "rising" in fall["figures"]["pattern"]
    assert [p["count"] for p in fall["figures"]["periods"]] == [1, 1, 0, 4]
    assert sorted(fall["linked_deviation_ids"]) == sorted(str(e.deviation_id) for e in rising[2:])
    assert patterns[1]["figures"]["pattern"] == ["recurring"]
    assert not any(s["category"] == "lakemedel" for s in found["items"])
    # taking a suggestion: the risk records it, and links the deviations behind it
    risk = await svc.json(
        "POST",
        RISKS,
        "socialchef",
        201,
        json={
            "unit_id": svc.unit("enhet_a"),
            "title": fall["title"],
            "source": fall["source"],
            "analysis_id": analysis["id"],
            "suggestion_key": fall["key"],
            "linked_deviation_ids": fall["linked_deviation_ids"],
            "probability": 3,
            "consequence": 3,
        },
    )
    again = await svc.json("GET", f"{ANALYSES}/{analysis['id']}/suggestions", "socialchef")
    assert next(s for s in again["items"] if s["key"] == fall["key"])["taken_by_risk_id"] == risk["id"]


async def test_severe_events_and_lex_sarah_escalations_are_suggested(svc: Any) -> None:
    svc.clock.set(datetime(2026, 11, 20, 9, tzinfo=UTC))
    severe = _reported(svc, "enhet_a", "lakemedel", "2026-06-02", deviation_type="hsl", severity=3)
    sarah = _reported(svc, "enhet_a", "utforande", "2026-03-02", deviation_type="lex_sarah")
    mild = _reported(svc, "enhet_a", "fall", "2026-06-03", severity=1)
    escalated = LexSarahEscalated(
        deviation_id=sarah.deviation_id,
        reference=sarah.reference,
        unit_id=sarah.unit_id,
        deviation_type="lex_sarah",
        category="utforande",
        degree="allvarligt_missforhallande",
        decided_by=svc.org.people["socialchef"],
        decided_at=datetime(2026, 3, 5, tzinfo=UTC),
    )
    await svc.feed(severe, sarah, mild, escalated)
    analysis = await _analysis(svc, "enhet_a", person="enhetschef_a")
    found = await svc.json("GET", f"{ANALYSES}/{analysis['id']}/suggestions", "enhetschef_a")
    severe_items = {s["category"]: s for s in found["items"] if s["kind"] == "severe_events"}
    assert set(severe_items) == {"lakemedel", "utforande"}
    assert severe_items["utforande"]["figures"]["lex_sarah"] == 1
    assert severe_items["lakemedel"]["figures"]["severity_3_or_more"] == 1
    assert severe_items["lakemedel"]["linked_deviation_ids"] == [str(severe.deviation_id)]
    # the nämnd sees no analysis (aggregates only)
    assert (
        await svc.client.get(f"{ANALYSES}/{analysis['id']}/suggestions", headers=svc.auth("namnd"))
    ).status_code == 404


async def test_a_yearly_analysis_is_due_for_every_unit_and_completing_one_meets_it(svc: Any) -> None:
    svc.clock.set(datetime(2026, 2, 1, 9, tzinfo=UTC))
    assert await svc.worker.open_yearly_analyses() == 7
    assert await svc.worker.open_yearly_analyses() == 0  # once per unit and year
    analysis = await _analysis(svc, "enhet_a", person="enhetschef_a", analysis_date="2026-02-01")
    await svc.json(
        "POST",
        RISKS,
        "enhetschef_a",
        201,
        json={
            "unit_id": svc.unit("enhet_a"),
            "title": "Sommarbemanning",
            "analysis_id": analysis["id"],
            "probability": 3,
            "consequence": 2,
        },
    )
    await svc.json("POST", f"{ANALYSES}/{analysis['id']}/complete", "enhetschef_a")
    (completed,) = await svc.events("RiskAnalysisCompleted")
    assert (completed["trigger"], completed["year"], completed["risk_count"]) == ("arlig", 2026, 1)
    svc.clock.set(datetime(2026, 12, 10, 9, tzinfo=UTC))
    await svc.worker.tick()
    approaching = {e["unit_id"] for e in await svc.events("DeadlineApproaching")}
    assert len(approaching) == 6 and svc.unit("enhet_a") not in approaching
    svc.clock.set(datetime(2027, 1, 2, 9, tzinfo=UTC))
    await svc.worker.tick()
    await svc.worker.tick()
    missed = [e for e in await svc.events("DeadlineMissed")]
    assert {e["rule"] for e in missed} == {"risk_analysis_yearly"} and {e["object_type"] for e in missed} == {
        "risk_analysis"
    }
    assert len(missed) == 6 and svc.unit("enhet_a") not in {e["unit_id"] for e in missed}
    by_unit = {e["unit_id"]: e for e in missed}
    assert by_unit[svc.unit("enhet_b")]["responsible_role"] == "enhetschef"


async def test_an_analysis_is_completed_when_every_risk_it_identified_is_assessed(svc: Any) -> None:
    no_change = await svc.client.post(
        ANALYSES,
        json={"unit_id": svc.unit("enhet_a"), "trigger": "forandring", "analysis_date": "2026-03-10"},
        headers=svc.auth("enhetschef_a"),
    )
    assert no_change.status_code == 422 and no_change.json()["errors"][0]["field"] == "change_description"
    analysis = await svc.json(
        "POST",
        ANALYSES,
        "enhetschef_a",
        201,
        json={
            "unit_id": svc.unit("enhet_a"),
            "trigger": "forandring",
            "analysis_date": "2026-03-10",
            "change_description": "Byte av verksamhetssystem i april",
            "participant_ids": [str(svc.org.people["medarbetare_a"])],
            "external_participants": ["IT-samordnare"],
        },
    )
    contributed = await svc.json(
        "POST",
        RISKS,
        "medarbetare_a",
        201,
        json={
            "unit_id": svc.unit("enhet_a"),
            "title": "Journaler oläsbara under migrering",
            "analysis_id": analysis["id"],
        },
    )
    # a participant sees the analysis they took part in
    assert (await svc.json("GET", f"{ANALYSES}/{analysis['id']}", "medarbetare_a"))["risks"][0][
        "id"
    ] == contributed["id"]
    blocked = await svc.client.post(f"{ANALYSES}/{analysis['id']}/complete", headers=svc.auth("enhetschef_a"))
    assert blocked.status_code == 409 and contributed["reference"] in blocked.json()["detail"]
    await svc.json(
        "POST",
        f"{RISKS}/{contributed['id']}/assess",
        "enhetschef_a",
        json={"probability": 2, "consequence": 3},
    )
    done = await svc.json("POST", f"{ANALYSES}/{analysis['id']}/complete", "enhetschef_a")
    assert done["status"] == "completed"
    late = await svc.client.post(
        RISKS,
        json={"unit_id": svc.unit("enhet_a"), "title": "Sen", "analysis_id": analysis["id"]},
        headers=svc.auth("enhetschef_a"),
    )
    assert late.status_code == 409
    (event,) = await svc.events("RiskAnalysisCompleted")
    assert (event["trigger"], event["risk_count"]) == ("forandring", 1)
    first = await _analysis(svc, "enhet_c", person="enhetschef_c")
    assert first["year"] == 2026
    second = await svc.client.post(
        ANALYSES,
        json={"unit_id": svc.unit("enhet_c"), "trigger": "arlig", "analysis_date": "2026-12-01"},
        headers=svc.auth("enhetschef_c"),
    )
    assert second.status_code == 409
