"""Who sees and writes documents and the process map (docs/ledningssystem.md, Planned API).

- read: everyone with a role (ORG_READ): the ledningssystem is for all staff;
- write (register, edit a draft, submit, publish, review, settle proposals): the owner, or one who
  holds a chef role, the MAS or a kvalitetsledare at the owner's unit or above it;
- decide: the decision itself is checked against the document's kind and scope (domain/authority.py);
- the process map and the tenant's decision rules: a chef at förvaltning level, a kvalitetsledare or a
  systemadministrator.
Every load runs RequestContext.load: visible (else 404) → permitted (else 403) → If-Match (else 412)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from org_svc.adapters.orm import Document, DocumentVersion
from org_svc.service_layer.context import CommandCtx, Ctx
from platform_shared.access import Action
from platform_shared.errors import Forbidden, NotFound
from platform_shared.roles import GRANTS_AS, Role

DOCUMENT_NOT_FOUND = "Dokumentet finns inte"
VERSION_NOT_FOUND = "Versionen finns inte"
NOT_A_WRITER = "Bara dokumentets ägare, en chef, MAS eller kvalitetsledare för enheten arbetar med dokumentet"
NOT_A_MAP_KEEPER = "Bara socialchef, förvaltningschef, kvalitetsledare eller systemadministratör ändrar detta"

WRITERS = frozenset(
    {
        Role.SOCIALCHEF,
        Role.FORVALTNINGSCHEF,
        Role.VERKSAMHETSCHEF,
        Role.AVDELNINGSCHEF,
        Role.ENHETSCHEF,
        Role.MAS,
        Role.KVALITETSLEDARE,
    }
)
MAP_KEEPERS = frozenset(
    {Role.SOCIALCHEF, Role.FORVALTNINGSCHEF, Role.KVALITETSLEDARE, Role.SYSTEMADMINISTRATOR}
)


def held_roles(ctx: Ctx) -> list[tuple[Role, uuid.UUID]]:
    """The caller's roles (a stabschef acts as kvalitetsledare, a myndighetschef as verksamhetschef)."""
    found: list[tuple[Role, uuid.UUID]] = []
    for scoped in ctx.caller.principal.roles:
        try:
            role = Role(scoped.role)
        except ValueError:
            continue
        found.append((GRANTS_AS.get(role, role), scoped.unit_id))
    return found


def require_reader(ctx: Ctx) -> None:
    if not ctx.caller.principal.may(Action.ORG_READ):
        raise Forbidden("Du har ingen roll i organisationen")


async def may_write(ctx: Ctx, owner_unit_id: uuid.UUID, owner_person_id: uuid.UUID | None) -> bool:
    if owner_person_id is not None and owner_person_id == ctx.caller.id:
        return True
    above = set(await ctx.caller.directory.ancestors_and_self(owner_unit_id))
    return any(role in WRITERS and unit in above for role, unit in held_roles(ctx))


async def require_writer(ctx: Ctx, owner_unit_id: uuid.UUID, owner_person_id: uuid.UUID | None) -> None:
    if not await may_write(ctx, owner_unit_id, owner_person_id):
        raise Forbidden(NOT_A_WRITER)


def require_map_keeper(ctx: Ctx) -> None:
    if not any(role in MAP_KEEPERS for role, _unit in held_roles(ctx)):
        raise Forbidden(NOT_A_MAP_KEEPER)


async def _reads(_obj: object, ctx: Ctx) -> bool:
    return ctx.caller.principal.may(Action.ORG_READ)


async def readable_document(ctx: Ctx, document_id: uuid.UUID) -> Document:
    return await ctx.load(
        Document, document_id, not_found=DOCUMENT_NOT_FOUND, visible=lambda d: _reads(d, ctx)
    )


async def writable_document(ctx: CommandCtx, document_id: uuid.UUID, *, if_match: bool = True) -> Document:
    """The document, locked, for a change of the document itself (If-Match names its version)."""

    async def permitted(d: Document) -> None:
        await require_writer(ctx, d.owner_unit_id, d.owner_person_id)

    return await ctx.load(
        Document,
        document_id,
        not_found=DOCUMENT_NOT_FOUND,
        visible=lambda d: _reads(d, ctx),
        permitted=permitted,
        if_match=ctx.if_match if if_match else None,
        lock=True,
    )


async def version_of(ctx: Ctx, document: Document, number: int) -> DocumentVersion:
    found = await ctx.session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document.id, DocumentVersion.number == number
        )
    )
    if found is None:
        raise NotFound(VERSION_NOT_FOUND)
    return found
