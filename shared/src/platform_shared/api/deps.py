"""FastAPI dependencies shared by every service: the runtime, a read session, the calling person, and
If-Match / ETag (the one parse and the one write). A converted service's routes take one dependency
instead (platform_shared.api.context); these remain its building blocks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, TypeVar

from fastapi import Depends, Request, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.access import Authorizer, Principal, principal_for
from platform_shared.errors import InvalidToken, NotAuthenticated, check_version, invalid
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.runtime import ServiceRuntime


async def get_runtime(request: Request) -> ServiceRuntime:  # async: a plain def runs in a thread
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[ServiceRuntime, Depends(get_runtime)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    async with runtime.session_factory() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise NotAuthenticated("En bearer-token krävs")
    return token.strip()


async def resolve_principal(request: Request, runtime: ServiceRuntime, session: AsyncSession) -> Principal:
    """The caller from the token's subject: a person, or a registered integration client."""
    claims = await runtime.verifier.verify(bearer_token(request))
    subject, at = str(claims["sub"]), runtime.clock()
    directory = OrgDirectory(session, runtime.replica, runtime.replica_cache)
    principal = await runtime.replica_cache.caller(subject, at, lambda: principal_for(directory, subject, at))
    if principal is None:
        raise InvalidToken("Tokenens subjekt är inte en aktiv person eller klient i organisationen")
    return principal


async def current_principal(request: Request, runtime: RuntimeDep, session: SessionDep) -> Principal:
    return await resolve_principal(request, runtime, session)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def get_directory(runtime: RuntimeDep, session: SessionDep) -> OrgDirectory:
    return OrgDirectory(session, runtime.replica, runtime.replica_cache)


DirectoryDep = Annotated[OrgDirectory, Depends(get_directory)]


async def get_authorizer(directory: DirectoryDep) -> Authorizer:
    return Authorizer(directory)


AuthorizerDep = Annotated[Authorizer, Depends(get_authorizer)]


def parse_if_match(header: str | None) -> int | None:
    """The version an If-Match header names (an ETag from this API: "3" or W/"3"); None when the client
    sent none, or "*"."""
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    try:
        return int(value)
    except ValueError as exc:
        raise invalid(
            "If-Match", "inte en ETag från detta API", "If-Match är inte en ETag från detta API"
        ) from exc


async def if_match(request: Request) -> int | None:
    return parse_if_match(request.headers.get("if-match"))


IfMatch = Annotated[int | None, Depends(if_match)]


def etag(version: int) -> str:
    """The ETag of a resource at `version`."""
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    """Every answer carrying a mutable resource sends its version as the ETag (If-Match takes it back)."""
    response.headers["ETag"] = etag(version)


__all__ = [
    "AuthorizerDep",
    "CurrentPrincipal",
    "DirectoryDep",
    "IfMatch",
    "RuntimeDep",
    "SessionDep",
    "check_version",
    "etag",
    "parse_if_match",
    "resolve_principal",
    "set_etag",
    "with_etag",
]


M = TypeVar("M", bound=BaseModel)


def with_etag(response: Response, model: M) -> M:
    """The read model of a mutable resource, its `version` sent as the ETag."""
    set_etag(response, model.version)  # type: ignore[attr-defined]
    return model
