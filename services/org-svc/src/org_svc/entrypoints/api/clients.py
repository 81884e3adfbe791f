"""Integration clients: registered with their token subject, the units they may act for and the
operations (permission actions) they may call; revoked, never deleted."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from fastapi import APIRouter, Response, status
from sqlalchemy import select

from org_svc.adapters.orm import SystemClient
from org_svc.entrypoints.api.common import Limit, require_may, with_etag
from org_svc.entrypoints.api.schemas import ClientCreate, ClientCredentials, ClientRead, ClientUpdate
from org_svc.service_layer import clients as handlers
from platform_shared.access import Action, Authorizer, Principal
from platform_shared.api.deps import AuthorizerDep, CurrentPrincipal, IfMatch, RuntimeDep, SessionDep
from platform_shared.api.pagination import DEFAULT_LIMIT, Page, page_by_id
from platform_shared.auth.tokens import DevTokens
from platform_shared.errors import Conflict, NotFound
from platform_shared.runtime import ServiceRuntime

router = APIRouter()

_MANAGE = "Only a systemadministrator manages system clients"


def _dev_token(runtime: ServiceRuntime, client: SystemClient) -> str | None:
    verifier = runtime.verifier
    return verifier.mint(client.subject) if isinstance(verifier, DevTokens) and client.active else None


async def _manage(authz: Authorizer, principal: Principal, unit_ids: Iterable[object]) -> None:
    for unit_id in unit_ids:
        await authz.require(principal, Action.ORG_MANAGE, uuid.UUID(str(unit_id)))


async def _visible(session: SessionDep, principal: Principal, client_id: uuid.UUID) -> SystemClient:
    client = await session.get(SystemClient, client_id)
    if client is None or not principal.may(Action.ORG_MANAGE):
        raise NotFound("System client not found")
    return client


@router.post(
    "/clients",
    status_code=status.HTTP_201_CREATED,
    summary="Register an integration client (in dev auth mode the answer carries a dev token)",
)
async def register_client(
    body: ClientCreate,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    response: Response,
) -> ClientCredentials:
    require_may(principal, Action.ORG_MANAGE, _MANAGE)
    await _manage(authz, principal, body.unit_ids)
    async with runtime.uow(principal.person_id) as uow:
        client = await handlers.register_client(
            uow,
            handlers.RegisterClient(
                name=body.name,
                unit_ids=tuple(body.unit_ids),
                operations=tuple(body.operations),
                subject=body.subject,
            ),
            dev_mode=runtime.settings.auth_mode == "dev",
        )
    with_etag(response, client.version)
    return ClientCredentials(
        **ClientRead.model_validate(client).model_dump(), dev_token=_dev_token(runtime, client)
    )


@router.get("/clients", summary="List integration clients")
async def list_clients(
    principal: CurrentPrincipal,
    session: SessionDep,
    active: bool | None = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[ClientRead]:
    require_may(principal, Action.ORG_MANAGE, _MANAGE)
    stmt = select(SystemClient)
    if active is not None:
        stmt = stmt.where(SystemClient.active.is_(active))
    rows, next_cursor = await page_by_id(session, stmt, SystemClient.id, cursor, limit)
    return Page[ClientRead](items=[ClientRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/clients/{client_id}", summary="One integration client")
async def get_client(
    client_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, response: Response
) -> ClientRead:
    client = await _visible(session, principal, client_id)
    with_etag(response, client.version)
    return ClientRead.model_validate(client)


@router.patch("/clients/{client_id}", summary="Change a client's name, units or operations")
async def update_client(
    client_id: uuid.UUID,
    body: ClientUpdate,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatch,
) -> ClientRead:
    found = await _visible(session, principal, client_id)
    await _manage(authz, principal, [*found.unit_ids, *(body.unit_ids or [])])
    async with runtime.uow(principal.person_id) as uow:
        client = await handlers.update_client(
            uow,
            handlers.UpdateClient(
                client_id,
                name=body.name,
                unit_ids=tuple(body.unit_ids) if body.unit_ids is not None else None,
                operations=tuple(body.operations) if body.operations is not None else None,
                expected_version=if_match,
            ),
        )
    with_etag(response, client.version)
    return ClientRead.model_validate(client)


@router.post("/clients/{client_id}/revoke", summary="Revoke a client: its tokens stop working")
async def revoke_client(
    client_id: uuid.UUID,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatch,
) -> ClientRead:
    found = await _visible(session, principal, client_id)
    await _manage(authz, principal, found.unit_ids)
    async with runtime.uow(principal.person_id) as uow:
        client = await handlers.revoke_client(uow, handlers.RevokeClient(client_id, if_match))
    with_etag(response, client.version)
    return ClientRead.model_validate(client)


@router.post("/clients/{client_id}/dev-token", summary="Dev auth mode only: a fresh token for the client")
async def client_dev_token(
    client_id: uuid.UUID,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    session: SessionDep,
) -> ClientCredentials:
    client = await _visible(session, principal, client_id)
    await _manage(authz, principal, client.unit_ids)
    token = _dev_token(runtime, client)
    if token is None:
        raise Conflict("Dev tokens exist only in dev auth mode, for an active client")
    return ClientCredentials(**ClientRead.model_validate(client).model_dump(), dev_token=token)
