"""Pagination in the API: `?cursor=&limit=` as one dependency (PageDep → PageRequest) and the `Page`
answer ({"items", "next_cursor"}). The keyset queries are in platform_shared.pagination."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from platform_shared.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    PageRequest,
    decode_cursor,
    encode_cursor,
    keyset_page,
    page_by_id,
)

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Cursor",
    "Limit",
    "Page",
    "PageDep",
    "PageRequest",
    "decode_cursor",
    "encode_cursor",
    "keyset_page",
    "page_by_id",
]

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")]
Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


async def page_request(cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT) -> PageRequest:
    return PageRequest(cursor, limit)


PageDep = Annotated[PageRequest, Depends(page_request)]
