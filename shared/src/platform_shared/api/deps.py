"""FastAPI dependencies shared by every service: the runtime, a read session, the calling person."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.access import Authorizer, Principal, principal_for
from platform_shared.errors import (
    FieldError,
    InvalidToken,
    NotAuthenticated,
    PreconditionFailed,
    ValidationFailed,
)
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.runtime import ServiceRuntime


def get_runtime(request: Request) -> ServiceRuntime:
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
        raise NotAuthenticated("A bearer token is required")
    return token.strip()


async def current_principal(request: Request, runtime: RuntimeDep, session: SessionDep) -> Principal:
    """The caller from the token's subject: a person, or a registered integration client."""
    claims = await runtime.verifier.verify(bearer_token(request))
    principal = await principal_for(
        OrgDirectory(session, runtime.replica), str(claims["sub"]), runtime.clock()
    )
    if principal is None:
        raise InvalidToken("The token's subject is not an active person or client of the organisation")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def get_directory(runtime: RuntimeDep, session: SessionDep) -> OrgDirectory:
    return OrgDirectory(session, runtime.replica)


DirectoryDep = Annotated[OrgDirectory, Depends(get_directory)]


def get_authorizer(directory: DirectoryDep) -> Authorizer:
    return Authorizer(directory)


AuthorizerDep = Annotated[Authorizer, Depends(get_authorizer)]


def if_match(request: Request) -> int | None:
    """The version named by an If-Match header (an ETag from this API: "3" or W/"3"); None when the
    client sent none, or "*"."""
    header = request.headers.get("if-match")
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    try:
        return int(value)
    except ValueError as exc:
        message = "not an ETag from this API"
        raise ValidationFailed(f"If-Match: {message}", errors=[FieldError("If-Match", message)]) from exc


IfMatch = Annotated[int | None, Depends(if_match)]


def etag(version: int) -> str:
    """The ETag of a resource at `version`."""
    return f'"{version}"'


def check_version(expected: int | None, actual: int) -> None:
    """412 when the client's If-Match names another version than the stored one."""
    if expected is not None and expected != actual:
        raise PreconditionFailed(f"The object has changed (version {actual}); read it again")
