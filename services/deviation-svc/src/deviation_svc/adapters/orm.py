"""deviation-svc's tables: deviations with their investigation, decisions, IVO anmälan, actions and
attachments; complaints; förbättringsförslag; data breaches; encrypted subject refs; deadlines, audit,
idempotency."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from platform_shared.audit import attach_audit_table
from platform_shared.db import JsonDocument, UtcDateTime, make_metadata
from platform_shared.deadlines.store import attach_deadline_tables
from platform_shared.idempotency import attach_idempotency_table
from platform_shared.messaging.tables import attach_messaging_tables
from platform_shared.orgreplica.tables import attach_replica_tables
from platform_shared.references import attach_reference_counter


class Base(DeclarativeBase):
    metadata = make_metadata()


class Deviation(Base):
    __tablename__ = "deviation"
    __table_args__ = (
        UniqueConstraint("source_system", "source_external_id"),
        Index("ix_deviation_unit_reported", "unit_id", "reported_at", "id"),
        Index("ix_deviation_status_reported", "status", "reported_at", "id"),
        Index("ix_deviation_unit_status_reported", "unit_id", "status", "reported_at", "id"),
        Index("ix_deviation_reported", "reported_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[uuid.UUID] = mapped_column()
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(100))
    # org-svc documents (rutiner) not followed or missing; each becomes a revision proposal on it
    document_ids: Mapped[list[Any] | None] = mapped_column(JsonDocument(), default=list)
    reporter_id: Mapped[uuid.UUID] = mapped_column(index=True)
    source_system: Mapped[str | None] = mapped_column(String(100))
    source_external_id: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)
    # reported
    discovered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    discovered_how: Mapped[str | None] = mapped_column(Text)
    probability: Mapped[int | None] = mapped_column(Integer)
    severity: Mapped[int | None] = mapped_column(Integer)
    complaint_id: Mapped[uuid.UUID | None] = mapped_column()
    # received
    immediate_measures: Mapped[str | None] = mapped_column(Text)
    immediate_measures_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    no_immediate_measures_needed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    received_by: Mapped[uuid.UUID | None] = mapped_column()
    # investigation
    investigator_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    investigation_method: Mapped[str | None] = mapped_column(String(30))
    investigation_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    investigation_completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    investigation_conclusion: Mapped[str | None] = mapped_column(Text)
    proposed_degree: Mapped[str | None] = mapped_column(String(40))
    analysis_team: Mapped[str | None] = mapped_column(Text)
    individual_involvement: Mapped[str | None] = mapped_column(Text)
    # decision (the latest revision; all revisions in deviation_decision)
    degree: Mapped[str | None] = mapped_column(String(40))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    no_actions_motivation: Mapped[str | None] = mapped_column(Text)
    # information and documentation (HSL checklist, IVO form)
    individual_informed: Mapped[bool | None] = mapped_column(Boolean)
    representative_informed: Mapped[bool | None] = mapped_column(Boolean)
    documented_in_record: Mapped[bool | None] = mapped_column(Boolean)
    documentation_motivation: Mapped[str | None] = mapped_column(Text)
    police_reported: Mapped[bool | None] = mapped_column(Boolean)
    patient_informed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    patient_view_given: Mapped[bool | None] = mapped_column(Boolean)
    # end
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_by: Mapped[uuid.UUID | None] = mapped_column()
    close_motivation: Mapped[str | None] = mapped_column(Text)
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    voided_by: Mapped[uuid.UUID | None] = mapped_column()
    void_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __mapper_args__ = {"version_id_col": version}


class Decision(Base):
    """Every decision on a deviation, revisions included (a reopened case is decided again)."""

    __tablename__ = "deviation_decision"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    deviation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deviation.id"), index=True)
    degree: Mapped[str] = mapped_column(String(40))
    ivo_required: Mapped[bool] = mapped_column(Boolean)
    motivation: Mapped[str] = mapped_column(Text)
    no_actions_motivation: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[uuid.UUID] = mapped_column()
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InvestigationEntry(Base):
    __tablename__ = "investigation_entry"
    __table_args__ = (Index("ix_investigation_entry_deviation", "deviation_id", "created_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    deviation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deviation.id"))
    section: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20))  # fact | assessment
    entry_date: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    cause_area: Mapped[str | None] = mapped_column(String(40))
    author_id: Mapped[uuid.UUID] = mapped_column()
    author_name: Mapped[str] = mapped_column(String(300))
    author_title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IvoNotification(Base):
    __tablename__ = "ivo_notification"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    deviation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deviation.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    degree: Mapped[str] = mapped_column(String(40))
    rationale: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[uuid.UUID] = mapped_column()
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_recorded_by: Mapped[uuid.UUID | None] = mapped_column()
    channel: Mapped[str | None] = mapped_column(String(20))
    ivo_case_number: Mapped[str | None] = mapped_column(String(100))
    investigation_attached: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    investigation_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    namnd_informed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # the anmälan as it was sent (a PDF among the case's attachments), kept when it is marked sent
    document_attachment_id: Mapped[uuid.UUID | None] = mapped_column()


class DeviationAction(Base):
    __tablename__ = "deviation_action"
    __table_args__ = (
        Index("ix_deviation_action_deviation", "deviation_id", "created_at", "id"),
        Index("ix_deviation_action_responsible", "responsible_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    deviation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deviation.id"))
    description: Mapped[str] = mapped_column(Text)
    goal: Mapped[str | None] = mapped_column(Text)
    cause_area: Mapped[str | None] = mapped_column(String(40))
    horizon: Mapped[str] = mapped_column(String(10))
    responsible_id: Mapped[uuid.UUID | None] = mapped_column()
    planned_start: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[uuid.UUID] = mapped_column()
    planned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    executed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    followed_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    effect: Mapped[str | None] = mapped_column(Text)
    effective: Mapped[bool | None] = mapped_column(Boolean)
    rejected_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    revises_document_id: Mapped[uuid.UUID | None] = mapped_column()  # an org-svc document to revise
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Reclassification(Base):
    __tablename__ = "deviation_reclassification"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    deviation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deviation.id"), index=True)
    from_type: Mapped[str] = mapped_column(String(20))
    to_type: Mapped[str] = mapped_column(String(20))
    motivation: Mapped[str] = mapped_column(Text)
    reclassified_by: Mapped[uuid.UUID] = mapped_column()
    reclassified_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SubjectRef(Base):
    """A brukare or patient: a pseudonymous id; name and personnummer encrypted (FieldCipher), the
    personnummer also as a keyed hash for look-up."""

    __tablename__ = "subject_ref"
    __table_args__ = (Index("ix_subject_ref_owner", "owner_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(20))  # deviation | complaint
    owner_id: Mapped[uuid.UUID] = mapped_column()
    name_enc: Mapped[str | None] = mapped_column(Text)
    personnummer_enc: Mapped[str | None] = mapped_column(Text)
    personnummer_index: Mapped[str | None] = mapped_column(String(64), index=True)
    protected_identity: Mapped[bool] = mapped_column(Boolean, default=False)
    insats_enc: Mapped[str | None] = mapped_column(Text)  # the insats the person had, when recorded
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[uuid.UUID] = mapped_column()


class Attachment(Base):
    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_deviation", "deviation_id", "uploaded_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    deviation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deviation.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[uuid.UUID] = mapped_column()
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Complaint(Base):
    __tablename__ = "complaint"
    __table_args__ = (
        Index("ix_complaint_unit_received", "unit_id", "received_at", "id"),
        Index("ix_complaint_status_received", "status", "received_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(30))
    complainant_type: Mapped[str] = mapped_column(String(30))
    unit_id: Mapped[uuid.UUID] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    registered_by: Mapped[uuid.UUID] = mapped_column(index=True)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    response_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    investigation_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    response: Mapped[str | None] = mapped_column(Text)
    escalated_deviation_id: Mapped[uuid.UUID | None] = mapped_column()
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # A complaint of kind forbattringsforslag that became a proposal (same id); lists of complaints skip it
    moved_to_proposal_id: Mapped[uuid.UUID | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class ComplaintGuarantee(Base):
    """A värdighetsgaranti the complaint names as not kept."""

    __tablename__ = "complaint_guarantee"
    __table_args__ = (Index("ix_complaint_guarantee_guarantee", "guarantee_id"),)

    complaint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("complaint.id"), primary_key=True)
    guarantee_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class ImprovementProposal(Base):
    """A förbättringsförslag (domain/proposals.py). `proposer_id` is kept even when anonymous, so the
    proposer can follow it; the unit is not shown who it is."""

    __tablename__ = "improvement_proposal"
    __table_args__ = (
        Index("ix_improvement_proposal_unit_status", "unit_id", "status", "submitted_at", "id"),
        Index("ix_improvement_proposal_proposer", "proposer_id", "submitted_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()  # whose chef assesses it now
    origin_unit_id: Mapped[uuid.UUID] = mapped_column()  # where it was submitted
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    proposer_id: Mapped[uuid.UUID | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(20))  # action | rutin_revision
    motivation: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[uuid.UUID | None] = mapped_column()  # the rutin proposed for revision
    revision: Mapped[str | None] = mapped_column(Text)
    action_id: Mapped[uuid.UUID | None] = mapped_column()
    assessed_by: Mapped[uuid.UUID | None] = mapped_column()
    assessed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    moved_from_complaint: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When ImprovementProposalSubmitted was published; NULL for a moved complaint until the service has
    # announced it (and ComplaintMovedToProposal) once.
    announced_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class ImprovementProposalStep(Base):
    """What happened to a proposal, in order: what its proposer sees."""

    __tablename__ = "improvement_proposal_step"
    __table_args__ = (Index("ix_improvement_proposal_step_proposal", "proposal_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("improvement_proposal.id"))
    step: Mapped[str] = mapped_column(String(20))  # submitted | forwarded | accepted | rejected | moved
    to_status: Mapped[str] = mapped_column(String(20))
    from_unit_id: Mapped[uuid.UUID | None] = mapped_column()
    to_unit_id: Mapped[uuid.UUID | None] = mapped_column()
    by: Mapped[uuid.UUID | None] = mapped_column()
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class ImprovementAction(Base):
    """The action an accepted proposal leads to; followed up like a deviation's actions."""

    __tablename__ = "improvement_action"
    __table_args__ = (
        Index("ix_improvement_action_proposal", "proposal_id"),
        Index("ix_improvement_action_responsible", "responsible_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("improvement_proposal.id"))
    description: Mapped[str] = mapped_column(Text)
    responsible_id: Mapped[uuid.UUID] = mapped_column()
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))  # planned | done | followed_up (domain.actions)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[uuid.UUID] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    followed_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    effect: Mapped[str | None] = mapped_column(Text)
    effective: Mapped[bool | None] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class DataBreach(Base):
    __tablename__ = "data_breach"
    __table_args__ = (
        Index("ix_data_breach_unit_reported", "unit_id", "reported_at", "id"),
        Index("ix_data_breach_status_reported", "status", "reported_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()
    status: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    discovered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    description: Mapped[str] = mapped_column(Text)
    cause: Mapped[str | None] = mapped_column(Text)
    data_categories: Mapped[list[Any]] = mapped_column(JsonDocument(), default=list)
    subject_groups: Mapped[list[Any]] = mapped_column(JsonDocument(), default=list)
    approx_subjects: Mapped[int | None] = mapped_column(Integer)
    approx_records: Mapped[int | None] = mapped_column(Integer)
    likely_consequences: Mapped[str | None] = mapped_column(Text)
    measures: Mapped[str | None] = mapped_column(Text)
    dpo_consulted: Mapped[bool | None] = mapped_column(Boolean)
    risk: Mapped[str | None] = mapped_column(String(20))
    risk_motivation: Mapped[str | None] = mapped_column(Text)
    imy_required: Mapped[bool | None] = mapped_column(Boolean)
    imy_due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    imy_reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    imy_ref: Mapped[str | None] = mapped_column(String(100))
    subjects_informed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    subjects_not_informed_reason: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[uuid.UUID] = mapped_column(index=True)
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    assessed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    remedied_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


messaging = attach_messaging_tables(Base.metadata)
replica = attach_replica_tables(Base.metadata)
reference_counter = attach_reference_counter(Base.metadata)
deadline_tables = attach_deadline_tables(Base.metadata)
audit_log = attach_audit_table(Base.metadata)
idempotency = attach_idempotency_table(Base.metadata)
# The outbox is the service's event log: a case's timeline is read from it by aggregate key.
Index("ix_outbox_message_key", messaging.outbox.c.key, messaging.outbox.c.seq)
