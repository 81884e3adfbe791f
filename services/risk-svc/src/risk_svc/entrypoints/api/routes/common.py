"""Small pieces every risk-svc route uses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Query, Response
from sqlalchemy.orm.exc import StaleDataError

from platform_shared.access import Principal
from platform_shared.api.deps import etag
from platform_shared.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.errors import PreconditionFailed
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.runtime import ServiceRuntime

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")]
Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]
DEFAULT = DEFAULT_LIMIT
RESPONSES = PROBLEM_RESPONSES


def with_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


@asynccontextmanager
async def writing(runtime: ServiceRuntime, principal: Principal) -> AsyncIterator[UnitOfWork]:
    """The command's UnitOfWork; a concurrent writer that got there first (the row's `version` moved
    between our read and our write, however the write was flushed) is a 412, and nothing is written."""
    try:
        async with runtime.uow(principal.person_id) as uow:
            yield uow
    except StaleDataError as err:
        raise PreconditionFailed("The object was changed by someone else; read it again") from err
