from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from org_svc.adapters.search import FTS_SHADOW_TABLES, FTS_TABLE, SEARCH_INDEX, SEARCH_VECTOR
from platform_shared.db import JsonType, UtcDateTime, make_metadata
from platform_shared.deadlines.store import attach_deadline_tables
from platform_shared.idempotency import attach_idempotency_table
from platform_shared.messaging.tables import attach_messaging_tables
from platform_shared.migrations import dialect_specific
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


# --- the ledningssystem: documents under document control, the process map, the information duty ---


class Document(Base):
    """A governing document (policy, riktlinje, process, rutin …): what stays the same across its
    versions. Its review state hangs here: the next review date follows from the interval."""

    __tablename__ = "document"
    __table_args__ = (
        Index("ix_document_owner", "owner_unit_id", "owner_role"),
        Index("ix_document_review", "status", "next_review_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))  # the version in force's, else the latest draft's
    principal: Mapped[bool] = mapped_column(default=False)  # av principiell vikt: the nämnd adopts it
    owner_role: Mapped[str] = mapped_column(String(40))
    owner_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.id"))
    owner_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("person.id"))
    legal_basis: Mapped[list[str]] = mapped_column(
        JsonType(), default=list
    )  # e.g. "SOSFS 2011:9", "SoL 27 kap."
    review_interval_months: Mapped[int] = mapped_column(default=12)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)
    current_version_id: Mapped[uuid.UUID | None] = mapped_column()  # the published version
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | withdrawn
    created_by: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: Any = {"version_id_col": version}


class DocumentUnit(Base):
    """A unit the document applies to, with its subtree."""

    __tablename__ = "document_unit"

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.id"), primary_key=True, index=True)


class DocumentVersion(Base):
    """One version, kept and readable for good. On PostgreSQL the migration adds `search_vector`, a
    generated tsvector over title, purpose and body (adapters/search.py); on SQLite the FTS5 table
    `document_search` holds the same text stemmed."""

    __tablename__ = "document_version"
    __table_args__ = (
        UniqueConstraint("document_id", "number"),
        Index("ix_document_version_status", "status", "document_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"))
    number: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)  # Markdown
    change_summary: Mapped[str | None] = mapped_column(Text)
    minor_revision: Mapped[bool] = mapped_column(default=False)
    decision: Mapped[dict[str, Any] | None] = mapped_column(JsonType())  # platform_shared.decisions.Decision
    decided_on: Mapped[date | None] = mapped_column(Date)
    valid_from: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    superseded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    superseded_by_id: Mapped[uuid.UUID | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: Any = {"version_id_col": version}


class DocumentAttachment(Base):
    """A file that is part of a version's body (a form, a flow chart); the bytes live in file storage."""

    __tablename__ = "document_attachment"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document_version.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column()
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ProcessNode(Base):
    """The process map: a process (huvud-, stöd- or ledningsprocess) with sub-processes and activities
    in their order. Retired, never deleted."""

    __tablename__ = "process_node"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("process_node.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # process | subprocess | activity
    process_type: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=1)
    owner_role: Mapped[str | None] = mapped_column(String(40))  # processägare per level (seed 003 §4)
    owner_unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_unit.id"))
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: Any = {"version_id_col": version}


class DocumentProcessLink(Base):
    """Where a document belongs in the process map (a rutin to an activity; several places allowed)."""

    __tablename__ = "document_process_link"

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), primary_key=True)
    node_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("process_node.id"), primary_key=True, index=True)


class DocumentReview(Base):
    """A review of the version in force: confirmed ("granskad utan ändring") or revised."""

    __tablename__ = "document_review"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"), index=True)
    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document_version.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    reviewed_on: Mapped[date] = mapped_column(Date)
    reviewed_by: Mapped[uuid.UUID] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    next_review_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RevisionProposal(Base):
    """A proposal to revise a document, from a deviation, an action, a risk or a person; one per source."""

    __tablename__ = "revision_proposal"
    __table_args__ = (
        UniqueConstraint("document_id", "source", "source_id"),
        Index("ix_revision_proposal_document_status", "document_id", "status"),
        Index("ix_revision_proposal_source", "source", "source_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"))
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[uuid.UUID] = mapped_column()
    source_reference: Mapped[str | None] = mapped_column(String(40))
    proposed_by: Mapped[uuid.UUID | None] = mapped_column()
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(20))
    motivation: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[uuid.UUID | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    version_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("document_version.id")
    )  # the one that took it in
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: Any = {"version_id_col": version}


class DocumentAuthorityRule(Base):
    """The tenant's rule for who adopts documents: `kind` '*' for every kind; `scope` a Scope value,
    or 'minor_revision' for who may decide a smaller revision of a nämnd document. No row: the default."""

    __tablename__ = "document_authority_rule"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    deciders: Mapped[list[str]] = mapped_column(JsonType())
    updated_by: Mapped[uuid.UUID | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


# Review deadlines of documents (rule document_review), emitted once each by the shared scheduler.
deadlines = attach_deadline_tables(Base.metadata)


class InformationItemRow(Base):
    """What staff must be told (tenant data; the defaults are in domain/information.py)."""

    __tablename__ = "information_item"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    trigger: Mapped[str] = mapped_column(String(20))  # role_start | publication
    due_days: Mapped[int] = mapped_column()
    repeat_months: Mapped[int | None] = mapped_column()
    regimes: Mapped[list[str] | None] = mapped_column(JsonType())  # lex_sarah, lex_maria; null: every unit
    roles: Mapped[list[str]] = mapped_column(JsonType())
    document_kinds: Mapped[list[str]] = mapped_column(JsonType(), default=list)
    self_acknowledge: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: Any = {"version_id_col": version}


class InformationDue(Base):
    """An item due for a person at a unit, from a new role, a yearly repeat or a published version."""

    __tablename__ = "information_due"
    __table_args__ = (
        Index("ix_information_due_unit", "unit_id", "item_id", "met_on"),
        Index("ix_information_due_person", "person_id", "met_on"),
        Index("ix_information_due_open", "met_on", "cancelled_on", "due_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("information_item.id"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.id"))
    role: Mapped[str | None] = mapped_column(String(40))
    assignment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("role_assignment.id"))
    document_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("document_version.id"))
    reason: Mapped[str] = mapped_column(String(20))  # role_start | repeat | publication
    opened_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    met_on: Mapped[date | None] = mapped_column(Date)
    record_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("information_record.id"))
    cancelled_on: Mapped[date | None] = mapped_column(Date)  # the role ended before it was met
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InformationRecord(Base):
    """Information given: individually, to a group at an arbetsplatsträff, or acknowledged by the person."""

    __tablename__ = "information_record"
    __table_args__ = (Index("ix_information_record_unit", "unit_id", "given_on"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("information_item.id"))
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.id"))
    method: Mapped[str] = mapped_column(String(20))
    given_on: Mapped[date] = mapped_column(Date)
    given_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    occasion: Mapped[str | None] = mapped_column(String(200))
    document_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("document_version.id"))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InformationRecordParticipant(Base):
    __tablename__ = "information_record_participant"

    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("information_record.id"), primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)


# Search is made by hand per database in the migration (adapters/search.py): autogenerate leaves it.
dialect_specific(
    Base.metadata,
    tables=(FTS_TABLE, *FTS_SHADOW_TABLES),
    columns=(f"document_version.{SEARCH_VECTOR}",),
    indexes=(SEARCH_INDEX,),
)

messaging = attach_messaging_tables(Base.metadata)
replica = attach_replica_tables(Base.metadata)
idempotency = attach_idempotency_table(Base.metadata)
