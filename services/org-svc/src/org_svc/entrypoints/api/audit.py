"""The audit log: who read or changed which object holding personal data, from every service."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from org_svc.entrypoints.api.common import moment
from org_svc.entrypoints.api.deps import Query as QueryCtx
from org_svc.entrypoints.api.schemas import AuditRecordRead
from org_svc.service_layer.audit_log import queries
from platform_shared.api.pagination import Page, PageDep
from platform_shared.api.types import Instant

router = APIRouter()


@router.get(
    "/audit",
    summary="Audit records in time order (systemadministrator, kvalitetsledare), by person, object, time",
)
async def list_audit(
    ctx: QueryCtx,
    page: PageDep,
    person_id: Annotated[uuid.UUID | None, Query(description="The acting person or system client")] = None,
    object_id: uuid.UUID | None = None,
    from_: Annotated[
        Instant | None, Query(alias="from", description="Inclusive; without offset: Swedish local time")
    ] = None,
    to: Annotated[Instant | None, Query(description="Exclusive; without offset: Swedish local time")] = None,
) -> Page[AuditRecordRead]:
    found = queries.AuditFilter(person_id, object_id, moment(from_), moment(to))
    rows, next_cursor = await queries.records(ctx, found, page)
    return Page[AuditRecordRead](
        items=[AuditRecordRead.model_validate(r) for r in rows], next_cursor=next_cursor
    )
