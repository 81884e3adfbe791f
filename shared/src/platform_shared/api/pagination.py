"""Keyset pagination: an opaque cursor holding the last row's sort key and id."""

from __future__ import annotations

import base64
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel

from platform_shared.errors import FieldError, ValidationFailed

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(*values: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([str(v) for v in values])).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = orjson.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(values, list) or len(values) != arity:
            raise ValueError("wrong shape")
        return [str(v) for v in values]
    except Exception as exc:
        raise ValidationFailed(
            "Invalid cursor", errors=[FieldError("cursor", "not a cursor from this API")]
        ) from exc


async def page_by_id(
    session: Any, stmt: Any, id_column: Any, cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """Rows of `stmt` in id order (ids are time-ordered UUIDv7), one page after `cursor`."""
    import uuid

    if cursor:
        (last_id,) = decode_cursor(cursor, 1)
        stmt = stmt.where(id_column > uuid.UUID(last_id))
    rows = list((await session.scalars(stmt.order_by(id_column).limit(limit + 1))).all())
    if len(rows) > limit:
        rows = rows[:limit]
        return rows, encode_cursor(rows[-1].id)
    return rows, None
