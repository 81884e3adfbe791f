"""The styrkort's indicators as a kvalitetsråd goes through them (seed 004: "Måluppfyllelse av
nämndmål, åtaganden, indikatorer och aktiviteter" and "Jämförelsetal"): every indicator of the unit and
its subtree with its latest value up to the end of the meeting's period, counted by status against
målvärde and gränsvärde and those under the gränsvärde named; and the imported comparison figures
(Kolada) with their latest yearly value against the målvärde.

The facts come from risk-svc's events (IndicatorDefined/Changed/Retired, IndicatorMeasured): the
status of a value is the one risk-svc gave it when it was measured, with the direction honoured.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from reporting_svc.domain import formats
from reporting_svc.domain.periods import MONTHS_SV, add_months


class ValueStatus(StrEnum):
    OVER_TARGET = "over_target"
    BETWEEN = "between"
    UNDER_THRESHOLD = "under_threshold"
    MISSING = "missing"  # no value up to the end of the period


# As the styrkort in risk-svc says them (for lower-is-better "nått" means at or below the target).
STATUS_TITLES: dict[ValueStatus, str] = {
    ValueStatus.OVER_TARGET: "Målvärdet nått",
    ValueStatus.BETWEEN: "Mellan gränsvärde och målvärde",
    ValueStatus.UNDER_THRESHOLD: "Under gränsvärdet",
    ValueStatus.MISSING: "Värde saknas",
}


class IndicatorView(StrEnum):
    """What an agenda item shows of the indicators."""

    FULFILMENT = "fulfilment"  # måluppfyllelse: all indicators, counted by status
    COMPARISON = "comparison"  # jämförelsetal: the imported ones, their latest yearly value


VIEW_TITLES: dict[IndicatorView, str] = {
    IndicatorView.FULFILMENT: "Indikatorernas senaste värde mot mål- och gränsvärde",
    IndicatorView.COMPARISON: "Jämförelsetal: senaste årsvärde mot målvärdet",
}
UNDER_THRESHOLD_TITLE = "Indikatorer under gränsvärdet"

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:T(?P<tertial>[1-3])|(?P<month>0[1-9]|1[0-2])))?$")


def period_bounds(key: str) -> tuple[date, date] | None:
    """The first and last day of an indicator period (2026-03, 2026-T1, 2026); None for other keys."""
    match = _PERIOD.match(key.strip())
    if not match:
        return None
    year = int(match["year"])
    if match["month"]:
        first = date(year, int(match["month"]), 1)
        return first, add_months(first, 1) - timedelta(days=1)
    if match["tertial"]:
        first = date(year, 4 * (int(match["tertial"]) - 1) + 1, 1)
        return first, add_months(first, 4) - timedelta(days=1)
    return date(year, 1, 1), date(year, 12, 31)


def period_end(key: str) -> date | None:
    bounds = period_bounds(key)
    return bounds[1] if bounds else None


def is_yearly(key: str) -> bool:
    match = _PERIOD.match(key.strip())
    return bool(match and not match["month"] and not match["tertial"])


def period_label(key: str) -> str:
    """2026-03 → mars 2026; 2026-T1 → T1 2026; 2026 → 2026."""
    match = _PERIOD.match(key.strip())
    if not match:
        return key
    if match["month"]:
        return f"{MONTHS_SV[int(match['month']) - 1]} {match['year']}"
    if match["tertial"]:
        return f"T{match['tertial']} {match['year']}"
    return match["year"]


def amount(value: Decimal | None) -> str:
    """An indicator value as printed: 87,5; 1 200; "–" when there is none."""
    if value is None:
        return "–"
    exponent = value.normalize().as_tuple().exponent
    decimals = min(4, max(0, -exponent)) if isinstance(exponent, int) else 0
    return formats.number(float(value), decimals)


@dataclass(frozen=True)
class Indicator:
    indicator_id: uuid.UUID
    name: str
    unit_id: uuid.UUID
    unit_of_measure: str | None
    target: Decimal | None
    threshold: Decimal | None
    source: str | None
    kpi: str | None = None
    retired_on: date | None = None  # the local day it was retired


@dataclass(frozen=True)
class Value:
    indicator_id: uuid.UUID
    period: str
    value: Decimal
    status: str


def followed_up_in(indicator: Indicator, until: date) -> bool:
    """An indicator counts for a period unless it was retired before the period ended."""
    return indicator.retired_on is None or indicator.retired_on > until


def latest_values(
    values: Iterable[Value], until: date, *, yearly_only: bool = False
) -> dict[uuid.UUID, Value]:
    """Each indicator's value of the latest period that has ended by `until` (a period still running
    then is not followed up yet). One value per indicator and period: a later measurement of a period
    has already replaced the earlier one."""
    found: dict[uuid.UUID, tuple[date, Value]] = {}
    for v in values:
        end = period_end(v.period)
        if end is None or end > until or (yearly_only and not is_yearly(v.period)):
            continue
        held = found.get(v.indicator_id)
        if held is None or end > held[0]:
            found[v.indicator_id] = (end, v)
    return {k: v for k, (_, v) in found.items()}


def _status(text: str | None) -> ValueStatus:
    try:
        return ValueStatus(text) if text else ValueStatus.MISSING
    except ValueError:
        return ValueStatus.MISSING


def _text(value: Decimal | None) -> str | None:
    """A decimal as plain text without trailing zeros: 70.0000 → "70", 91.50 → "91.5"."""
    return None if value is None else format(value.normalize(), "f")


def _decimal(text: Any) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator as the meeting sees it: its latest value (if any) and status."""

    indicator_id: uuid.UUID
    name: str
    unit_id: uuid.UUID
    unit_name: str
    unit_of_measure: str | None
    target: Decimal | None
    threshold: Decimal | None
    kpi: str | None
    period: str | None
    value: Decimal | None
    status: ValueStatus

    @property
    def label(self) -> str:
        uom = (self.unit_of_measure or "").strip()
        return f"{self.name} ({uom})" if uom and uom.lower() != "antal" else self.name

    def to_json(self) -> dict[str, Any]:
        return {
            "indicator_id": str(self.indicator_id),
            "name": self.name,
            "unit_id": str(self.unit_id),
            "unit_name": self.unit_name,
            "unit_of_measure": self.unit_of_measure,
            "target": _text(self.target),
            "threshold": _text(self.threshold),
            "kpi": self.kpi,
            "period": self.period,
            "value": _text(self.value),
            "status": self.status.value,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> IndicatorLine:
        return cls(
            indicator_id=uuid.UUID(data["indicator_id"]),
            name=data["name"],
            unit_id=uuid.UUID(data["unit_id"]),
            unit_name=data["unit_name"],
            unit_of_measure=data.get("unit_of_measure"),
            target=_decimal(data.get("target")),
            threshold=_decimal(data.get("threshold")),
            kpi=data.get("kpi"),
            period=data.get("period"),
            value=_decimal(data.get("value")),
            status=_status(data.get("status")),
        )

    def as_json(self) -> dict[str, Any]:
        """As the meeting's read model shows it (with Swedish labels)."""
        return {
            **self.to_json(),
            "period_label": period_label(self.period) if self.period else None,
            "status_label": STATUS_TITLES[self.status],
        }


@dataclass(frozen=True)
class IndicatorTable:
    """A table of the protokoll (adapters/documents.py: title, note, empty, grid)."""

    title: str
    header: list[str]
    rows: list[list[str]]
    note: str | None = None
    text_columns: bool = False

    @property
    def empty(self) -> bool:
        return not self.rows

    def grid(self) -> list[list[Any]]:
        return [list(self.header), *[list(r) for r in self.rows]]


_ORDER = list(ValueStatus)


@dataclass(frozen=True)
class IndicatorFigure:
    """An agenda item's indicators: computed live until the protokoll is justerat, frozen with it."""

    view: IndicatorView
    lines: list[IndicatorLine] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.view.value

    @property
    def title(self) -> str:
        return VIEW_TITLES[self.view]

    def counts(self) -> dict[ValueStatus, int]:
        found = dict.fromkeys(_ORDER, 0)
        for line in self.lines:
            found[line.status] += 1
        return found

    def under_threshold(self) -> list[IndicatorLine]:
        return [line for line in self.lines if line.status is ValueStatus.UNDER_THRESHOLD]

    def tables(self) -> list[IndicatorTable]:
        if self.view is IndicatorView.COMPARISON:
            rows = [
                [
                    f"{line.label}{f' [{line.kpi}]' if line.kpi else ''}",
                    line.unit_name,
                    period_label(line.period) if line.period else "–",
                    amount(line.value),
                    amount(line.target),
                    amount(line.threshold),
                    STATUS_TITLES[line.status],
                ]
                for line in self.lines
            ]
            header = ["Indikator", "Enhet", "År", "Värde", "Målvärde", "Gränsvärde", "Status"]
            return [IndicatorTable(self.title, header, rows, text_columns=True)]
        counts = self.counts()
        summary = [[STATUS_TITLES[s], formats.number(counts[s])] for s in _ORDER]
        summary.append(["Totalt", formats.number(len(self.lines))])
        under = self.under_threshold()
        tables = [
            IndicatorTable(
                self.title,
                ["Status", "Antal indikatorer"],
                summary if self.lines else [],
                note=None if under or not self.lines else "Ingen indikator är under gränsvärdet.",
            )
        ]
        if under:
            tables.append(
                IndicatorTable(
                    UNDER_THRESHOLD_TITLE,
                    ["Indikator", "Enhet", "Period", "Värde", "Målvärde", "Gränsvärde"],
                    [
                        [
                            line.label,
                            line.unit_name,
                            period_label(line.period) if line.period else "–",
                            amount(line.value),
                            amount(line.target),
                            amount(line.threshold),
                        ]
                        for line in under
                    ],
                    text_columns=True,
                )
            )
        return tables

    def as_json(self) -> dict[str, Any]:
        """As the meeting's read model shows it."""
        counts = self.counts()
        return {
            "view": self.view.value,
            "title": self.title,
            "counts": [{"status": s.value, "label": STATUS_TITLES[s], "count": counts[s]} for s in _ORDER],
            "total": len(self.lines),
            "under_threshold": [line.as_json() for line in self.under_threshold()],
            "indicators": [line.as_json() for line in self.lines],
        }

    def to_json(self) -> dict[str, Any]:
        return {"view": self.view.value, "lines": [line.to_json() for line in self.lines]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> IndicatorFigure:
        return cls(IndicatorView(data["view"]), [IndicatorLine.from_json(x) for x in data["lines"]])


def indicator_figure(
    view: IndicatorView,
    indicators: Iterable[Indicator],
    values: Iterable[Value],
    until: date,
    unit_names: Mapping[uuid.UUID, str],
) -> IndicatorFigure:
    """Måluppfyllelse: every indicator followed up in the period, with its latest value up to `until`
    (none: "Värde saknas"). Jämförelsetal: the imported indicators with their latest yearly value.
    Worst first (under the gränsvärde, missing, between, reached), then by unit and name."""
    comparison = view is IndicatorView.COMPARISON
    chosen = [
        i for i in indicators if followed_up_in(i, until) and (not comparison or i.source == "imported")
    ]
    latest = latest_values(values, until, yearly_only=comparison)
    lines = []
    for i in chosen:
        v = latest.get(i.indicator_id)
        lines.append(
            IndicatorLine(
                indicator_id=i.indicator_id,
                name=i.name,
                unit_id=i.unit_id,
                unit_name=unit_names.get(i.unit_id, str(i.unit_id)),
                unit_of_measure=i.unit_of_measure,
                target=i.target,
                threshold=i.threshold,
                kpi=i.kpi,
                period=v.period if v else None,
                value=v.value if v else None,
                status=_status(v.status) if v else ValueStatus.MISSING,
            )
        )
    severity = {
        ValueStatus.UNDER_THRESHOLD: 0,
        ValueStatus.MISSING: 1,
        ValueStatus.BETWEEN: 2,
        ValueStatus.OVER_TARGET: 3,
    }
    lines.sort(key=lambda x: (severity[x.status], x.unit_name, x.name, str(x.indicator_id)))
    return IndicatorFigure(view, lines)
