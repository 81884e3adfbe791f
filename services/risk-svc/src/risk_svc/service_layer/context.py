"""risk-svc's request contexts: the shared ones (platform_shared.context) with this service's components,
and small rules every handler shares (units, people, references, a row's columns)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TypeAlias

from sqlalchemy import select

from platform_shared.context import CommandContext, QueryContext, RequestContext
from platform_shared.deadlines.store import Deadlines
from platform_shared.errors import invalid
from platform_shared.references import next_reference
from platform_shared.timeutil import local_date
from risk_svc.adapters.orm import reference_counter, replica
from risk_svc.config import RiskSettings


@dataclass(frozen=True)
class Components:
    settings: RiskSettings
    deadlines: Deadlines


Ctx: TypeAlias = RequestContext[Components]  # either kind: what reads and writes share
CommandCtx: TypeAlias = CommandContext[Components]
QueryCtx: TypeAlias = QueryContext[Components]


class Touchable(Protocol):
    """A row mapped with version_id_col: any change of its own moves its version (the ETag)."""

    updated_at: datetime


def touch(obj: Touchable, ctx: Ctx) -> None:
    """The object changed (perhaps only in its child rows): its version, and ETag, move."""
    obj.updated_at = ctx.now()


def today(ctx: Ctx) -> date:
    return local_date(ctx.now())


async def new_reference(ctx: Ctx, prefix: str) -> str:
    """The next human reference (RISK-2026-000001), unique per tenant and year."""
    return await next_reference(ctx.session, reference_counter, prefix, today(ctx).year)


async def require_unit(ctx: Ctx, unit_id: uuid.UUID) -> None:
    if not await ctx.caller.directory.unit_exists(unit_id):
        raise invalid("unit_id", "ingen sådan enhet", "Okänd enhet")


async def within(ctx: Ctx, unit_id: uuid.UUID, root_id: uuid.UUID) -> bool:
    """`unit_id` is `root_id` or below it."""
    return root_id in await ctx.caller.directory.ancestors_and_self(unit_id)


async def require_people(ctx: Ctx, field: str, people: Iterable[uuid.UUID | None]) -> None:
    """Everyone named is a person of the organisation (in the replica); else 422 on `field`."""
    wanted = {p for p in people if p is not None}
    if not wanted:
        return
    t = replica.person
    found = set((await ctx.session.scalars(select(t.c.id).where(t.c.id.in_(wanted)))).all())
    if wanted - found:
        raise invalid(field, "ingen sådan person i organisationen", "Okänd person")


def columns_of(row: Any) -> dict[str, Any]:
    """A mapped row's columns as a dict (to build a read model from)."""
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}
