"""Follow-up periods of goals and indicators: months ("2026-03"), tertials ("2026-T1": January–April,
the nämnd's T1/T2/årsbokslut rhythm) and years ("2026")."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from risk_svc.domain.model import RuleViolation


class IndicatorFrequency(StrEnum):
    """How often the indicator is followed up (the same identifiers as the internkontrollplan's)."""

    MANADSVIS = "manadsvis"
    TERTIALVIS = "tertialvis"
    ARSVIS = "arsvis"

    @property
    def per_year(self) -> int:
        return {"manadsvis": 12, "tertialvis": 3, "arsvis": 1}[self.value]


_PERIOD_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})|-T(?P<tertial>[123]))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A follow-up period: a month ("2026-03"), a tertial ("2026-T1", Jan–Apr) or a year ("2026")."""

    year: int
    index: int  # month 1–12, tertial 1–3, or 1 for a year
    frequency: IndicatorFrequency

    @property
    def key(self) -> str:
        if self.frequency is IndicatorFrequency.MANADSVIS:
            return f"{self.year}-{self.index:02d}"
        if self.frequency is IndicatorFrequency.TERTIALVIS:
            return f"{self.year}-T{self.index}"
        return str(self.year)

    @property
    def months(self) -> int:
        return 12 // self.frequency.per_year

    @property
    def start(self) -> date:
        return date(self.year, (self.index - 1) * self.months + 1, 1)

    @property
    def end(self) -> date:
        last_month = self.index * self.months
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    def shifted(self, steps: int) -> Period:
        """The period `steps` periods later (earlier when negative)."""
        position = self.year * self.frequency.per_year + self.index - 1 + steps
        return Period(
            position // self.frequency.per_year, position % self.frequency.per_year + 1, self.frequency
        )

    def __str__(self) -> str:
        return self.key


def parse_period(key: str, frequency: IndicatorFrequency) -> Period:
    """A period key of the indicator's frequency; anything else is refused naming `period`."""
    match = _PERIOD_KEY.match(key.strip())
    if not match:
        raise RuleViolation("Perioden anges som 2026-03 (månad), 2026-T1 (tertial) eller 2026 (år)", "period")
    year = int(match["year"])
    if not 2000 <= year <= 2100:
        raise RuleViolation("Året ska vara mellan 2000 och 2100", "period")
    kinds = {
        IndicatorFrequency.MANADSVIS: match["month"],
        IndicatorFrequency.TERTIALVIS: match["tertial"],
        IndicatorFrequency.ARSVIS: "1" if match["month"] is None and match["tertial"] is None else None,
    }
    index_text = kinds[frequency]
    if index_text is None:
        raise RuleViolation(
            f"Indikatorn följs upp {FREQUENCY_TITLES[frequency]}: perioden passar inte", "period"
        )
    index = int(index_text)
    if not 1 <= index <= frequency.per_year:
        raise RuleViolation("Månaden ska vara 01–12", "period")
    return Period(year, index, frequency)


def period_containing(day: date, frequency: IndicatorFrequency) -> Period:
    months = 12 // frequency.per_year
    return Period(day.year, (day.month - 1) // months + 1, frequency)


def last_closed_period(today: date, frequency: IndicatorFrequency) -> Period:
    """The period a follow-up made today reports on: the latest one that has ended."""
    return period_containing(today, frequency).shifted(-1)


FREQUENCY_TITLES: dict[IndicatorFrequency, str] = {
    IndicatorFrequency.MANADSVIS: "månadsvis",
    IndicatorFrequency.TERTIALVIS: "per tertial",
    IndicatorFrequency.ARSVIS: "årsvis",
}
