"""Report periods in local (Europe/Stockholm) dates: months, tertials (T1 Jan–Apr, T2 May–Aug,
T3 Sep–Dec) and years, the buckets a statistics table is split into, and the period before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from reporting_svc.domain.model import RuleViolation

MONTHS_SV = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)

MAX_BUCKETS = 120


class Granularity(StrEnum):
    MONTH = "month"
    TERTIAL = "tertial"
    YEAR = "year"
    TOTAL = "total"


@dataclass(frozen=True)
class Bucket:
    key: str  # "2026-03", "2026-T1", "2026", or "total"
    label: str  # Swedish, shown to people
    first: date  # inclusive
    last: date  # inclusive


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def tertial_of(day: date) -> int:
    return (day.month - 1) // 4 + 1


def tertial_range(year: int, tertial: int) -> tuple[date, date]:
    if tertial not in (1, 2, 3):
        raise RuleViolation("Tertial är 1, 2 eller 3", "tertial")
    first = date(year, 4 * (tertial - 1) + 1, 1)
    return first, add_months(first, 4) - timedelta(days=1)


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _unit_start(day: date, granularity: Granularity) -> date:
    if granularity is Granularity.MONTH:
        return month_start(day)
    if granularity is Granularity.TERTIAL:
        return tertial_range(day.year, tertial_of(day))[0]
    return date(day.year, 1, 1)


def _unit_key_label(start: date, granularity: Granularity) -> tuple[str, str]:
    if granularity is Granularity.MONTH:
        return f"{start.year}-{start.month:02d}", f"{MONTHS_SV[start.month - 1]} {start.year}"
    if granularity is Granularity.TERTIAL:
        tertial = tertial_of(start)
        return f"{start.year}-T{tertial}", f"T{tertial} {start.year}"
    return str(start.year), str(start.year)


def _step(granularity: Granularity) -> int:
    return {Granularity.MONTH: 1, Granularity.TERTIAL: 4, Granularity.YEAR: 12}[granularity]


def buckets(first: date, last: date, granularity: Granularity) -> list[Bucket]:
    """The period first..last (inclusive) cut into calendar months, tertials or years (the first and
    last bucket clipped to the period), or one bucket for the whole period."""
    if first > last:
        raise RuleViolation("Från-datumet ('from') får inte vara efter till-datumet ('to')", "from")
    if granularity is Granularity.TOTAL:
        return [Bucket("total", period_label(first, last), first, last)]
    found: list[Bucket] = []
    start = _unit_start(first, granularity)
    while start <= last:
        following = add_months(start, _step(granularity))
        key, label = _unit_key_label(start, granularity)
        found.append(Bucket(key, label, max(start, first), min(following - timedelta(days=1), last)))
        if len(found) > MAX_BUCKETS:
            raise RuleViolation(f"Högst {MAX_BUCKETS} perioder i en tabell", "period")
        start = following
    return found


def period_label(first: date, last: date) -> str:
    """ "T1 2026", "2026" or "mars 2026" for a whole tertial, year or month; else the dates."""
    for granularity in (Granularity.YEAR, Granularity.TERTIAL, Granularity.MONTH):
        start = _unit_start(first, granularity)
        end = add_months(start, _step(granularity)) - timedelta(days=1)
        if (start, end) == (first, last):
            return _unit_key_label(start, granularity)[1]
    return f"{first.isoformat()} – {last.isoformat()}"


def previous_period(first: date, last: date) -> tuple[date, date]:
    """The period of the same calendar length just before: the previous tertial for a tertial, the
    previous year for a year, else the same number of days before."""
    months = (last.year * 12 + last.month) - (first.year * 12 + first.month) + 1
    whole_months = first.day == 1 and (last + timedelta(days=1)).day == 1
    if whole_months:
        start = add_months(first, -months)
        return start, first - timedelta(days=1)
    days = (last - first).days + 1
    return first - timedelta(days=days), first - timedelta(days=1)


def trailing_buckets(last: date, granularity: Granularity, count: int) -> list[Bucket]:
    """`count` whole periods ending with the one that holds `last` (for pattern series)."""
    if granularity is Granularity.TOTAL:
        raise RuleViolation("Mönster kräver perioder om en månad, ett tertial eller ett år", "period")
    if not 2 <= count <= 36:
        raise RuleViolation("Antalet perioder ska vara 2–36", "periods")
    end_start = _unit_start(last, granularity)
    start = add_months(end_start, -_step(granularity) * (count - 1))
    end = add_months(end_start, _step(granularity)) - timedelta(days=1)
    return buckets(start, end, granularity)
