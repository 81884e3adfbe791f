"""FastAPI dependencies shared by every service: the runtime, a read session, the calling person."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.access import Authorizer, Principal
from platform_shared.errors import NotAuthenticated
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
    claims = await runtime.verifier.verify(bearer_token(request))
    directory = OrgDirectory(session, runtime.replica)
    person = await directory.person_by_subject(str(claims["sub"]))
    if person is None or not person.active:
        raise NotAuthenticated("The token's subject is not an active person in the organisation")
    roles = await directory.roles_of(person.id, runtime.clock())
    return Principal(person_id=person.id, subject=person.subject, name=person.name, roles=tuple(roles))


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def get_directory(runtime: RuntimeDep, session: SessionDep) -> OrgDirectory:
    return OrgDirectory(session, runtime.replica)


DirectoryDep = Annotated[OrgDirectory, Depends(get_directory)]


def get_authorizer(directory: DirectoryDep) -> Authorizer:
    return Authorizer(directory)


AuthorizerDep = Annotated[Authorizer, Depends(get_authorizer)]
