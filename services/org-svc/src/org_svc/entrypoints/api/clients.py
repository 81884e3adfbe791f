"""Integration clients: registered with their token subject, the units they may act for and the
operations (permission actions) they may call; revoked, never deleted."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from org_svc.entrypoints.api.deps import Command, Query
from org_svc.entrypoints.api.schemas import ClientCreate, ClientCredentials, ClientRead, ClientUpdate
from org_svc.service_layer.clients import commands, queries
from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import Page, PageDep

router = APIRouter()


@router.post(
    "/clients",
    status_code=status.HTTP_201_CREATED,
    summary="Register an integration client (in dev auth mode the answer carries a dev token)",
)
async def register_client(body: ClientCreate, ctx: Command, response: Response) -> ClientCredentials:
    cmd = commands.RegisterClient(body.name, tuple(body.unit_ids), tuple(body.operations), body.subject)
    created = await commands.register_client(ctx, cmd)
    response.status_code = created.status
    read = with_etag(response, ClientRead.model_validate(created.value))
    return ClientCredentials(**read.model_dump(), dev_token=commands.dev_token(ctx, created.value))


@router.get("/clients", summary="List integration clients")
async def list_clients(ctx: Query, page: PageDep, active: bool | None = None) -> Page[ClientRead]:
    rows, next_cursor = await queries.clients(ctx, active, page)
    return Page[ClientRead](items=[ClientRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/clients/{client_id}", summary="One integration client")
async def get_client(client_id: uuid.UUID, ctx: Query, response: Response) -> ClientRead:
    return with_etag(response, ClientRead.model_validate(await queries.client(ctx, client_id)))


@router.patch("/clients/{client_id}", summary="Change a client's name, units or operations")
async def update_client(
    client_id: uuid.UUID, body: ClientUpdate, ctx: Command, response: Response
) -> ClientRead:
    unit_ids = tuple(body.unit_ids) if body.unit_ids is not None else None
    operations = tuple(body.operations) if body.operations is not None else None
    client = await commands.update_client(
        ctx, commands.UpdateClient(client_id, body.name, unit_ids, operations)
    )
    return with_etag(response, ClientRead.model_validate(client))


@router.post("/clients/{client_id}/revoke", summary="Revoke a client: its tokens stop working")
async def revoke_client(client_id: uuid.UUID, ctx: Command, response: Response) -> ClientRead:
    client = await commands.revoke_client(ctx, commands.RevokeClient(client_id))
    return with_etag(response, ClientRead.model_validate(client))


@router.post("/clients/{client_id}/dev-token", summary="Dev auth mode only: a fresh token for the client")
async def client_dev_token(client_id: uuid.UUID, ctx: Command) -> ClientCredentials:
    client, token = await commands.fresh_dev_token(ctx, client_id)
    return ClientCredentials(**ClientRead.model_validate(client).model_dump(), dev_token=token)
