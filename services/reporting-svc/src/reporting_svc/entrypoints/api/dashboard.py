"""/api/v1/dashboard: the key figures an operations dashboard shows."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.timeutil import local_date
from reporting_svc.domain.suppression import is_small, suppress_counts, unsuppressed
from reporting_svc.entrypoints.api.deps import ContextDep
from reporting_svc.entrypoints.api.schemas import ConsumerLagRead, DashboardRead, PeriodFigures
from reporting_svc.service_layer.dashboard import PeriodCounts, consumer_lags, figures

router = APIRouter(prefix="/api/v1/dashboard", tags=["dashboard"], responses=PROBLEM_RESPONSES)


@router.get("", summary="Open cases by status, overdue deadlines, this tertial against the last, IVO, lag")
async def dashboard(
    ctx: ContextDep,
    unit_id: Annotated[uuid.UUID | None, Query(description="This unit and its subtree")] = None,
) -> DashboardRead:
    scope = await ctx.scope(unit_id)
    threshold = (await ctx.tenant()).suppression_threshold
    found = await figures(ctx.session, ctx.runtime.replica, scope.roots, local_date(ctx.runtime.clock()))

    def one(n: int) -> int | None:
        return None if scope.suppress and is_small(n, threshold) else n

    def period(p: PeriodCounts) -> PeriodFigures:
        return PeriodFigures(
            label=p.label,
            first=p.first,
            last=p.last,
            deviations=one(p.counts["deviations"]),
            complaints=one(p.counts["complaints"]),
            data_breaches=one(p.counts["data_breaches"]),
            ivo_notifications=one(p.counts["ivo_notifications"]),
        )

    statuses = sorted(found.open_by_status)
    column = [[found.open_by_status[s]] for s in statuses]
    shown = suppress_counts(column, threshold) if scope.suppress and column else unsuppressed(column)
    return DashboardRead(
        unit_id=unit_id,
        suppressed=scope.suppress,
        open_deviations_by_status={s: shown.values[i][0] for i, s in enumerate(statuses)},
        open_complaints=one(found.open_complaints),
        overdue_deadlines=one(found.overdue_deadlines),
        this_tertial=period(found.this_tertial),
        last_tertial=period(found.last_tertial),
        ivo_anmalningar_this_year=one(found.ivo_sent_this_year),
        ivo_anmalningar_awaiting=one(found.ivo_awaiting),
        consumer_lag=[
            ConsumerLagRead(consumer=c.consumer, lag_seconds=c.lag_seconds, processed_total=c.processed_total)
            for c in consumer_lags(ctx.runtime.name, ctx.runtime.consumers)
        ],
    )
