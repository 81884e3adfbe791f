"""Dates, times and numbers as the API takes them, range-checked in one place: a value outside the
range is a 422, never an overflow deep inside a query (a 500).

- `Day`: a calendar date written `YYYY-MM-DD` (a number such as `0` is not a date), year 1900–2200.
- `Instant`: an RFC 3339 date-time (`2026-03-01T08:00:00+01:00`; where a route allows it, a date
  or a time without offset), year 1900–2200. `AwareInstant`: the same, the offset required.
- `Year`: 1900–2200. `Count`: 0 … 2 147 483 647. `Int32`: a signed 32-bit integer. None of them takes
  a boolean (`true` is not 1).

Use them for request fields and query parameters, e.g. `Annotated[Day | None, Query(alias="from")]`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from annotated_types import Interval
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, StringConstraints
from pydantic_core import PydanticCustomError

MIN_YEAR = 1900
MAX_YEAR = 2200
INT32_MAX = 2**31 - 1

DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
DATETIME_TEXT = re.compile(
    r"\d{4}-\d{2}-\d{2}"  # the date …
    r"(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?"  # … optionally a time …
    r"(?:[Zz]|[+-]\d{2}:?\d{2})?)?"  # … with an optional offset
)


def _written_as(pattern: re.Pattern[str], error: str, message: str) -> Callable[[Any], Any]:
    """A check before parsing: text must match `pattern`, and a number is never a date or a time."""

    def check(value: Any) -> Any:
        if isinstance(value, int | float) or (isinstance(value, str) and not pattern.fullmatch(value)):
            raise PydanticCustomError(error, message)
        return value

    return check


_date_text = _written_as(DATE_TEXT, "date_format", "Input should be a date written YYYY-MM-DD")
_datetime_text = _written_as(DATETIME_TEXT, "datetime_format", "Input should be an RFC 3339 date-time")


def _year_in_range(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise PydanticCustomError(
            "year_out_of_range",
            "Year should be between {min_year} and {max_year}",
            {"min_year": MIN_YEAR, "max_year": MAX_YEAR},
        )
    return value


def _datetime_year_in_range(value: datetime) -> datetime:
    _year_in_range(value)
    return value


Day = Annotated[date, BeforeValidator(_date_text), AfterValidator(_year_in_range)]
Instant = Annotated[datetime, BeforeValidator(_datetime_text), AfterValidator(_datetime_year_in_range)]
AwareInstant = Annotated[
    AwareDatetime, BeforeValidator(_datetime_text), AfterValidator(_datetime_year_in_range)
]


def _not_a_boolean(value: Any) -> Any:
    """JSON `true` is no number (pydantic would take it as 1)."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


Year = Annotated[int, BeforeValidator(_not_a_boolean), Interval(ge=MIN_YEAR, le=MAX_YEAR)]
Count = Annotated[int, BeforeValidator(_not_a_boolean), Interval(ge=0, le=INT32_MAX)]
Int32 = Annotated[int, BeforeValidator(_not_a_boolean), Interval(ge=-INT32_MAX - 1, le=INT32_MAX)]
# The § of a nämnd protocol as people write it: 85, "85" or "§ 85" (platform_shared.decisions parses it).
Paragraph = Count | Annotated[str, StringConstraints(min_length=1, max_length=12)]
