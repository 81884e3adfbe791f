"""API plumbing of deviation-svc: the command context, ETag, Idempotency-Key, list scope (If-Match is
the shared one)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request, Response

from deviation_svc.service_layer.context import Caller, Components, Ctx
from deviation_svc.service_layer.idempotency import IdempotencyKey
from deviation_svc.service_layer.queries import Scope
from platform_shared.api.deps import AuthorizerDep, CurrentPrincipal, DirectoryDep, IfMatch, RuntimeDep
from platform_shared.api.deps import etag as shared_etag

__all__ = ["CtxDep", "IdemDep", "IfMatch", "ScopeDep", "etag"]


def components(runtime: RuntimeDep) -> Components:
    parts: Components = runtime.components
    return parts


ComponentsDep = Annotated[Components, Depends(components)]


async def command_context(
    runtime: RuntimeDep,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    directory: DirectoryDep,
    parts: ComponentsDep,
) -> AsyncIterator[Ctx]:
    """One unit of work per request: the handler commits once; any error leaves nothing written."""
    async with runtime.uow(principal.person_id) as uow:
        yield Ctx(uow, Caller(principal, authz, directory), parts)


CtxDep = Annotated[Ctx, Depends(command_context)]


async def list_scope(
    runtime: RuntimeDep, principal: CurrentPrincipal, authz: AuthorizerDep, directory: DirectoryDep
) -> Scope:
    return Scope(principal=principal, authz=authz, directory=directory, now=runtime.clock())


ScopeDep = Annotated[Scope, Depends(list_scope)]


def etag(response: Response, version: int) -> None:
    response.headers["ETag"] = shared_etag(version)


async def idempotency_key(
    request: Request,
    principal: CurrentPrincipal,
    key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", description="Same key and body → the first answer; other body → 422"),
    ] = None,
) -> IdempotencyKey | None:
    if not key:
        return None
    route = request.scope.get("route")
    template = getattr(route, "path", request.url.path)
    scope = f"{request.method} {template} {request.path_params}"
    return IdempotencyKey.of(key, principal.person_id, scope, await request.body())


IdemDep = Annotated[IdempotencyKey | None, Depends(idempotency_key)]
