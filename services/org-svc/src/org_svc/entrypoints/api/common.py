"""What the org routes share: times in queries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Query

from platform_shared.api.types import Instant
from platform_shared.timeutil import STOCKHOLM, as_utc

At = Annotated[
    Instant | None,
    Query(description="RFC 3339; a date, or a time without offset, is Swedish local time"),
]


def moment(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return as_utc(value.replace(tzinfo=STOCKHOLM) if value.tzinfo is None else value)
