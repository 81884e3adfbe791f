from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from platform_shared.access import Action
from platform_shared.api.deps import AuthorizerDep, CurrentPrincipal, DirectoryDep, SessionDep
from platform_shared.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from platform_shared.errors import PROBLEM_RESPONSES, FieldError, Forbidden, ValidationFailed
from reporting_svc.entrypoints.api.schemas import DeviationSummaryRead, NotificationPage, NotificationRead
from reporting_svc.service_layer import queries

reports_router = APIRouter(prefix="/api/v1/reports", tags=["reports"], responses=PROBLEM_RESPONSES)
notifications_router = APIRouter(
    prefix="/api/v1/notifications", tags=["notifications"], responses=PROBLEM_RESPONSES
)


@reports_router.get(
    "/deviations/summary",
    summary="Deviations reported in a period, per type and per unit (unit_id includes its subtree)",
)
async def deviation_summary(
    first: Annotated[date, Query(alias="from", description="First day, inclusive (Europe/Stockholm)")],
    last: Annotated[date, Query(alias="to", description="Last day, inclusive (Europe/Stockholm)")],
    principal: CurrentPrincipal,
    directory: DirectoryDep,
    authz: AuthorizerDep,
    session: SessionDep,
    unit_id: Annotated[uuid.UUID | None, Query(description="Count this unit and its subtree")] = None,
) -> DeviationSummaryRead:
    if not principal.may(Action.STATS_READ):
        raise Forbidden("Din roll ger inte behörighet att läsa statistik")
    units: set[uuid.UUID] | None
    if unit_id is not None:
        if not await directory.unit_exists(unit_id):
            raise ValidationFailed("Unknown unit", errors=[FieldError("unit_id", "no such org unit")])
        if not await authz.can_aggregate(principal, Action.STATS_READ, unit_id):
            raise Forbidden("Din roll ger inte behörighet att läsa statistik för denna enhet")
        units = set(await directory.subtree(unit_id))
    else:
        units = await authz.aggregate_units(principal, Action.STATS_READ)
    summary = await queries.deviation_summary(
        session, queries.DeviationSummaryQuery(first=first, last=last, unit_ids=units)
    )
    return DeviationSummaryRead(
        total=summary.total,
        by_type=summary.by_type,
        by_unit={str(k): v for k, v in summary.by_unit.items()},
    )


@notifications_router.get("", summary="The caller's notifications, newest first")
async def list_notifications(
    principal: CurrentPrincipal,
    session: SessionDep,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> NotificationPage:
    rows, next_cursor = await queries.notifications_of(session, principal.person_id, cursor, limit)
    return NotificationPage(items=[NotificationRead.model_validate(r) for r in rows], next_cursor=next_cursor)
