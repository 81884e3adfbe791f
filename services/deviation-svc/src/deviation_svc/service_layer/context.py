"""deviation-svc's request contexts: the shared ones (platform_shared.context) with this service's
components, and small rules every handler shares (PATCH, version, people)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeAlias

from deviation_svc.adapters.attachments import AttachmentStore
from deviation_svc.config import DeviationSettings
from platform_shared.access import Principal
from platform_shared.context import CommandContext, QueryContext, RequestContext
from platform_shared.crypto import FieldCipher
from platform_shared.deadlines.store import Deadlines
from platform_shared.errors import FieldError, ValidationFailed, invalid


@dataclass(frozen=True)
class Components:
    settings: DeviationSettings
    cipher: FieldCipher
    deadlines: Deadlines
    attachments: AttachmentStore


Ctx: TypeAlias = RequestContext[Components]  # either kind: what reads and writes share
CommandCtx: TypeAlias = CommandContext[Components]
QueryCtx: TypeAlias = QueryContext[Components]


class Touchable(Protocol):
    """A row mapped with version_id_col: any change of its own moves its version (the ETag)."""

    updated_at: datetime | None


def touch(obj: Touchable, ctx: Ctx) -> None:
    """Every change to a case moves its version (and ETag), even one that changes only child rows."""
    obj.updated_at = ctx.now()


def check_patch(changes: dict[str, object], editable: frozenset[str], required: frozenset[str]) -> None:
    """PATCH: only editable fields; a required one cannot be emptied."""
    errors = [FieldError(f, "kan inte ändras med PATCH") for f in sorted(set(changes) - editable)]
    errors += [
        FieldError(f, "får inte vara tomt") for f in sorted(required & set(changes)) if changes[f] is None
    ]
    if errors:
        raise ValidationFailed("Ogiltig ändring (PATCH)", errors=errors)


async def require_person(ctx: Ctx, person_id: uuid.UUID, field: str) -> Principal:
    """Another active person of the organisation, as the authorizer sees them now; else 422."""
    found = await ctx.caller.other(person_id, ctx.now())
    if found is None:
        raise invalid(field, "ingen sådan aktiv person", "Okänd person")
    return found


async def require_unit(ctx: Ctx, unit_id: uuid.UUID) -> None:
    if not await ctx.caller.directory.unit_exists(unit_id):
        raise invalid("unit_id", "ingen sådan enhet", "Okänd enhet")
