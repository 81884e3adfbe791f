"""Values nobody types in (docs/goals-and-forums.md §1–2): computed indicators from the facts of their
unit and the units below it, imported indicators from the comparison figures, and KPI titles entered by
hand. The clock stands at 2026-03-10; the job is called directly (`compute_indicators`), not waited for."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from typing import Any

from platform_shared.contracts.deviation import (
    ComplaintReceived,
    ComplaintResponded,
    DeviationReported,
    DeviationVoided,
)
from platform_shared.ids import new_id
from risk_svc.service_layer.goals.filling import compute_indicators

GOALS = "/api/v1/risk/goals"
INDICATORS = "/api/v1/risk/indicators"
IMPORTS = "/api/v1/risk/imports"
DEVIATIONS_PER_MONTH = {
    "name": "Rapporterade avvikelser per månad",
    "definition": "Avvikelser rapporterade under månaden i enheten och enheterna under den",
    "unit_of_measure": "antal",
    "direction": "lower_is_better",
    "target": 2,
    "threshold": 4,
    "frequency": "manadsvis",
    "source": "computed",
    "computed_source": "deviations_reported",
    "aggregation": "sum",
}
USER_RATING = {
    "name": "Brukarbedömning hemtjänst, helhetsomdöme",
    "definition": "Kolada U21468 för Tyresö, totalt",
    "unit_of_measure": "procent",
    "direction": "higher_is_better",
    "target": 85,
    "threshold": 75,
    "frequency": "arsvis",
    "source": "imported",
    "kpi": "U21468",
    "municipality": "0138",
    "aggregation": "none",
}


async def _goal(svc: Any, unit: str, title: str, parent: Any = None) -> Any:
    body = {"unit_id": svc.unit(unit), "title": title, "from_year": 2026}
    if parent is not None:
        body["parent_id"] = parent["id"]
    return await svc.json("POST", GOALS, "kvalitetsledare", 201, json=body)


async def _omsorg_goal(svc: Any) -> Any:
    namnd = await _goal(svc, "namnd", "Trygg omsorg")
    forvaltning = await _goal(svc, "forvaltning", "Säker vård", namnd)
    return await _goal(svc, "omsorg", "Färre avvikelser i omsorgen", forvaltning)


async def _indicator(svc: Any, goal: Any, body: dict[str, Any]) -> Any:
    return await svc.json("POST", INDICATORS, "kvalitetsledare", 201, json={"goal_id": goal["id"], **body})


def _reported(svc: Any, unit: str, at: datetime) -> DeviationReported:
    return DeviationReported(
        deviation_id=new_id(),
        reference=f"AVV-2026-{new_id().hex[:6]}",
        unit_id=svc.org.units[unit],
        deviation_type="avvikelse",
        category="fall",
        occurred_at=at,
        reported_at=at,
    )


def _voided(reported: DeviationReported) -> DeviationVoided:
    return DeviationVoided(
        deviation_id=reported.deviation_id,
        reference=reported.reference,
        unit_id=reported.unit_id,
        status="makulerad",
        voided_at=reported.reported_at,
        voided_by=new_id(),
    )


async def _values(svc: Any, indicator: Any) -> dict[str, Any]:
    found = await svc.json("GET", f"{INDICATORS}/{indicator['id']}/measurements", "kvalitetsledare")
    return {m["period"]: m for m in found}


def _sample(name: str) -> bytes:
    return resources.files("risk_svc.demo").joinpath(name).read_bytes()


async def _upload(svc: Any, content: bytes, name: str, kind: str = "values") -> Any:
    files = {"file": (name, content)}
    return await svc.json("POST", IMPORTS, "kvalitetsledare", 201, files=files, data={"kind": kind})


# --- computed ----------------------------------------------------------------------------------------


async def test_a_computed_indicator_gets_its_monthly_value_from_the_deviations_reported(svc: Any) -> None:
    february = datetime(2026, 2, 10, 9, tzinfo=UTC)
    march = datetime(2026, 3, 2, 9, tzinfo=UTC)
    mistake = _reported(svc, "enhet_a", february)
    await svc.feed(
        _reported(svc, "omsorg", february),  # the unit itself
        _reported(svc, "enhet_a", february),  # a unit below it
        _reported(svc, "enhet_b", datetime(2026, 1, 31, 23, 30, tzinfo=UTC)),  # 1 February in Sweden
        mistake,
        _voided(mistake),  # made in error: not counted
        _reported(svc, "enhet_c", february),  # another verksamhetsområde: not counted
        _reported(svc, "enhet_b", march),
    )
    # Defined after the reports: its values at once, and the job finds nothing changed.
    indicator = await _indicator(svc, await _omsorg_goal(svc), DEVIATIONS_PER_MONTH)
    assert await compute_indicators(svc.runtime) == 0
    values = await _values(svc, indicator)
    # The goal runs from 2026: January, February and the month that runs now.
    assert {p: float(m["value"]) for p, m in values.items()} == {"2026-01": 0, "2026-02": 3, "2026-03": 1}
    february_value = values["2026-02"]
    assert (february_value["source"], february_value["recorded_by"], february_value["status"]) == (
        "computed",
        None,
        "between",
    )
    measured = await svc.events("IndicatorMeasured")
    assert [(e["period"], e["source"], e["recorded_by"]) for e in measured] == [
        ("2026-01", "computed", None),
        ("2026-02", "computed", None),
        ("2026-03", "computed", None),
    ]
    card = await svc.json("GET", f"/api/v1/risk/scorecards/{svc.unit('omsorg')}", "kvalitetsledare")
    (line,) = card["lines"]
    assert (line["period"], float(line["value"]["value"]), line["activity_needed"]) == ("2026-02", 3, False)


async def test_recomputing_an_unchanged_period_records_nothing(svc: Any) -> None:
    goal = await _omsorg_goal(svc)
    await svc.feed(_reported(svc, "enhet_a", datetime(2026, 3, 2, 9, tzinfo=UTC)))
    indicator = await _indicator(svc, goal, DEVIATIONS_PER_MONTH)  # computed when defined
    assert await compute_indicators(svc.runtime) == 0
    assert len(await svc.events("IndicatorMeasured")) == 3
    before = (await _values(svc, indicator))["2026-03"]
    # A late report changes March: recorded once more, replacing the month's value.
    await svc.feed(_reported(svc, "enhet_b", datetime(2026, 3, 9, 9, tzinfo=UTC)))
    svc.clock.advance(minutes=5)
    assert await compute_indicators(svc.runtime) == 1
    assert await compute_indicators(svc.runtime) == 0
    *_, latest = await svc.events("IndicatorMeasured")
    assert (latest["period"], float(latest["value"])) == ("2026-03", 2)
    assert latest["replaces_measurement_id"] == before["id"]
    after = (await _values(svc, indicator))["2026-03"]
    assert after["id"] == before["id"] and after["version"] == before["version"] + 1
    # An ended goal keeps its indicators' values as they were.
    await svc.call("POST", f"{GOALS}/{goal['id']}/end", "kvalitetsledare", 200)
    await svc.feed(_reported(svc, "enhet_b", datetime(2026, 3, 9, 10, tzinfo=UTC)))
    assert await compute_indicators(svc.runtime) == 0


async def test_a_computed_value_below_the_gransvarde_is_recorded_and_shows_that_an_activity_is_needed(
    svc: Any,
) -> None:
    indicator = await _indicator(svc, await _omsorg_goal(svc), DEVIATIONS_PER_MONTH)
    february = datetime(2026, 2, 10, 9, tzinfo=UTC)
    await svc.feed(*[_reported(svc, "enhet_a", february) for _ in range(5)])
    await compute_indicators(svc.runtime)
    assert (await _values(svc, indicator))["2026-02"]["status"] == "under_threshold"
    card_path = f"/api/v1/risk/scorecards/{svc.unit('omsorg')}"
    (line,) = (await svc.json("GET", card_path, "kvalitetsledare"))["lines"]
    assert (line["status"], line["activity_needed"]) == ("under_threshold", True)
    shown = await svc.json("GET", f"{INDICATORS}/{indicator['id']}", "kvalitetsledare")
    assert shown["activity_needed"] is True
    activity = {
        "description": "Genomgång av fallrisker med personalen",
        "owner_id": svc.person("enhetschef_a"),
        "due_date": "2026-04-15",
    }
    plan = f"{INDICATORS}/{indicator['id']}/activities"
    await svc.call("POST", plan, "kvalitetsledare", 201, json=activity)
    (line,) = (await svc.json("GET", card_path, "kvalitetsledare"))["lines"]
    assert line["activity_needed"] is False
    shown = await svc.json("GET", f"{INDICATORS}/{indicator['id']}", "kvalitetsledare")
    assert shown["activity_needed"] is False


async def test_complaints_answered_in_time_are_computed_from_the_complaint_history(svc: Any) -> None:
    body = {
        **DEVIATIONS_PER_MONTH,
        "name": "Andel klagomål besvarade i tid",
        "unit_of_measure": "procent",
        "direction": "higher_is_better",
        "target": 90,
        "threshold": 75,
        "computed_source": "complaints_answered_in_time",
        "aggregation": "rate",
        "rate_scale": 100,
    }
    indicator = await _indicator(svc, await _omsorg_goal(svc), body)

    def received(n: int, complainant: str) -> ComplaintReceived:
        return ComplaintReceived(
            complaint_id=new_id(),
            reference=f"KLG-2026-{n}",
            unit_id=svc.org.units["enhet_a"],
            kind="klagomal",
            complainant_type=complainant,
            received_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
            response_due_at=datetime(2026, 2, 2, 9, tzinfo=UTC),
        )

    in_time, late, anonymous = received(1, "brukare"), received(2, "narstaende"), received(3, "anonym")
    answered = [
        ComplaintResponded(
            complaint_id=c.complaint_id,
            reference=c.reference,
            unit_id=c.unit_id,
            responded_at=datetime(2026, 1, 20, 9, tzinfo=UTC)  # before its deadline, 2 February
            if c is in_time
            else datetime(2026, 2, 10, 9, tzinfo=UTC),
        )
        for c in (in_time, late)
    ]
    await svc.feed(in_time, late, anonymous, *answered)
    await compute_indicators(svc.runtime)
    january = (await _values(svc, indicator))["2026-01"]
    assert (float(january["value"]), float(january["numerator"]), float(january["denominator"])) == (50, 1, 2)
    assert january["status"] == "under_threshold"


async def test_a_computed_indicator_takes_no_values_typed_in(svc: Any) -> None:
    indicator = await _indicator(svc, await _omsorg_goal(svc), DEVIATIONS_PER_MONTH)
    path = f"{INDICATORS}/{indicator['id']}/measurements"
    await svc.call("POST", path, "kvalitetsledare", 409, json={"period": "2026-02", "value": 1})
    assert {e["source"] for e in await svc.events("IndicatorMeasured")} == {"computed"}


# --- imported ----------------------------------------------------------------------------------------


async def test_an_import_fills_the_indicators_that_follow_its_kpi(svc: Any) -> None:
    namnd = await _goal(svc, "namnd", "Nöjda brukare")
    indicator = await _indicator(svc, namnd, USER_RATING)
    other = await _indicator(svc, namnd, {**USER_RATING, "name": "Hjo", "municipality": "0486"})
    assert await _values(svc, indicator) == {}
    await _upload(svc, _sample("kolada_sample.csv"), "kolada_sample.csv")
    values = await _values(svc, indicator)
    assert sorted(values) == ["2019", "2020", "2021", "2022", "2023", "2024"]
    assert (float(values["2024"]["value"]), values["2024"]["source"], values["2024"]["status"]) == (
        80.3,
        "imported",
        "between",
    )
    assert values["2024"]["recorded_by"] is None
    assert len(await _values(svc, other)) == 6
    events = len(await svc.events("IndicatorMeasured"))
    # The same file again records nothing; a revised figure replaces that year's value, once.
    await _upload(svc, _sample("kolada_sample.csv"), "kolada_sample.csv")
    assert len(await svc.events("IndicatorMeasured")) == events
    revised = b"kpi;municipality;period;gender;value\nU21468;0138;2024;T;74,5\nU21468;0138;2023;K;90\n"
    await _upload(svc, revised, "rattelse.csv")
    *_, latest = await svc.events("IndicatorMeasured")
    assert len(await svc.events("IndicatorMeasured")) == events + 1
    assert (latest["indicator_id"], latest["period"], latest["status"]) == (
        indicator["id"],
        "2024",
        "under_threshold",
    )
    shown = await svc.json("GET", f"{INDICATORS}/{indicator['id']}", "kvalitetsledare")
    assert shown["activity_needed"] is True and float(shown["latest"]["value"]) == 74.5


async def test_an_imported_indicator_defined_after_the_import_gets_the_figures_already_held(svc: Any) -> None:
    await _upload(svc, _sample("kolada_sample.csv"), "kolada_sample.csv")
    namnd = await _goal(svc, "namnd", "Nöjda brukare")
    indicator = await _indicator(svc, namnd, USER_RATING)
    assert len(await _values(svc, indicator)) == 6
    monthly = {"goal_id": namnd["id"], **USER_RATING, "frequency": "manadsvis"}
    refused = await svc.call("POST", INDICATORS, "kvalitetsledare", 422, json=monthly)
    assert refused.json()["errors"][0]["field"] == "frequency"


# --- KPI titles ----------------------------------------------------------------------------------------


async def test_a_kpi_title_entered_by_hand_is_shown_in_comparisons(svc: Any) -> None:
    await _upload(svc, _sample("kolada_sample.csv"), "kolada_sample.csv")
    title = {"title": "Brukarbedömning hemtjänst, helhetsomdöme"}
    bad = await svc.call("PUT", f"{IMPORTS}/kpis/U2146", "kvalitetsledare", 422, json=title)
    assert bad.json()["errors"][0]["field"] == "kpi"
    await svc.call("PUT", f"{IMPORTS}/kpis/U21468", "medarbetare_a", 403, json=title)
    listed = await svc.json("GET", f"{IMPORTS}/kpis", "kvalitetsledare")
    assert all(k["title"] is None for k in listed["items"])
    assert "U21468" in [k["kpi"] for k in listed["items"]]
    row = await svc.json("PUT", f"{IMPORTS}/kpis/u21468", "kvalitetsledare", json=title)
    assert (row["kpi"], row["title"], row["source"]) == ("U21468", title["title"], "manual")
    assert row["version"] == 1
    stale = svc.at_version("kvalitetsledare", 7)
    await svc.call("PUT", f"{IMPORTS}/kpis/U21468", "kvalitetsledare", 412, json=title, headers=stale)
    compared = await svc.json(
        "GET", f"{IMPORTS}/comparisons", "namnd", params={"kpi": "U21468", "municipality": ["0138"]}
    )
    assert compared["title"] == title["title"]
    listed = await svc.json("GET", f"{IMPORTS}/kpis", "namnd", params={"limit": 1})
    assert [(k["kpi"], k["source"]) for k in listed["items"]] == [("N21807", None)]
    rest = await svc.json("GET", f"{IMPORTS}/kpis", "namnd", params={"cursor": listed["next_cursor"]})
    assert ("U21468", "manual") in [(k["kpi"], k["source"]) for k in rest["items"]]
    # A titles file replaces a title entered by hand.
    await _upload(svc, _sample("kolada_sample_titles.csv"), "titles.csv", "titles")
    compared = await svc.json(
        "GET", f"{IMPORTS}/comparisons", "namnd", params={"kpi": "U21468", "municipality": ["0138"]}
    )
    assert compared["title"].startswith("Exempel:")
