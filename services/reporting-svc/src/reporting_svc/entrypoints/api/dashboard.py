"""/api/v1/dashboard: the key figures an operations dashboard shows."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter
from fastapi import Query as Param

from platform_shared.api.problems import PROBLEM_RESPONSES
from reporting_svc.entrypoints.api.deps import Query
from reporting_svc.entrypoints.api.schemas import DashboardRead
from reporting_svc.service_layer.stats import queries

router = APIRouter(prefix="/api/v1/dashboard", tags=["dashboard"], responses=PROBLEM_RESPONSES)


@router.get("", summary="Open cases by status, overdue deadlines, this tertial against the last, IVO, lag")
async def dashboard(
    ctx: Query,
    unit_id: Annotated[uuid.UUID | None, Param(description="This unit and its subtree")] = None,
) -> DashboardRead:
    return DashboardRead.model_validate(await queries.dashboard(ctx, unit_id))
