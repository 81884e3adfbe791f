"""Keyset pagination, the same in every service: an opaque cursor holds the last row's sort key, the
next page starts after it. Plain SQLAlchemy; the API half (`Limit`, `cursor`, `Page`) is in
platform_shared.api.pagination."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.errors import invalid
from platform_shared.timeutil import as_utc

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class PageRequest:
    """Which page: after `cursor` (None: the first), at most `limit` rows."""

    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


def _bad_cursor() -> Exception:
    return invalid("cursor", "inte en markör från detta API", "Ogiltig markör (cursor)")


def encode_cursor(*values: Any) -> str:
    text = [as_utc(v).isoformat() if isinstance(v, datetime) else str(v) for v in values]
    return base64.urlsafe_b64encode(orjson.dumps(text)).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = orjson.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(values, list) or len(values) != arity:
            raise ValueError("wrong shape")
        return [str(v) for v in values]
    except Exception as exc:
        raise _bad_cursor() from exc


def _typed(value: str, column: Any) -> Any:
    type_ = column.type
    try:
        kind = getattr(type_, "impl_instance", type_).python_type  # a TypeDecorator: its implementation's
    except NotImplementedError:
        return value
    try:
        if kind is datetime:
            return as_utc(datetime.fromisoformat(value))
        if kind is uuid.UUID:
            return uuid.UUID(value)
        if kind is int:
            return int(value)
    except ValueError as exc:
        raise _bad_cursor() from exc
    return value


async def keyset_page(
    session: AsyncSession,
    stmt: Select[Any],
    keys: Sequence[Any],
    page: PageRequest,
    *,
    descending: bool = False,
    scalars: bool = True,
) -> tuple[list[Any], str | None]:
    """One page of `stmt` ordered by `keys` (the last one unique, e.g. the id), and the cursor of the
    next page (None on the last). `descending`: newest first. `scalars=False` for a select of columns."""
    if page.cursor:
        last = [_typed(v, k) for v, k in zip(decode_cursor(page.cursor, len(keys)), keys, strict=True)]
        row_key = tuple_(*keys) if len(keys) > 1 else keys[0]
        after = tuple_(*last) if len(keys) > 1 else last[0]
        stmt = stmt.where(row_key < after if descending else row_key > after)
    order = [k.desc() for k in keys] if descending else list(keys)
    stmt = stmt.order_by(*order).limit(page.limit + 1)
    result = await (session.scalars(stmt) if scalars else session.execute(stmt))
    rows = list(result.all())
    if len(rows) <= page.limit:
        return rows, None
    rows = rows[: page.limit]
    return rows, encode_cursor(*(getattr(rows[-1], k.key) for k in keys))


async def page_by_id(
    session: AsyncSession, stmt: Select[Any], id_column: Any, cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """Rows of `stmt` in id order (ids are time-ordered UUIDv7), one page after `cursor`."""
    return await keyset_page(session, stmt, [id_column], PageRequest(cursor, limit))
