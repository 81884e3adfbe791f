"""Reading egenkontroller: one, and the ones the caller may read."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select

from platform_shared.access import Action
from platform_shared.pagination import PageRequest, keyset_page
from risk_svc.adapters.orm import SelfAssessment
from risk_svc.domain.self_assessments import Figure, SelfAssessmentMethod, SelfAssessmentStatus
from risk_svc.service_layer.access import readable_self_assessment
from risk_svc.service_layer.context import QueryCtx, columns_of
from risk_svc.service_layer.lists import scope_filter


async def self_assessment(ctx: QueryCtx, assessment_id: uuid.UUID) -> dict[str, Any]:
    return view(await readable_self_assessment(ctx, assessment_id))


def view(a: SelfAssessment) -> dict[str, Any]:
    figures = [Figure(**f) for f in a.figures or []]
    return columns_of(a) | {
        "figures": [asdict(f) | {"below_reference": f.below_reference} for f in figures],
        "actions": list(a.actions or []),
    }


@dataclass(frozen=True)
class SelfAssessmentFilter:
    unit_id: uuid.UUID | None = None
    method: SelfAssessmentMethod | None = None
    status: SelfAssessmentStatus | None = None


async def self_assessments(
    ctx: QueryCtx, f: SelfAssessmentFilter, page: PageRequest
) -> tuple[list[SelfAssessment], str | None]:
    vis = await ctx.caller.visibility(Action.RISK_READ)
    stmt = select(SelfAssessment).where(
        scope_filter(vis, SelfAssessment.unit_id, [SelfAssessment.created_by], ctx.caller.id)
    )
    for column, value in (
        (SelfAssessment.unit_id, f.unit_id),
        (SelfAssessment.method, f.method.value if f.method else None),
        (SelfAssessment.status, f.status.value if f.status else None),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    return await keyset_page(ctx.session, stmt, [SelfAssessment.id], page)
