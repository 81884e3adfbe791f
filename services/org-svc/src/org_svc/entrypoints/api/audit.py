"""The audit log: who read or changed which object holding personal data, from every service."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import and_, or_, select

from org_svc.adapters.orm import AuditRecord
from org_svc.entrypoints.api.common import Limit, moment, require_may
from org_svc.entrypoints.api.schemas import AuditRecordRead
from platform_shared.access import Action
from platform_shared.api.deps import CurrentPrincipal, SessionDep
from platform_shared.api.pagination import DEFAULT_LIMIT, Page, decode_cursor, encode_cursor
from platform_shared.api.types import Instant

router = APIRouter()


@router.get(
    "/audit",
    summary="Audit records in time order (systemadministrator, kvalitetsledare), by person, object, time",
)
async def list_audit(
    principal: CurrentPrincipal,
    session: SessionDep,
    person_id: Annotated[uuid.UUID | None, Query(description="The acting person or system client")] = None,
    object_id: uuid.UUID | None = None,
    from_: Annotated[
        Instant | None, Query(alias="from", description="Inclusive; without offset: Swedish local time")
    ] = None,
    to: Annotated[Instant | None, Query(description="Exclusive; without offset: Swedish local time")] = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[AuditRecordRead]:
    require_may(
        principal, Action.AUDIT_READ, "Only a systemadministrator or kvalitetsledare reads the audit log"
    )
    a = AuditRecord
    stmt = select(a)
    if person_id is not None:
        stmt = stmt.where(or_(a.actor_id == person_id, a.client_id == person_id))
    if object_id is not None:
        stmt = stmt.where(a.object_id == object_id)
    if (start := moment(from_)) is not None:
        stmt = stmt.where(a.at >= start)
    if (end := moment(to)) is not None:
        stmt = stmt.where(a.at < end)
    if cursor:
        last_at, last_id = decode_cursor(cursor, 2)
        after = datetime.fromisoformat(last_at)
        stmt = stmt.where(or_(a.at > after, and_(a.at == after, a.audit_id > uuid.UUID(last_id))))
    rows = list((await session.scalars(stmt.order_by(a.at, a.audit_id).limit(limit + 1))).all())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].at.isoformat(), rows[-1].audit_id)
    return Page[AuditRecordRead](
        items=[AuditRecordRead.model_validate(r) for r in rows], next_cursor=next_cursor
    )
