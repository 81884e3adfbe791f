"""Värdighetsgarantier (domain/guarantees.py): adopt one for a unit and its subtree, change it, withdraw
it (kept with its history). The indicators that follow it up are named by the garanti."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, select

from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts.risk import GuaranteeAdopted, GuaranteeChanged, GuaranteeWithdrawn
from platform_shared.errors import invalid
from platform_shared.ids import new_id
from risk_svc.adapters.orm import Guarantee, Indicator, IndicatorGuarantee
from risk_svc.domain import guarantees as rules
from risk_svc.domain.guarantees import GuaranteeInput, GuaranteeStatus, ValueArea
from risk_svc.domain.model import RuleViolation
from risk_svc.service_layer.access import managed_guarantee, reads_unit
from risk_svc.service_layer.context import CommandCtx, Ctx, require_unit, touch, within
from risk_svc.service_layer.goals.commands import ACTIVE

MAX_INDICATORS = 20


def _check(g: Guarantee) -> None:
    rules.check_guarantee(
        GuaranteeInput(ValueArea(g.area), g.title or "", g.commitment or "", g.valid_from, g.valid_to)
    )


async def indicator_ids_of(ctx: Ctx, guarantee_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await ctx.session.scalars(
        select(IndicatorGuarantee.indicator_id)
        .where(IndicatorGuarantee.guarantee_id == guarantee_id)
        .order_by(IndicatorGuarantee.indicator_id)
    )
    return list(rows.all())


async def _link(ctx: CommandCtx, g: Guarantee, indicator_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """The indicators that follow the garanti up: active ones the caller reads, in its unit's subtree
    (else 422 on `indicator_ids`, the same for one that does not exist)."""
    wanted = list(dict.fromkeys(indicator_ids))
    if len(wanted) > MAX_INDICATORS:
        raise invalid("indicator_ids", "för många", f"Högst {MAX_INDICATORS} indikatorer")
    for indicator_id in wanted:
        i = await ctx.session.get(Indicator, indicator_id)
        if i is None or not await reads_unit(ctx, i.unit_id):
            raise invalid("indicator_ids", "ingen sådan indikator", "Okänd indikator")
        if i.status != ACTIVE:
            raise RuleViolation("Indikatorn är avslutad", "indicator_ids")
        if not await within(ctx, i.unit_id, g.unit_id):
            raise RuleViolation("Indikatorn följer inte upp den enhet garantin gäller", "indicator_ids")
    await ctx.session.execute(delete(IndicatorGuarantee).where(IndicatorGuarantee.guarantee_id == g.id))
    for indicator_id in wanted:
        ctx.session.add(IndicatorGuarantee(indicator_id=indicator_id, guarantee_id=g.id))
    return sorted(wanted, key=str)


def _facts(g: Guarantee, indicator_ids: list[uuid.UUID]) -> dict[str, Any]:
    return {
        "guarantee_id": g.id,
        "unit_id": g.unit_id,
        "area": g.area,
        "title": g.title,
        "valid_from": g.valid_from,
        "valid_to": g.valid_to,
        "indicator_ids": indicator_ids,
        "status": g.status,
    }


@dataclass(frozen=True)
class AdoptGuarantee:
    unit_id: uuid.UUID
    area: ValueArea
    title: str
    commitment: str
    valid_from: date
    valid_to: date | None = None
    indicator_ids: Sequence[uuid.UUID] = ()


async def adopt(ctx: CommandCtx, cmd: AdoptGuarantee) -> Created[Guarantee]:
    await require_unit(ctx, cmd.unit_id)
    await ctx.caller.require(Action.RISK_MANAGE, cmd.unit_id)
    return await ctx.once(Guarantee, lambda: _adopt(ctx, cmd))


async def _adopt(ctx: CommandCtx, cmd: AdoptGuarantee) -> Created[Guarantee]:
    now = ctx.now()
    g = Guarantee(
        id=new_id(),
        unit_id=cmd.unit_id,
        area=ValueArea(cmd.area).value,
        title=cmd.title,
        commitment=cmd.commitment,
        valid_from=cmd.valid_from,
        valid_to=cmd.valid_to,
        status=GuaranteeStatus.ACTIVE.value,
        created_by=ctx.caller.id,
        created_at=now,
        updated_at=now,
    )
    _check(g)
    ctx.session.add(g)
    linked = await _link(ctx, g, cmd.indicator_ids)
    ctx.emit(GuaranteeAdopted(**_facts(g, linked), adopted_at=now))
    await ctx.created(g.id)
    await ctx.commit()
    return Created(g)


FIELDS = ("area", "title", "commitment", "valid_from", "valid_to")


@dataclass(frozen=True)
class EditGuarantee:
    guarantee_id: uuid.UUID
    changes: dict[str, Any] = field(default_factory=dict)


def _check_active(g: Guarantee) -> None:
    if g.status != GuaranteeStatus.ACTIVE.value:
        raise RuleViolation(
            "Garantin är återkallad; den behålls med sin historik men ändras inte", state=True
        )


async def edit(ctx: CommandCtx, cmd: EditGuarantee) -> Guarantee:
    g = await managed_guarantee(ctx, cmd.guarantee_id)
    _check_active(g)
    for name in FIELDS:
        if name in cmd.changes:
            value = cmd.changes[name]
            if value is None and name != "valid_to":
                raise RuleViolation("Fältet kan inte tömmas", name)
            setattr(g, name, getattr(value, "value", value))
    _check(g)
    if "indicator_ids" in cmd.changes:
        linked = await _link(ctx, g, cmd.changes["indicator_ids"] or ())
    else:
        linked = await indicator_ids_of(ctx, g.id)
    touch(g, ctx)
    ctx.emit(GuaranteeChanged(**_facts(g, linked), changed_at=ctx.now()))
    await ctx.commit()
    return g


async def withdraw(ctx: CommandCtx, guarantee_id: uuid.UUID) -> Guarantee:
    """Withdrawn, the garanti keeps its indicators and the complaints that named it; no complaint
    names it from now on."""
    g = await managed_guarantee(ctx, guarantee_id)
    g.status = rules.check_withdraw(GuaranteeStatus(g.status)).value
    touch(g, ctx)
    ctx.emit(GuaranteeWithdrawn(**_facts(g, await indicator_ids_of(ctx, g.id)), withdrawn_at=ctx.now()))
    await ctx.commit()
    return g
