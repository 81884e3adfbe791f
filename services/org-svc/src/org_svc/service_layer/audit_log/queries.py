"""Reading the audit log: records in time order, by person, object and time."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from org_svc.adapters.orm import AuditRecord
from org_svc.service_layer.access import AUDIT, require_grant
from org_svc.service_layer.context import QueryCtx
from platform_shared.access import Action
from platform_shared.pagination import PageRequest, keyset_page


@dataclass(frozen=True)
class AuditFilter:
    person_id: uuid.UUID | None = None  # the acting person or system client
    object_id: uuid.UUID | None = None
    start: datetime | None = None  # inclusive
    end: datetime | None = None  # exclusive


async def records(ctx: QueryCtx, f: AuditFilter, page: PageRequest) -> tuple[list[AuditRecord], str | None]:
    require_grant(ctx, Action.AUDIT_READ, AUDIT)
    a = AuditRecord
    stmt = select(a)
    if f.person_id is not None:
        stmt = stmt.where(or_(a.actor_id == f.person_id, a.client_id == f.person_id))
    if f.object_id is not None:
        stmt = stmt.where(a.object_id == f.object_id)
    if f.start is not None:
        stmt = stmt.where(a.at >= f.start)
    if f.end is not None:
        stmt = stmt.where(a.at < f.end)
    return await keyset_page(ctx.session, stmt, [a.at, a.audit_id], page)
