"""Deadline rules kept as data: the law's defaults (docs/domain.md 5), overridable per tenant.

Pure Python: computing a due time from a start time. Hour rules are absolute (72 h includes
weekends); day rules are counted in Europe/Stockholm; working days skip weekends and Swedish public
holidays (the `holidays` library).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache, lru_cache

import holidays

from platform_shared.timeutil import STOCKHOLM, as_utc


class Unit(StrEnum):
    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"


@dataclass(frozen=True)
class DeadlineRule:
    id: str
    amount: int
    unit: Unit
    title: str  # Swedish, shown to people
    source: str  # law, regulation or practice behind the default
    warn_before: timedelta = timedelta(days=1)

    def with_override(self, amount: int, unit: Unit | None = None) -> DeadlineRule:
        return replace(self, amount=amount, unit=unit or self.unit)


LAW_DEFAULTS: dict[str, DeadlineRule] = {
    rule.id: rule
    for rule in (
        DeadlineRule(
            "report_genast",
            1,
            Unit.CALENDAR_DAYS,
            "Rapportera missförhållande genast",
            "SoL 27 kap. 2 §, LSS 24 b §",
            timedelta(0),
        ),
        DeadlineRule(
            "receive",
            1,
            Unit.WORKING_DAYS,
            "Ta emot rapporten och vidta omedelbara åtgärder",
            "SOSFS 2011:5 (praxis: 1 arbetsdag)",
            timedelta(hours=4),
        ),
        DeadlineRule(
            "investigation_start",
            1,
            Unit.WORKING_DAYS,
            "Påbörja utredning utan dröjsmål",
            "SOSFS 2011:5 (tidigare: senast dagen efter)",
            timedelta(hours=4),
        ),
        DeadlineRule(
            "investigation_complete",
            30,
            Unit.CALENDAR_DAYS,
            "Slutför utredningen skyndsamt",
            "IVO (praxis: 30 dagar)",
            timedelta(days=5),
        ),
        DeadlineRule(
            "ivo_lex_sarah",
            5,
            Unit.WORKING_DAYS,
            "Anmäl till IVO snarast (Lex Sarah)",
            "SoL 27 kap., LSS 24 f § (lokalt mål 5 arbetsdagar)",
        ),
        DeadlineRule(
            "ivo_lex_maria",
            5,
            Unit.WORKING_DAYS,
            "Anmäl till IVO snarast (Lex Maria)",
            "PSL 3 kap. 5 §, HSLF-FS 2017:41 (lokalt mål)",
        ),
        DeadlineRule(
            "ivo_investigation", 30, Unit.CALENDAR_DAYS, "Skicka utredningen till IVO när den är klar", "IVO"
        ),
        DeadlineRule(
            "namnd_informed",
            10,
            Unit.WORKING_DAYS,
            "Informera nämnden om IVO-anmälan",
            "Riktlinje (seed 001, 003)",
        ),
        DeadlineRule(
            "actions_due", 30, Unit.CALENDAR_DAYS, "Genomför åtgärder utan dröjsmål", "SoL/PSL (praxis)"
        ),
        DeadlineRule(
            "complaint_acknowledge",
            1,
            Unit.WORKING_DAYS,
            "Kvittera klagomålet",
            "Socialstyrelsen (2018)",
            timedelta(hours=4),
        ),
        DeadlineRule(
            "complaint_response",
            28,
            Unit.CALENDAR_DAYS,
            "Besvara klagomålet inom fyra veckor",
            "Socialstyrelsen (HSL); SoL/LSS praxis",
            timedelta(days=5),
        ),
        DeadlineRule(
            "imy_notification",
            72,
            Unit.HOURS,
            "Anmäl personuppgiftsincident till IMY inom 72 timmar",
            "GDPR art. 33",
            timedelta(hours=24),
        ),
        DeadlineRule(
            "data_subjects_informed",
            72,
            Unit.HOURS,
            "Informera de registrerade utan onödigt dröjsmål",
            "GDPR art. 34",
            timedelta(hours=24),
        ),
        DeadlineRule(
            "risk_analysis_yearly",
            365,
            Unit.CALENDAR_DAYS,
            "Årlig riskanalys",
            "SOSFS 2011:9 5 kap.; seed 003",
            timedelta(days=30),
        ),
        DeadlineRule(
            "control_performed",
            0,
            Unit.CALENDAR_DAYS,
            "Genomför kontrollmoment enligt internkontrollplanen",
            "KL 6 kap. 6 §",
            timedelta(days=7),
        ),
        # The ledningssystem (issue 13): each due date is the object's own (the document's next
        # review, the information item's due date, the årshjul activity's date).
        DeadlineRule(
            "document_review",
            0,
            Unit.CALENDAR_DAYS,
            "Granska styrdokumentet",
            "SOSFS 2011:9 4 kap.; seed 001 §2.5 (minst en gång per år)",
            timedelta(days=30),
        ),
        DeadlineRule(
            "information_given",
            0,
            Unit.CALENDAR_DAYS,
            "Informera medarbetaren",
            "SoL 27 kap. 1–2 §§; seed 002 (vid anställning och minst en gång per år)",
            timedelta(days=7),
        ),
        DeadlineRule(
            "arshjul_activity",
            0,
            Unit.CALENDAR_DAYS,
            "Genomför aktiviteten i årshjulet",
            "Seed 001 §2.2, seed 004 (årshjul)",
            timedelta(days=14),
        ),
    )
}


@lru_cache(maxsize=8)
@cache  # building a year's holidays imports and computes the calendar: once per year and process
def _swedish_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("SE", years=year))


@cache
def _eves(year: int) -> frozenset[date]:
    """Midsommarafton, julafton and nyårsafton count as holidays for legal time limits
    (lag (1930:173) om beräkning av lagstadgad tid)."""
    midsummer_eve = next(date(year, 6, d) for d in range(19, 26) if date(year, 6, d).weekday() == 4)
    return frozenset({midsummer_eve, date(year, 12, 24), date(year, 12, 31)})


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _swedish_holidays(day.year) and day not in _eves(day.year)


def add_working_days(start: datetime, days: int) -> datetime:
    """The same local time `days` working days later (Stockholm), skipping weekends and holidays."""
    local = as_utc(start).astimezone(STOCKHOLM)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return as_utc(datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=STOCKHOLM))


def due_at(rule: DeadlineRule, start: datetime) -> datetime:
    if rule.unit is Unit.HOURS:
        return as_utc(start) + timedelta(hours=rule.amount)
    if rule.unit is Unit.WORKING_DAYS:
        return add_working_days(start, rule.amount)
    local = as_utc(start).astimezone(STOCKHOLM)
    later = datetime.combine(
        local.date() + timedelta(days=rule.amount), local.timetz().replace(tzinfo=None), tzinfo=STOCKHOLM
    )
    return as_utc(later)


def deadline_status(due: datetime, met: datetime | None, now: datetime) -> str:
    """pending, met or missed (met late counts as missed: it was not met by the due time)."""
    if met is not None:
        return "met" if met <= due else "missed"
    return "missed" if now > due else "pending"
