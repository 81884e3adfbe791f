"""The kvalitetsråd agenda's måluppfyllelse and jämförelsetal, from the indicator facts reporting keeps
of risk-svc's events (indicator_fact, indicator_measurement_fact): in the meeting's read model and its
protokoll, frozen at justering, and rebuilt from the event log like every other fact."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from docx import Document
from sqlalchemy import func, select

from platform_shared.contracts import risk
from platform_shared.ids import new_id
from reporting_svc.adapters.orm import IndicatorFact, IndicatorMeasurementFact
from reporting_svc.service_layer.projections import NOT_PROJECTED, PROJECTED_TYPES
from reporting_svc.service_layer.rebuild import rebuild

KR = "/api/v1/kvalitetsrad"
NOW = datetime(2026, 9, 20, 9, 0, tzinfo=UTC)
GOAL = uuid.UUID("00000000-0000-4000-8000-00000000a001")


def defined(unit: uuid.UUID, name: str, **extra: Any) -> risk.IndicatorDefined:
    return risk.IndicatorDefined(
        **{
            "indicator_id": new_id(),
            "goal_id": GOAL,
            "unit_id": unit,
            "name": name,
            "unit_of_measure": "%",
            "direction": "higher_is_better",
            "target": Decimal("90"),
            "threshold": Decimal("75"),
            "frequency": "tertialvis",
            "source": "entered",
            "aggregation": "rate",
            "defined_at": datetime(2026, 1, 10, tzinfo=UTC),
            **extra,
        }
    )


def measured(
    i: risk.IndicatorDefined, period: str, value: str, status: str, at: datetime | None = None
) -> risk.IndicatorMeasured:
    return risk.IndicatorMeasured(
        measurement_id=new_id(),
        indicator_id=i.indicator_id,
        goal_id=i.goal_id,
        unit_id=i.unit_id,
        period=period,
        value=Decimal(value),
        status=status,
        source=i.source,
        measured_at=at or datetime(2026, 9, 2, 8, tzinfo=UTC),
    )


async def _call(svc: Any, method: str, path: str, person: str, status: int = 200, **kwargs: Any) -> Any:
    r = await svc.client.request(method, path, headers=svc.org.auth(person), **kwargs)
    assert r.status_code == status, r.text
    return r


async def _plan(svc: Any, unit: str, chef: str, on: str = "2026-09-15") -> dict[str, Any]:
    p = svc.org.people
    body = {
        "unit_id": str(svc.org.units[unit]),
        "occasion": "t2",
        "meeting_on": on,
        "participant_ids": [str(p[chef]), str(p["kvalitetsledare"])],
        "secretary_id": str(p["kvalitetsledare"]),
        "chef_id": str(p[chef]),
    }
    meeting: dict[str, Any] = (await _call(svc, "POST", KR, "kvalitetsledare", 201, json=body)).json()
    return meeting


def _item(meeting: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in meeting["items"] if i["key"] == key)
    return found


async def _styrkort(svc: Any) -> dict[str, risk.IndicatorDefined]:
    u = svc.org.units
    i = {
        "fall": defined(u["enhet_a"], "Fall utan skada"),
        "nojd": defined(u["enhet_b"], "Nöjda brukare"),
        "delaktig": defined(u["omsorg"], "Delaktighet i genomförandeplan"),
        "saknas": defined(u["enhet_a"], "Kontinuitet"),
        "lss": defined(u["enhet_c"], "Fall i LSS"),  # another verksamhetsområde
        "kolada": defined(
            u["omsorg"],
            "Brukarbedömning hemtjänst",
            source="imported",
            frequency="arsvis",
            kpi="U21468",
            municipality="0180",
        ),
    }
    await svc.feed(
        *i.values(),
        measured(i["fall"], "2026-T2", "70", "under_threshold"),
        measured(i["nojd"], "2026-T1", "95", "over_target"),
        measured(i["nojd"], "2026-T2", "82", "between"),
        measured(i["delaktig"], "2026-T2", "91.5", "over_target"),
        measured(i["lss"], "2026-T2", "10", "under_threshold"),
        measured(i["kolada"], "2024", "85", "between"),
        measured(i["kolada"], "2025", "92", "over_target"),
    )
    return i


def _counts(item: dict[str, Any]) -> dict[str, int]:
    return {c["status"]: c["count"] for c in item["indicators"]["counts"]}


def test_the_indicator_events_are_projected() -> None:
    types = {"IndicatorDefined", "IndicatorChanged", "IndicatorRetired", "IndicatorMeasured"}
    assert types <= set(PROJECTED_TYPES) and not types & NOT_PROJECTED


async def test_the_agenda_shows_goal_fulfilment_from_the_indicators_of_the_unit_and_its_subtree(
    svc: Any,
) -> None:
    svc.clock.set(NOW)
    await _styrkort(svc)
    meeting = await _plan(svc, "omsorg", "socialchef")

    goals = _item(meeting, "maluppfyllelse")["indicators"]
    assert goals["view"] == "fulfilment" and goals["total"] == 5  # not enhet C's (LSS)
    assert _counts(_item(meeting, "maluppfyllelse")) == {
        "over_target": 2,
        "between": 1,
        "under_threshold": 1,
        "missing": 1,
    }
    (under,) = goals["under_threshold"]
    assert (under["name"], under["unit_name"], under["period_label"], under["value"]) == (
        "Fall utan skada",
        "enhet_a",
        "T2 2026",
        "70",
    )
    assert (under["target"], under["threshold"], under["status_label"]) == (
        "90",
        "75",
        "Under gränsvärdet",
    )
    nojd = next(x for x in goals["indicators"] if x["name"] == "Nöjda brukare")
    assert (nojd["period"], nojd["status"]) == ("2026-T2", "between")  # the latest of the period

    comparison = _item(meeting, "jamforelsetal")["indicators"]
    assert [(x["name"], x["kpi"], x["period"], x["status"]) for x in comparison["indicators"]] == [
        ("Brukarbedömning hemtjänst", "U21468", "2025", "over_target")
    ]
    assert [f["key"] for f in _item(meeting, "jamforelsetal")["figures"]] == ["jamforelse_avvikelser"]

    enhet = await _plan(svc, "enhet_a", "enhetschef_a")
    assert _counts(_item(enhet, "maluppfyllelse")) == {
        "over_target": 0,
        "between": 0,
        "under_threshold": 1,
        "missing": 1,
    }
    assert _item(enhet, "jamforelsetal")["indicators"]["indicators"] == []

    path = f"{KR}/{meeting['id']}/protokoll"
    docx = await _call(svc, "GET", path, "socialchef", params={"format": "docx"})
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Indikatorernas senaste värde mot mål- och gränsvärde" in text
    assert "Indikatorer under gränsvärdet" in text
    assert "Jämförelsetal: senaste årsvärde mot målvärdet" in text
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert {"Fall utan skada (%)", "Under gränsvärdet", "Brukarbedömning hemtjänst (%) [U21468]"} <= cells
    pdf = await _call(svc, "GET", path, "socialchef", params={"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")


async def test_a_later_measurement_of_a_period_replaces_the_earlier_in_the_figures(svc: Any) -> None:
    svc.clock.set(NOW)
    i = defined(svc.org.units["enhet_a"], "Fall utan skada")
    first = measured(i, "2026-T2", "70", "under_threshold", datetime(2026, 9, 2, tzinfo=UTC))
    await svc.feed(i, first)
    meeting = await _plan(svc, "enhet_a", "enhetschef_a")
    assert _counts(_item(meeting, "maluppfyllelse"))["under_threshold"] == 1

    corrected = measured(i, "2026-T2", "93", "over_target", datetime(2026, 9, 5, tzinfo=UTC))
    late = measured(i, "2026-T2", "60", "under_threshold", datetime(2026, 9, 3, tzinfo=UTC))
    await svc.feed(corrected, late)  # an earlier measurement delivered after the later one
    again = (await _call(svc, "GET", f"{KR}/{meeting['id']}", "enhetschef_a")).json()
    (line,) = _item(again, "maluppfyllelse")["indicators"]["indicators"]
    assert (line["value"], line["status"]) == ("93", "over_target")
    async with svc.runtime.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(IndicatorMeasurementFact)) == 1


async def test_a_justerat_protokoll_keeps_the_indicator_figures_it_was_justerat_with(svc: Any) -> None:
    svc.clock.set(NOW)
    i = defined(svc.org.units["enhet_a"], "Fall utan skada")
    await svc.feed(i, measured(i, "2026-T2", "70", "under_threshold"))
    meeting = await _plan(svc, "enhet_a", "enhetschef_a")
    path = f"{KR}/{meeting['id']}"
    svc.clock.set(datetime(2026, 9, 15, 14, tzinfo=UTC))
    await _call(svc, "POST", f"{path}/held", "kvalitetsledare")
    done = (await _call(svc, "POST", f"{path}/justera", "enhetschef_a")).json()
    frozen = _item(done, "maluppfyllelse")["indicators"]

    await svc.feed(measured(i, "2026-T2", "95", "over_target", datetime(2026, 9, 16, tzinfo=UTC)))
    after = (await _call(svc, "GET", path, "enhetschef_a")).json()
    assert _item(after, "maluppfyllelse")["indicators"] == frozen
    assert frozen["under_threshold"][0]["name"] == "Fall utan skada"


async def test_rebuild_restores_the_indicator_facts(svc: Any) -> None:
    svc.clock.set(NOW)
    i = await _styrkort(svc)
    await svc.feed(
        risk.IndicatorRetired(
            **i["saknas"].model_dump(exclude={"defined_at", "status"}),
            retired_at=datetime(2026, 6, 1, tzinfo=UTC),
        )
    )
    meeting = await _plan(svc, "omsorg", "socialchef")
    path = f"{KR}/{meeting['id']}"
    before = (await _call(svc, "GET", path, "socialchef")).json()
    assert _item(before, "maluppfyllelse")["indicators"]["total"] == 4  # Kontinuitet retired in T2

    async def facts() -> tuple[list[Any], list[Any]]:
        async with svc.runtime.session_factory() as session:
            indicators = [
                (f.indicator_id, f.name, f.status, f.target, f.threshold, f.source, f.kpi)
                for f in await session.scalars(select(IndicatorFact).order_by(IndicatorFact.indicator_id))
            ]
            values = [
                (v.indicator_id, v.period, v.value, v.status, v.period_end)
                for v in await session.scalars(
                    select(IndicatorMeasurementFact).order_by(
                        IndicatorMeasurementFact.indicator_id, IndicatorMeasurementFact.period
                    )
                )
            ]
        return indicators, values

    kept = await facts()
    assert len(kept[0]) == 6 and len(kept[1]) == 7
    await rebuild(svc.runtime)
    assert await facts() == kept
    after = (await _call(svc, "GET", path, "socialchef")).json()
    assert _item(after, "maluppfyllelse") == _item(before, "maluppfyllelse")
    assert after["id"] == meeting["id"]  # the meeting itself is people's data: untouched
