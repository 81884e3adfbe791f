"""Integration clients (Lifecare, Treserva, an app backend): registered with a token subject, the
units they may act for and the operations they may call; revoked, never deleted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from org_svc.adapters.orm import OrgUnit, Person, SystemClient
from org_svc.domain.access import check_client_operations, dev_client_subject
from org_svc.domain.model import OrgRuleViolation, check_unit_open
from org_svc.service_layer.access import MANAGE_CLIENTS, manage, managed_client, require_grant
from org_svc.service_layer.context import CommandCtx, record
from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts import org as ev
from platform_shared.errors import AlreadyExists, InvalidTransition
from platform_shared.ids import new_id
from platform_shared.messaging.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class RegisterClient:
    name: str
    unit_ids: tuple[uuid.UUID, ...]
    operations: tuple[str, ...]
    subject: str | None = None  # None: made up (dev auth mode only)


@dataclass(frozen=True)
class UpdateClient:
    client_id: uuid.UUID
    name: str | None = None
    unit_ids: tuple[uuid.UUID, ...] | None = None
    operations: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RevokeClient:
    client_id: uuid.UUID


async def _check_units(uow: UnitOfWork, unit_ids: tuple[uuid.UUID, ...]) -> list[str]:
    if not unit_ids:
        raise OrgRuleViolation("unit_ids", "Ange minst en enhet")
    for unit_id in unit_ids:
        unit = await uow.session.get(OrgUnit, unit_id)
        if unit is None:
            raise OrgRuleViolation("unit_ids", f"Enheten {unit_id} finns inte")
        check_unit_open(unit.valid_to)
    return [str(u) for u in dict.fromkeys(unit_ids)]


async def _registered(uow: UnitOfWork, client: SystemClient) -> None:
    """SystemClientRegistered carries the client's current scope: replicas upsert it."""
    await record(
        uow,
        ev.SystemClientRegistered(
            client_id=client.id,
            subject=client.subject,
            name=client.name,
            unit_ids=[uuid.UUID(u) for u in client.unit_ids],
            operations=list(client.operations),
            active=client.active,
        ),
    )


async def register_client(ctx: CommandCtx, cmd: RegisterClient) -> Created[SystemClient]:
    require_grant(ctx, Action.ORG_MANAGE, MANAGE_CLIENTS)
    await manage(ctx, cmd.unit_ids)
    return await ctx.once(SystemClient, lambda: _register(ctx, cmd))


async def _register(ctx: CommandCtx, cmd: RegisterClient) -> Created[SystemClient]:
    uow = ctx.uow
    dev_mode = ctx.parts.settings.auth_mode == "dev"
    client_id = new_id()
    operations = check_client_operations(cmd.operations)
    if cmd.subject is None and not dev_mode:
        raise OrgRuleViolation("subject", "Klientens subjekt (sub) hos OIDC-utfärdaren krävs")
    subject = cmd.subject or dev_client_subject(cmd.name, client_id)
    units = await _check_units(uow, cmd.unit_ids)
    session = uow.session
    if await session.scalar(select(SystemClient.id).where(SystemClient.subject == subject)):
        raise AlreadyExists("En systemklient med detta subjekt finns redan")
    if await session.scalar(select(Person.id).where(Person.subject == subject)):
        raise AlreadyExists("Subjektet tillhör en person")
    client = SystemClient(
        id=client_id,
        name=cmd.name,
        subject=subject,
        unit_ids=units,
        operations=operations,
        active=True,
        registered_at=uow.clock(),
    )
    session.add(client)
    await _registered(uow, client)
    await ctx.created(client.id)
    await ctx.commit()
    return Created(client)


def _active(client: SystemClient) -> None:
    if not client.active:
        raise InvalidTransition("Systemklienten är återkallad")


async def update_client(ctx: CommandCtx, cmd: UpdateClient) -> SystemClient:
    client = await managed_client(ctx, cmd.client_id, also=cmd.unit_ids or ())
    _active(client)
    uow = ctx.uow
    name = cmd.name if cmd.name is not None else client.name
    units = await _check_units(uow, cmd.unit_ids) if cmd.unit_ids is not None else client.unit_ids
    operations = check_client_operations(cmd.operations) if cmd.operations is not None else client.operations
    if (name, units, operations) != (client.name, client.unit_ids, client.operations):
        client.name, client.unit_ids, client.operations = name, units, operations
        await _registered(uow, client)
        await ctx.commit()
    return client


async def revoke_client(ctx: CommandCtx, cmd: RevokeClient) -> SystemClient:
    client = await managed_client(ctx, cmd.client_id)
    _active(client)
    uow = ctx.uow
    client.active = False
    client.revoked_at = uow.clock()
    await record(uow, ev.SystemClientRevoked(client_id=client.id, revoked_at=client.revoked_at))
    await ctx.commit()
    return client


def dev_token(ctx: CommandCtx, client: SystemClient) -> str | None:
    """Dev auth mode: a token for an active client (None otherwise)."""
    return ctx.parts.mint(client.subject) if client.active else None


async def fresh_dev_token(ctx: CommandCtx, client_id: uuid.UUID) -> tuple[SystemClient, str]:
    client = await managed_client(ctx, client_id, precondition=False)
    token = dev_token(ctx, client)
    if token is None:
        raise InvalidTransition("Utvecklingstoken finns bara i utvecklingsläge och för en aktiv klient")
    return client, token
