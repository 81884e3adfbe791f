"""The request pipeline's FastAPI half: one dependency gives a route its whole context.

    CommandDep: a CommandContext (a UnitOfWork, the caller, If-Match, Idempotency-Key, clock, audit,
                the service's components) for a route that changes something;
    QueryDep:   a QueryContext (the same without If-Match and Idempotency-Key) for a route that reads.

Both use one database session for the caller's roles and the handler's work. A service narrows the
type of its components once (`Ctx = Annotated[CommandContext[Components], Depends(command_context)]`).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import orjson
from fastapi import Depends, Header, Request
from starlette.datastructures import UploadFile

from platform_shared.access import Authorizer, Principal
from platform_shared.api.deps import RuntimeDep, parse_if_match, resolve_principal
from platform_shared.context import Caller, CommandContext, QueryContext
from platform_shared.idempotency import HEADER, Idempotency
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.runtime import ServiceRuntime

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

_CHUNK = 1024 * 1024


async def _caller(
    request: Request, runtime: ServiceRuntime, uow: UnitOfWork, principal: Principal | None = None
) -> Caller:
    principal = principal or await resolve_principal(request, runtime, uow.session)
    uow.actor_id = principal.person_id
    directory = OrgDirectory(uow.session, runtime.replica, runtime.replica_cache)
    return Caller(principal, Authorizer(directory), directory)


async def query_context(request: Request, runtime: RuntimeDep) -> AsyncIterator[QueryContext[Any]]:
    async with runtime.uow() as uow:
        caller = await _caller(request, runtime, uow)
        yield QueryContext(uow, caller, runtime.components, runtime.auditor)


# Who the caller is when the request does not carry a bearer token but something else that names a
# person (a calendar feed URL's secret): None when the request carries no such thing.
AlternativeCaller = Callable[[Request, "AsyncSession", datetime], Awaitable[Principal | None]]


def query_context_or(alternative: AlternativeCaller) -> Callable[..., AsyncIterator[QueryContext[Any]]]:
    """A QueryContext whose caller is the one `alternative` finds in the request (it raises when the
    request names one that is unknown or revoked), else the bearer token's (for calendar clients,
    which cannot send a token)."""

    async def alternative_query_context(
        request: Request, runtime: RuntimeDep
    ) -> AsyncIterator[QueryContext[Any]]:
        async with runtime.uow() as uow:
            principal = await alternative(request, uow.session, runtime.clock())
            caller = await _caller(request, runtime, uow, principal)
            yield QueryContext(uow, caller, runtime.components, runtime.auditor)

    alternative_query_context.authenticates = True  # type: ignore[attr-defined]  # (openapi_doc)
    return alternative_query_context


async def _file_digest(upload: UploadFile) -> bytes:
    digest = hashlib.sha256()
    while chunk := await upload.read(_CHUNK):
        digest.update(chunk)
    await upload.seek(0)
    return digest.digest()


async def request_identity(request: Request) -> list[bytes]:
    """What makes two requests the same: method, path template and parameters, and the body — for a
    multipart body its fields and each file's name, type and content (the stream itself was read by
    the form parser already)."""
    route = request.scope.get("route")
    template = getattr(route, "path", request.url.path)
    params = sorted((k, str(v)) for k, v in request.path_params.items())
    parts = [request.method.encode(), template.encode(), orjson.dumps(params)]
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        for name, value in (await request.form()).multi_items():
            parts.append(name.encode())
            if isinstance(value, UploadFile):
                kind = (value.content_type or "").encode()
                parts += [(value.filename or "").encode(), kind, await _file_digest(value)]
            else:
                parts.append(value.encode())
    else:
        parts.append(await request.body())
    return parts


async def idempotency_of(
    request: Request, runtime: ServiceRuntime, principal: Principal, key: str | None
) -> Idempotency | None:
    table = runtime.definition.idempotency
    if not key or table is None:
        return None
    return Idempotency.of(table, key, principal.person_id, await request_identity(request))


async def command_context(
    request: Request,
    runtime: RuntimeDep,
    if_match: Annotated[
        str | None,
        Header(alias="If-Match", description="The ETag of the object the command changes; another → 412"),
    ] = None,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            description="Creating POSTs: the same key and body answer as the first time; another body → 422",
        ),
    ] = None,
) -> AsyncIterator[CommandContext[Any]]:
    """One transaction per request: the handler commits once; any error leaves nothing written."""
    async with runtime.uow() as uow:
        caller = await _caller(request, runtime, uow)
        yield CommandContext(
            uow,
            caller,
            runtime.components,
            runtime.auditor,
            if_match=parse_if_match(if_match),
            idempotency=await idempotency_of(request, runtime, caller.principal, idempotency_key),
        )


CommandDep = Annotated[CommandContext[Any], Depends(command_context)]
QueryDep = Annotated[QueryContext[Any], Depends(query_context)]
