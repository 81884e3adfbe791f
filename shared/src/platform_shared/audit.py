"""Audit of personal data: every read or change of an object holding data about a brukare.

Each service writes its audit rows into its own database in the same transaction as what they record,
and ships them through its outbox (AuditRecorded) to the one append-only audit store in org-svc.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Column, Index, MetaData, String, Table, Uuid

from platform_shared.access import Principal
from platform_shared.contracts.common import AuditRecorded
from platform_shared.db import UtcDateTime
from platform_shared.ids import new_id
from platform_shared.messaging.unit_of_work import UnitOfWork


def attach_audit_table(metadata: MetaData) -> Table:
    return Table(
        "audit_log",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("actor_id", Uuid, nullable=True),
        Column("client_id", Uuid, nullable=True),
        Column("object_type", String(40), nullable=False),
        Column("object_id", Uuid, nullable=False),
        Column("action", String(60), nullable=False),
        Column("at", UtcDateTime(), nullable=False),
        Index("ix_audit_log_object", "object_id", "at"),
    )


class Auditor:
    def __init__(self, table: Table, service: str) -> None:
        self._table = table
        self._insert = table.insert()  # built once: executed with each row's values
        self._service = service

    async def record(
        self,
        uow: UnitOfWork,
        principal: Principal | None,
        object_type: str,
        object_id: uuid.UUID,
        action: str,
    ) -> None:
        """Write the row and its event in the UnitOfWork's transaction; the caller commits."""
        audit_id = new_id()
        at = uow.clock()
        actor_id = None if principal is None or principal.is_client else principal.person_id
        client_id = principal.person_id if principal is not None and principal.is_client else None
        await uow.session.execute(
            self._insert,
            {
                "id": audit_id,
                "actor_id": actor_id,
                "client_id": client_id,
                "object_type": object_type,
                "object_id": object_id,
                "action": action,
                "at": at,
            },
        )
        uow.emit(
            AuditRecorded(
                audit_id=audit_id,
                service=self._service,
                actor_id=actor_id,
                client_id=client_id,
                object_type=object_type,
                object_id=object_id,
                action=action,
                at=at,
            )
        )
