"""Numbers, dates and deadlines as Swedish readers write them: a decimal comma, a no-break space
between thousands (so "1 234" never breaks over two lines), "4 december 2026", "kl. 14.30", and a
deadline at midnight told as the last day it covers ("senast 31 december 2026")."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from platform_shared.timeutil import STOCKHOLM, as_utc
from reporting_svc.domain.periods import MONTHS_SV

THOUSANDS = "\u00a0"  # no-break space: Swedish typography groups thousands with a (thin) space


def number(value: int | float, decimals: int = 0) -> str:
    """1234 → "1 234"; 2.5 → "2,5" (with decimals=1); negative numbers get a real minus sign."""
    text = f"{abs(value):,.{decimals}f}".replace(",", THOUSANDS).replace(".", ",")
    return ("−" if value < 0 else "") + text


def cell(value: object) -> str:
    """A table cell as printed: counts with grouped thousands, measures with one decimal."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, int):
        return number(value)
    if isinstance(value, float):
        return number(value, 1)
    return str(value)


def day(value: date) -> str:
    """4 december 2026"""
    return f"{value.day} {MONTHS_SV[value.month - 1]} {value.year}"


def local(value: datetime) -> datetime:
    return as_utc(value).astimezone(STOCKHOLM)


def moment(value: datetime) -> str:
    """4 december 2026 kl. 14.30 (local time)"""
    at = local(value)
    return f"{day(at.date())} kl. {at:%H.%M}"


def period(first: date, last: date) -> str:
    """1 januari–30 april 2026; 1 december 2025–31 januari 2026."""
    if first.year == last.year:
        start = f"{first.day} {MONTHS_SV[first.month - 1]}"
        return f"{start}–{day(last)}"
    return f"{day(first)}–{day(last)}"


def deadline(due_at: datetime) -> str:
    """When a deadline is, as people say it. A deadline at local midnight is the end of the day before:
    "senast 31 december 2026", never "2027-01-01 kl. 00:00"; other times keep the hour."""
    at = local(due_at)
    if (at.hour, at.minute, at.second) == (0, 0, 0):
        return f"senast {day(at.date() - timedelta(days=1))}"
    return f"senast {moment(due_at)}"
