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
    """The caller from the token's subject: a person, or a registered integration client."""
    claims = await runtime.verifier.verify(bearer_token(request))
    subject = str(claims["sub"])
    directory = OrgDirectory(session, runtime.replica)
    now = runtime.clock()
    person = await directory.person_by_subject(subject)
    if person is not None and person.active:
        roles = await directory.roles_of(person.id, now)
        delegations = await directory.delegations_of(person.id, roles, now)
        return Principal(
            person_id=person.id,
            subject=person.subject,
            name=person.name,
            roles=tuple(roles),
            delegations=tuple(delegations),
        )
    client = await directory.client_by_subject(subject)
    if client is not None and client.active:
        return Principal(
            person_id=client.id,
            subject=client.subject,
            name=client.name,
            is_client=True,
            client_units=client.unit_ids,
            client_operations=client.operations,
        )
    raise NotAuthenticated("The token's subject is not an active person or client of the organisation")


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def get_directory(runtime: RuntimeDep, session: SessionDep) -> OrgDirectory:
    return OrgDirectory(session, runtime.replica)


DirectoryDep = Annotated[OrgDirectory, Depends(get_directory)]


def get_authorizer(directory: DirectoryDep) -> Authorizer:
    return Authorizer(directory)


AuthorizerDep = Annotated[Authorizer, Depends(get_authorizer)]
