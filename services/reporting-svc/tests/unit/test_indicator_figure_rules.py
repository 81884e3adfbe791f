"""The indicators a kvalitetsråd goes through (domain/indicators.py): the latest value up to the end of
the period, counted by status, those under the gränsvärde named; the imported ones as jämförelsetal."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from reporting_svc.domain.indicators import (
    Indicator,
    IndicatorFigure,
    IndicatorView,
    Value,
    ValueStatus,
    amount,
    indicator_figure,
    latest_values,
    period_bounds,
    period_label,
)
from reporting_svc.domain.kvalitetsrad import AGENDA

UNIT = uuid.uuid4()
T2_END = date(2026, 8, 31)


def _indicator(name: str, source: str = "entered", **extra: object) -> Indicator:
    values: dict[str, object] = {
        "indicator_id": uuid.uuid4(),
        "name": name,
        "unit_id": UNIT,
        "unit_of_measure": "%",
        "target": Decimal("90"),
        "threshold": Decimal("75"),
        "source": source,
        **extra,
    }
    return Indicator(**values)  # type: ignore[arg-type]


def _value(i: Indicator, period: str, value: str, status: str) -> Value:
    return Value(i.indicator_id, period, Decimal(value), status)


def test_indicator_periods_are_months_tertials_and_years() -> None:
    assert period_bounds("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_bounds("2026-T2") == (date(2026, 5, 1), date(2026, 8, 31))
    assert period_bounds("2025") == (date(2025, 1, 1), date(2025, 12, 31))
    assert period_bounds("exempel") is None
    assert [period_label(k) for k in ("2026-03", "2026-T1", "2026")] == ["mars 2026", "T1 2026", "2026"]


def test_the_latest_value_is_that_of_the_latest_period_ended_by_the_end_of_the_meetings_period() -> None:
    i = _indicator("Nöjda brukare")
    found = latest_values(
        [
            _value(i, "2026-06", "80", "between"),
            _value(i, "2026-08", "92", "over_target"),
            _value(i, "2026-09", "60", "under_threshold"),  # not ended by the end of T2
        ],
        T2_END,
    )
    assert found[i.indicator_id].period == "2026-08"


def test_the_agenda_counts_the_indicators_by_status_and_names_those_under_the_gransvarde() -> None:
    low, mid, high, none = (_indicator(n) for n in ("Fall", "Nöjdhet", "Delaktighet", "Kontinuitet"))
    figure = indicator_figure(
        IndicatorView.FULFILMENT,
        [low, mid, high, none],
        [
            _value(low, "2026-T2", "70", "under_threshold"),
            _value(mid, "2026-T2", "80", "between"),
            _value(high, "2026-T2", "95.5", "over_target"),
        ],
        T2_END,
        {UNIT: "Enhet A"},
    )
    counts = figure.counts()
    assert counts == {
        ValueStatus.OVER_TARGET: 1,
        ValueStatus.BETWEEN: 1,
        ValueStatus.UNDER_THRESHOLD: 1,
        ValueStatus.MISSING: 1,
    }
    assert [line.name for line in figure.under_threshold()] == ["Fall"]
    summary, under = figure.tables()
    assert summary.grid()[1:] == [
        ["Målvärdet nått", "1"],
        ["Mellan gränsvärde och målvärde", "1"],
        ["Under gränsvärdet", "1"],
        ["Värde saknas", "1"],
        ["Totalt", "4"],
    ]
    assert under.title == "Indikatorer under gränsvärdet"
    assert under.grid()[1] == ["Fall (%)", "Enhet A", "T2 2026", "70", "90", "75"]


def test_an_indicator_retired_before_the_period_ended_is_not_followed_up_in_it() -> None:
    kept = _indicator("Kvar", retired_on=date(2026, 9, 15))
    gone = _indicator("Avslutad", retired_on=date(2026, 6, 1))
    figure = indicator_figure(IndicatorView.FULFILMENT, [kept, gone], [], T2_END, {})
    assert [line.name for line in figure.lines] == ["Kvar"]


def test_jamforelsetal_are_the_imported_indicators_with_their_latest_yearly_value() -> None:
    imported = _indicator("Brukarbedömning hemtjänst", "imported", kpi="U21468")
    entered = _indicator("Egen mätning")
    figure = indicator_figure(
        IndicatorView.COMPARISON,
        [imported, entered],
        [
            _value(imported, "2024", "88", "between"),
            _value(imported, "2025", "91", "over_target"),
            _value(imported, "2026", "70", "under_threshold"),  # the year has not ended
            _value(entered, "2025", "99", "over_target"),
        ],
        T2_END,
        {UNIT: "Enhet A"},
    )
    assert [(line.name, line.period, line.value) for line in figure.lines] == [
        ("Brukarbedömning hemtjänst", "2025", Decimal("91"))
    ]
    (table,) = figure.tables()
    assert table.grid()[1] == [
        "Brukarbedömning hemtjänst (%) [U21468]",
        "Enhet A",
        "2025",
        "91",
        "90",
        "75",
        "Målvärdet nått",
    ]


def test_a_justerat_protokoll_keeps_its_indicator_figures_as_they_were() -> None:
    i = _indicator("Fall")
    figure = indicator_figure(
        IndicatorView.FULFILMENT, [i], [_value(i, "2026-T2", "70.25", "under_threshold")], T2_END, {}
    )
    assert IndicatorFigure.from_json(figure.to_json()) == figure


def test_values_are_printed_the_swedish_way() -> None:
    assert [amount(Decimal(x)) for x in ("87.5000", "1200", "0.125")] == ["87,5", "1\u00a0200", "0,125"]
    assert amount(None) == "–"


def test_maluppfyllelse_and_jamforelsetal_are_the_agenda_items_with_indicators() -> None:
    assert {item.key: item.indicators for item in AGENDA if item.indicators} == {
        "maluppfyllelse": IndicatorView.FULFILMENT,
        "jamforelsetal": IndicatorView.COMPARISON,
    }
