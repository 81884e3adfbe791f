from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from platform_shared.db import JsonType, UtcDateTime, make_metadata
from platform_shared.messaging.tables import attach_messaging_tables
from platform_shared.orgreplica.tables import attach_replica_tables


class Base(DeclarativeBase):
    metadata = make_metadata()


class OrgUnit(Base):
    __tablename__ = "org_unit"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    code: Mapped[str | None] = mapped_column(String(100), unique=True)
    level: Mapped[str] = mapped_column(String(40))
    laws: Mapped[list[str]] = mapped_column(JsonType())
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # How the unit is run now (its history is in org_unit_change, kind regi_changed)
    regi: Mapped[str] = mapped_column(String(20), default="egen", server_default="egen")
    procurement_form: Mapped[str | None] = mapped_column(String(10))  # lou | lov
    provider_name: Mapped[str | None] = mapped_column(String(300))
    organisationsnummer: Mapped[str | None] = mapped_column(String(11))
    contract_reference: Mapped[str | None] = mapped_column(String(100))
    contract_from: Mapped[date | None] = mapped_column(Date)
    contract_to: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: Any = {"version_id_col": version}


class OrgUnitChange(Base):
    """Append-only history of a unit: what changed and from when (the replica keeps parents only)."""

    __tablename__ = "org_unit_change"
    __table_args__ = (Index("ix_org_unit_change_unit_effective", "unit_id", "effective_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.id"))
    kind: Mapped[str] = mapped_column(String(20))
    effective_at: Mapped[datetime] = mapped_column(UtcDateTime())
    name: Mapped[str | None] = mapped_column(String(300))
    parent_id: Mapped[uuid.UUID | None] = mapped_column()
    laws: Mapped[list[str] | None] = mapped_column(JsonType())
    # kind regi_changed (and created): regi and, for privat, the provider and its contract
    regi: Mapped[str | None] = mapped_column(String(20))
    procurement_form: Mapped[str | None] = mapped_column(String(10))
    provider_name: Mapped[str | None] = mapped_column(String(300))
    organisationsnummer: Mapped[str | None] = mapped_column(String(11))
    contract_reference: Mapped[str | None] = mapped_column(String(100))
    contract_from: Mapped[date | None] = mapped_column(Date)
    contract_to: Mapped[date | None] = mapped_column(Date)
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Person(Base):
    __tablename__ = "person"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(300), unique=True)
    email: Mapped[str] = mapped_column(String(300), index=True)
    name: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: Any = {"version_id_col": version}


class RoleAssignment(Base):
    __tablename__ = "role_assignment"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.id"), index=True)
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime())
    acting: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__: Any = {"version_id_col": version}


class Delegation(Base):
    """A decision type delegated (delegationsordning) from the role owning it to a person or a role."""

    __tablename__ = "delegation"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    decision_type: Mapped[str] = mapped_column(String(60))
    from_role: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.id"), index=True)
    to_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"), index=True)
    to_role: Mapped[str | None] = mapped_column(String(40))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reference: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: Any = {"version_id_col": version}


class SystemClient(Base):
    """An integration (Lifecare, Treserva, an app backend) with its token subject and its scope."""

    __tablename__ = "system_client"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300), unique=True)
    unit_ids: Mapped[list[str]] = mapped_column(JsonType())
    operations: Mapped[list[str]] = mapped_column(JsonType())
    active: Mapped[bool] = mapped_column(default=True)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: Any = {"version_id_col": version}


class AuditRecord(Base):
    """The one append-only audit store: every AuditRecorded event from every service, stored once.
    No code path updates or deletes a row; the database refuses it too (a trigger, see migrations)."""

    __tablename__ = "audit_record"
    __table_args__ = (
        Index("ix_audit_record_at", "at", "audit_id"),
        Index("ix_audit_record_object", "object_id", "at", "audit_id"),
        Index("ix_audit_record_actor", "actor_id", "at", "audit_id"),
        Index("ix_audit_record_client", "client_id", "at", "audit_id"),
    )

    audit_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    service: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    client_id: Mapped[uuid.UUID | None] = mapped_column()
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[uuid.UUID] = mapped_column()
    action: Mapped[str] = mapped_column(String(60))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    event_id: Mapped[uuid.UUID] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


messaging = attach_messaging_tables(Base.metadata)
replica = attach_replica_tables(Base.metadata)
