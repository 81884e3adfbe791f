"""What the org routes share: permission checks that need no unit, ETags, times in queries."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Query, Response

from platform_shared.access import Action, Principal
from platform_shared.api.deps import etag
from platform_shared.api.pagination import MAX_LIMIT
from platform_shared.api.types import Instant
from platform_shared.errors import Forbidden
from platform_shared.timeutil import STOCKHOLM, as_utc

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
At = Annotated[
    Instant | None,
    Query(description="RFC 3339; a date, or a time without offset, is Swedish local time"),
]


def require_may(principal: Principal, action: Action, message: str) -> None:
    """403 unless the caller holds some grant for the action (for what belongs to no unit)."""
    if not principal.may(action):
        raise Forbidden(message)


def with_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def moment(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return as_utc(value.replace(tzinfo=STOCKHOLM) if value.tzinfo is None else value)
