"""Time: stored and exchanged as UTC, day-based rules computed in Europe/Stockholm."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Normalise an aware datetime to UTC; a naive one is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def local_date(value: datetime) -> date:
    return as_utc(value).astimezone(STOCKHOLM).date()


def start_of_local_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=STOCKHOLM).astimezone(UTC)


def local_day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """Half-open UTC range covering the inclusive Stockholm dates first..last."""
    return start_of_local_day(first), start_of_local_day(last + timedelta(days=1))
