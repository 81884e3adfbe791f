"""Reading risks: one risk with its links and action plan, its history, lists of what the caller may
read, and the 4 × 4 matrix of a unit's subtree now or as it stood on a date."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select

from platform_shared.access import Action
from platform_shared.errors import Forbidden, invalid
from platform_shared.pagination import PageRequest, keyset_page
from platform_shared.timeutil import start_of_local_day
from risk_svc.adapters.orm import Risk, RiskAction, RiskAssessment, RiskLink, RiskTransition
from risk_svc.domain.matrix import build_matrix
from risk_svc.domain.model import CONSEQUENCE_LABELS, PROBABILITY_LABELS
from risk_svc.domain.risks import RiskSource, RiskStatus
from risk_svc.service_layer.access import readable_risk
from risk_svc.service_layer.context import Ctx, QueryCtx, columns_of, require_unit
from risk_svc.service_layer.lists import scope_filter, visible_units
from risk_svc.service_layer.settings.queries import current


async def risk(ctx: QueryCtx, risk_id: uuid.UUID) -> dict[str, Any]:
    return await view(ctx, await readable_risk(ctx, risk_id))


async def view(ctx: Ctx, r: Risk) -> dict[str, Any]:
    """The risk as its readers see it: labels, whether the tenant's rule proposes it, links, actions."""
    settings = await current(ctx.session)
    links = (
        await ctx.session.execute(select(RiskLink.kind, RiskLink.object_id).where(RiskLink.risk_id == r.id))
    ).all()
    actions = await ctx.session.scalars(
        select(RiskAction).where(RiskAction.risk_id == r.id).order_by(RiskAction.id)
    )
    meets = None
    if r.risk_value is not None and r.consequence is not None:
        meets = settings.prioritisation.proposes(r.risk_value, r.consequence)
    return columns_of(r) | {
        "escalated": r.responsible_unit_id != r.unit_id,
        "probability_label": PROBABILITY_LABELS.get(r.probability or 0),
        "consequence_label": CONSEQUENCE_LABELS.get(r.consequence or 0),
        "meets_priority_rule": meets,
        "linked_deviation_ids": sorted(o for k, o in links if k == "deviation"),
        "linked_complaint_ids": sorted(o for k, o in links if k == "complaint"),
        "actions": [columns_of(a) for a in actions.all()],
    }


async def history(ctx: QueryCtx, risk_id: uuid.UUID) -> dict[str, Any]:
    """Every assessment and every step of the risk, in order."""
    r = await readable_risk(ctx, risk_id)
    assessments = await ctx.session.scalars(
        select(RiskAssessment)
        .where(RiskAssessment.risk_id == r.id)
        .order_by(RiskAssessment.assessed_at, RiskAssessment.id)
    )
    transitions = await ctx.session.scalars(
        select(RiskTransition)
        .where(RiskTransition.risk_id == r.id)
        .order_by(RiskTransition.at, RiskTransition.id)
    )
    return {
        "risk_id": r.id,
        "assessments": [columns_of(a) for a in assessments.all()],
        "transitions": [columns_of(t) for t in transitions.all()],
    }


@dataclass(frozen=True)
class RiskFilter:
    unit_id: uuid.UUID | None = None
    responsible_unit_id: uuid.UUID | None = None
    analysis_id: uuid.UUID | None = None
    status: RiskStatus | None = None
    source: RiskSource | None = None
    prioritised: bool | None = None


async def risks(ctx: QueryCtx, f: RiskFilter, page: PageRequest) -> tuple[list[Risk], str | None]:
    """Risks the caller may read, oldest first; a unit named outside the caller's reach is 403."""
    vis = await ctx.caller.visibility(Action.RISK_READ)
    for named in (f.unit_id, f.responsible_unit_id):
        if named is not None and not vis.own:
            await ctx.caller.require(Action.RISK_READ, named)
    stmt = select(Risk).where(
        scope_filter(vis, Risk.unit_id, [Risk.identified_by, Risk.owner_id], ctx.caller.id)
    )
    for column, value in (
        (Risk.unit_id, f.unit_id),
        (Risk.responsible_unit_id, f.responsible_unit_id),
        (Risk.analysis_id, f.analysis_id),
        (Risk.status, f.status.value if f.status else None),
        (Risk.source, f.source.value if f.source else None),
        (Risk.prioritised, f.prioritised),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    return await keyset_page(ctx.session, stmt, [Risk.id], page)


# --- the matrix -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixRisk:
    id: uuid.UUID
    reference: str
    title: str
    unit_id: uuid.UUID
    owner_id: uuid.UUID | None
    identified_by: uuid.UUID
    status: str
    probability: int
    consequence: int


async def _status_at(ctx: Ctx, r: Risk, at: datetime) -> str:
    status = await ctx.session.scalar(
        select(RiskTransition.to_status)
        .where(RiskTransition.risk_id == r.id, RiskTransition.at <= at)
        .order_by(RiskTransition.at.desc(), RiskTransition.id.desc())
        .limit(1)
    )
    return status or r.status


async def _matrix_risks(
    ctx: Ctx, units: list[uuid.UUID], at: datetime | None
) -> tuple[list[MatrixRisk], int]:
    """The assessed risks of `units` with the assessment in force, now (at=None) or at `at` (the
    history: identified before it, not closed by it, the latest assessment before it); and how many
    risks had no assessment yet."""
    stmt = select(Risk).where(Risk.unit_id.in_(units))
    if at is None:
        stmt = stmt.where(Risk.status != RiskStatus.CLOSED.value)
    else:
        stmt = stmt.where(Risk.identified_at <= at, or_(Risk.closed_at.is_(None), Risk.closed_at > at))
    found = {r.id: r for r in (await ctx.session.scalars(stmt)).all()}
    in_force: dict[uuid.UUID, tuple[int, int]] = {}
    if at is None:
        in_force = {
            r.id: (r.probability, r.consequence)
            for r in found.values()
            if r.probability is not None and r.consequence is not None and r.assessed_at is not None
        }
    elif found:
        rows = await ctx.session.scalars(
            select(RiskAssessment)
            .where(RiskAssessment.risk_id.in_(list(found)), RiskAssessment.assessed_at <= at)
            .order_by(RiskAssessment.assessed_at, RiskAssessment.id)
        )
        for a in rows:
            in_force[a.risk_id] = (a.probability, a.consequence)
    matrix = []
    for risk_id, (p, c) in in_force.items():
        r = found[risk_id]
        status = r.status if at is None else await _status_at(ctx, r, at)
        matrix.append(
            MatrixRisk(r.id, r.reference, r.title, r.unit_id, r.owner_id, r.identified_by, status, p, c)
        )
    return sorted(matrix, key=lambda m: m.reference), len(found) - len(matrix)


async def matrix(ctx: QueryCtx, unit_id: uuid.UUID, on: date | None) -> dict[str, Any]:
    """The matrix of the unit's subtree (as the organisation stood then); readers of aggregates get the
    counts, others the risks they may read in each cell."""
    await require_unit(ctx, unit_id)
    if not await ctx.caller.authz.can_aggregate(ctx.caller.principal, Action.RISK_READ, unit_id):
        raise Forbidden("Din roll ger inte behörighet att se risker för enheten")
    at = start_of_local_day(on + timedelta(days=1)) if on else None
    if at is not None and at > ctx.now() + timedelta(days=1):
        raise invalid("date", "i framtiden", "En matris kan inte ritas för framtiden")
    found, unassessed = await _matrix_risks(ctx, await ctx.caller.directory.subtree(unit_id, at=at), at)
    vis = await ctx.caller.visibility(Action.RISK_READ)
    readable = visible_units(vis)

    def may_read(m: MatrixRisk) -> bool:
        return (
            readable is None
            or m.unit_id in readable
            or (vis.own and ctx.caller.id in (m.identified_by, m.owner_id))
        )

    cells = build_matrix(
        ((m.probability, m.consequence, m) for m in found), (await current(ctx.session)).bands
    )
    return {
        "unit_id": unit_id,
        "date": on,
        "total": len(found),
        "unassessed": unassessed,
        "aggregate_only": vis.aggregate_only,
        "cells": [
            {
                "probability": cell.probability,
                "probability_label": PROBABILITY_LABELS[cell.probability],
                "consequence": cell.consequence,
                "consequence_label": CONSEQUENCE_LABELS[cell.consequence],
                "risk_value": cell.risk_value,
                "band": cell.band,
                "count": cell.count,
                "risks": None if vis.aggregate_only else [asdict(m) for m in cell.items if may_read(m)],
            }
            for cell in cells
        ],
    }
