"""reporting-svc's tables.

Read models, built only from other services' events (rebuildable, see docs/reporting.md): one fact row
per case, risk, control, deadline, indicator and indicator value, ids and facts only, and
`fact_month_count`, the monthly pre-aggregate of every fact per unit and dimension value. Reporting's
own data: notifications, IVO reminders, e-mails, webhook subscriptions and deliveries, reports, the
tenant's settings, the årshjul (year plans, their activities and calendar feed tokens), and
kvalitetsråd meetings and their protokoll: data people create, never rebuilt.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from platform_shared.db import JsonDocument, UtcDateTime, make_metadata
from platform_shared.deadlines.store import attach_deadline_tables
from platform_shared.idempotency import attach_idempotency_table
from platform_shared.messaging.tables import attach_messaging_tables
from platform_shared.orgreplica.tables import attach_replica_tables


class Base(DeclarativeBase):
    metadata = make_metadata()


Amount = Numeric(20, 4)  # indicator values, targets and gränsvärden: exact decimals (as risk-svc keeps them)


# --- read models ------------------------------------------------------------------------------


class DeviationFact(Base):
    """One row per deviation (avvikelse, lex_sarah, hsl); no description, no personal data."""

    __tablename__ = "deviation_fact"
    __table_args__ = (
        Index("ix_deviation_fact_reported_unit", "reported_at", "unit_id"),
        Index("ix_deviation_fact_unit_reported", "unit_id", "reported_at"),
    )

    deviation_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(40))
    type: Mapped[str | None] = mapped_column(String(20))
    unit_id: Mapped[uuid.UUID] = mapped_column()
    category: Mapped[str | None] = mapped_column(String(100))
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    status: Mapped[str | None] = mapped_column(String(20))
    occurred_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reporter_id: Mapped[uuid.UUID | None] = mapped_column()
    severity: Mapped[int | None] = mapped_column()
    probability: Mapped[int | None] = mapped_column()
    risk_value: Mapped[int | None] = mapped_column()
    degree: Mapped[str | None] = mapped_column(String(60))
    tier: Mapped[str | None] = mapped_column(String(20))
    ivo_required: Mapped[bool | None] = mapped_column()
    complaint_id: Mapped[uuid.UUID | None] = mapped_column()
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    investigation_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    investigation_completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reopened_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DeviationDocumentFact(Base):
    """A rutin (org-svc document) a deviation names as not followed or missing."""

    __tablename__ = "deviation_document_fact"
    __table_args__ = (Index("ix_deviation_document_fact_document", "document_id"),)

    deviation_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    document_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class DocumentFact(Base):
    """org-svc's documents of the ledningssystem, by id: what a statistic per rutin names them."""

    __tablename__ = "document_fact"

    document_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)


class ComplaintFact(Base):
    __tablename__ = "complaint_fact"
    __table_args__ = (Index("ix_complaint_fact_received_unit", "received_at", "unit_id"),)

    complaint_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(40))
    unit_id: Mapped[uuid.UUID] = mapped_column()
    kind: Mapped[str | None] = mapped_column(String(40))
    category: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str | None] = mapped_column(String(30))
    channel: Mapped[str | None] = mapped_column(String(40))
    complainant_type: Mapped[str | None] = mapped_column(String(40))
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    response_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    investigation_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    escalated_deviation_id: Mapped[uuid.UUID | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ProposalFact(Base):
    """A förbättringsförslag, counted for the unit where it was submitted; never who proposed it."""

    __tablename__ = "proposal_fact"
    __table_args__ = (Index("ix_proposal_fact_submitted_unit", "submitted_at", "unit_id"),)

    proposal_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(40))
    unit_id: Mapped[uuid.UUID] = mapped_column()  # where it was submitted
    assessing_unit_id: Mapped[uuid.UUID | None] = mapped_column()  # whose chef has it now
    status: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(20))  # accepted: action | rutin_revision
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    assessed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class BreachFact(Base):
    __tablename__ = "breach_fact"
    __table_args__ = (Index("ix_breach_fact_reported_unit", "reported_at", "unit_id"),)

    breach_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(40))
    unit_id: Mapped[uuid.UUID] = mapped_column()
    status: Mapped[str | None] = mapped_column(String(30))
    risk: Mapped[str | None] = mapped_column(String(30))
    imy_required: Mapped[bool | None] = mapped_column()
    subjects_must_be_informed: Mapped[bool | None] = mapped_column()
    occurred_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    discovered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    imy_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    assessed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    imy_reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    subjects_informed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    remedied_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RiskFact(Base):
    """One row per risk with its latest assessment and state."""

    __tablename__ = "risk_fact"
    __table_args__ = (Index("ix_risk_fact_assessed_unit", "assessed_at", "unit_id"),)

    risk_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()
    probability: Mapped[int | None] = mapped_column()
    consequence: Mapped[int | None] = mapped_column()
    risk_value: Mapped[int | None] = mapped_column()
    assessed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reference: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str | None] = mapped_column(String(40))
    process: Mapped[str | None] = mapped_column(String(200))
    band: Mapped[str | None] = mapped_column(String(20))
    identified_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    registered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    prioritised_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    escalated_to_unit_id: Mapped[uuid.UUID | None] = mapped_column()
    followed_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ControlFact(Base):
    """One performed kontrollmoment of the internkontrollplan."""

    __tablename__ = "control_fact"

    control_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    plan_id: Mapped[uuid.UUID | None] = mapped_column()
    row_id: Mapped[uuid.UUID | None] = mapped_column()
    risk_id: Mapped[uuid.UUID | None] = mapped_column()
    unit_id: Mapped[uuid.UUID] = mapped_column()
    due_date: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(String(30))
    performed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    kind: Mapped[str | None] = mapped_column(String(30))  # internkontroll | avtalsuppfoljning | mas_tillsyn


class ControlFindingFact(Base):
    __tablename__ = "control_finding_fact"

    finding_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    control_id: Mapped[uuid.UUID] = mapped_column()
    unit_id: Mapped[uuid.UUID] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ControlPlanFact(Base):
    __tablename__ = "control_plan_fact"

    plan_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()
    year: Mapped[int | None] = mapped_column()
    decision_reference: Mapped[str | None] = mapped_column(String(100))
    adopted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    row_count: Mapped[int | None] = mapped_column()
    followed_up: Mapped[dict[str, Any]] = mapped_column(
        JsonDocument(), default=dict
    )  # occasion -> at, figures


class SelfAssessmentFact(Base):
    __tablename__ = "self_assessment_fact"

    assessment_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()
    area: Mapped[str | None] = mapped_column(String(100))
    method: Mapped[str | None] = mapped_column(String(60))
    result: Mapped[str | None] = mapped_column(String(30))
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RiskAnalysisFact(Base):
    __tablename__ = "risk_analysis_fact"

    analysis_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()
    trigger: Mapped[str | None] = mapped_column(String(30))
    year: Mapped[int | None] = mapped_column()
    risk_count: Mapped[int | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class IvoFact(Base):
    """An IVO anmälan (lex Sarah / lex Maria): decided, then recorded as sent."""

    __tablename__ = "ivo_fact"

    deviation_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    ivo_notification_id: Mapped[uuid.UUID | None] = mapped_column()
    reference: Mapped[str | None] = mapped_column(String(40))
    unit_id: Mapped[uuid.UUID] = mapped_column()
    kind: Mapped[str | None] = mapped_column(String(20))
    degree: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str | None] = mapped_column(String(20))
    decided_by: Mapped[uuid.UUID | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    investigation_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    namnd_informed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class InformationDueFact(Base):
    """An item a person must be told at a unit (org-svc's information duty): due, met in time or late,
    or cancelled when her role ended first. Ids and facts only."""

    __tablename__ = "information_due_fact"
    __table_args__ = (Index("ix_information_due_fact_due_unit", "due_at", "unit_id"),)

    due_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()
    item_key: Mapped[str | None] = mapped_column(String(60))
    reason: Mapped[str | None] = mapped_column(String(20))
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # the end of the due day
    met_on: Mapped[date | None] = mapped_column(Date)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    cancelled: Mapped[bool | None] = mapped_column(Boolean)
    state: Mapped[str | None] = mapped_column(String(20))


class DeadlineFact(Base):
    """A deadline announced as approaching or missed by the service that owns it."""

    __tablename__ = "deadline_fact"
    __table_args__ = (Index("ix_deadline_fact_object", "object_id"),)

    deadline_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[uuid.UUID] = mapped_column()
    reference: Mapped[str | None] = mapped_column(String(40))
    unit_id: Mapped[uuid.UUID] = mapped_column()
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    responsible_person_id: Mapped[uuid.UUID | None] = mapped_column()
    responsible_role: Mapped[str | None] = mapped_column(String(40))
    approaching_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    missed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    state: Mapped[str | None] = mapped_column(String(20))


class IndicatorFact(Base):
    """An indicator of the styrkort (risk-svc): what it measures, for which goal and unit, its målvärde
    and gränsvärde as they are now, and whether it is still followed up."""

    __tablename__ = "indicator_fact"
    __table_args__ = (Index("ix_indicator_fact_unit", "unit_id"),)

    indicator_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    goal_id: Mapped[uuid.UUID] = mapped_column()
    unit_id: Mapped[uuid.UUID] = mapped_column()
    name: Mapped[str] = mapped_column(String(300))
    unit_of_measure: Mapped[str | None] = mapped_column(String(60))
    target: Mapped[Decimal | None] = mapped_column(Amount)
    threshold: Mapped[Decimal | None] = mapped_column(Amount)  # gränsvärde
    direction: Mapped[str | None] = mapped_column(String(20))
    frequency: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str | None] = mapped_column(String(20))  # entered | computed | imported
    kpi: Mapped[str | None] = mapped_column(String(40))
    municipality: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))  # active | retired
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class IndicatorMeasurementFact(Base):
    """A period's value of an indicator and its status against målvärde and gränsvärde; a later
    measurement of the same period replaces it."""

    __tablename__ = "indicator_measurement_fact"

    indicator_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(20), primary_key=True)  # 2026-03 | 2026-T1 | 2026
    measurement_id: Mapped[uuid.UUID] = mapped_column()
    unit_id: Mapped[uuid.UUID] = mapped_column()
    period_end: Mapped[date | None] = mapped_column(Date)  # the period's last day
    value: Mapped[Decimal] = mapped_column(Amount)
    status: Mapped[str] = mapped_column(String(30))  # over_target | between | under_threshold
    source: Mapped[str | None] = mapped_column(String(20))
    measured_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FactMonthCount(Base):
    """Pre-aggregate: facts of a subject counted in a local month, per unit and dimension value."""

    __tablename__ = "fact_month_count"
    __table_args__ = (Index("ix_fact_month_count_lookup", "subject", "dimension", "month", "unit_id"),)

    subject: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    dimension: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


# --- reporting's own data ---------------------------------------------------------------------


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("event_id", "recipient_id"),
        Index("ix_notification_recipient_created", "recipient_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    recipient_id: Mapped[uuid.UUID] = mapped_column()
    event_id: Mapped[uuid.UUID] = mapped_column()  # the event (or reminder) that caused it
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    deviation_id: Mapped[uuid.UUID | None] = mapped_column()
    reference: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    event_type: Mapped[str | None] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[uuid.UUID | None] = mapped_column()
    unit_id: Mapped[uuid.UUID | None] = mapped_column()


class IvoReminder(Base):
    """A decided IVO anmälan whose decision-maker is reminded until it is recorded as sent."""

    __tablename__ = "ivo_reminder"

    deviation_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    law: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[uuid.UUID] = mapped_column()
    decided_by: Mapped[uuid.UUID | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    next_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    reminders_sent: Mapped[int] = mapped_column(default=0)
    stopped_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class MailMessage(Base):
    """One e-mail per notification, sent by the mail worker (SMTP, or an .eml file in embedded mode)."""

    __tablename__ = "mail_message"
    __table_args__ = (Index("ix_mail_message_due", "sent_at", "failed_at", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    notification_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    to_address: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)


class WebhookSubscription(Base):
    __tablename__ = "webhook_subscription"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str | None] = mapped_column(String(300))
    event_types: Mapped[list[str]] = mapped_column(JsonDocument())
    unit_id: Mapped[uuid.UUID | None] = mapped_column()
    secret: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(default=1)
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __mapper_args__: Any = {"version_id_col": version}


class WebhookDelivery(Base):
    """One event for one subscription; its attempts are the delivery log, a dead one is a dead letter."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        Index("ix_webhook_delivery_subscription", "subscription_id", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    subscription_id: Mapped[uuid.UUID] = mapped_column()
    event_id: Mapped[uuid.UUID] = mapped_column()  # also the webhook-id: receivers deduplicate on it
    event_type: Mapped[str] = mapped_column(String(60))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    # The trace of the event's cause: the webhook call continues it (W3C traceparent header).
    traceparent: Mapped[str | None] = mapped_column(String(55))
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    dead_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class WebhookAttempt(Base):
    __tablename__ = "webhook_attempt"
    __table_args__ = (Index("ix_webhook_attempt_delivery", "delivery_id", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    delivery_id: Mapped[uuid.UUID] = mapped_column()
    attempted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status_code: Mapped[int | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[float] = mapped_column(Float)


class Report(Base):
    """A report for the nämnd: figures from the read models (frozen on adoption) and written analysis."""

    __tablename__ = "report"
    __table_args__ = (Index("ix_report_unit_year", "unit_id", "year", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column()
    tertial: Mapped[int | None] = mapped_column()
    unit_id: Mapped[uuid.UUID] = mapped_column()
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(30))
    sections: Mapped[dict[str, str]] = mapped_column(JsonDocument(), default=dict)
    frozen_figures: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument())
    frozen_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column()
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    adopted_by: Mapped[uuid.UUID | None] = mapped_column()
    adopted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reported_by: Mapped[uuid.UUID | None] = mapped_column()
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The adoption as a recorded decision (platform_shared.decisions.Decision.as_dict()).
    decision: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument())
    # A later adoption for the same type, unit and period replaced this one (kept, marked replaced).
    superseded_by: Mapped[uuid.UUID | None] = mapped_column()
    superseded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __mapper_args__: Any = {"version_id_col": version}


# --- kvalitetsråd: meetings and protokoll (domain/kvalitetsrad.py); written by people ------------


class KvalitetsradMeeting(Base):
    __tablename__ = "kvalitetsrad_meeting"
    __table_args__ = (Index("ix_kvalitetsrad_meeting_unit_on", "unit_id", "meeting_on", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()
    occasion: Mapped[str] = mapped_column(String(10))  # t1 | t2 | vb | vp | extra
    meeting_on: Mapped[date] = mapped_column(Date)
    period_from: Mapped[date] = mapped_column(Date)  # the figures gone through
    period_to: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))  # planned | held | justerat
    participant_ids: Mapped[list[Any]] = mapped_column(JsonDocument(), default=list)
    secretary_id: Mapped[uuid.UUID | None] = mapped_column()  # nedtecknat av
    chef_id: Mapped[uuid.UUID | None] = mapped_column()  # justeras av
    report_id: Mapped[uuid.UUID | None] = mapped_column()  # the kvalitetsrad report printed as underlag
    figures: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument())  # frozen at justering
    held_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    justerat_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    justerat_by: Mapped[uuid.UUID | None] = mapped_column()
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class KvalitetsradItem(Base):
    """An agenda item of a meeting: what was said (notes) and decided."""

    __tablename__ = "kvalitetsrad_item"

    meeting_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)  # kvalitetsrad.AGENDA_KEYS
    position: Mapped[int] = mapped_column()
    notes: Mapped[str | None] = mapped_column(Text)
    decisions: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[uuid.UUID | None] = mapped_column()
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class KvalitetsradAction(Base):
    """An action decided under an item; followed up at a later meeting of the same unit."""

    __tablename__ = "kvalitetsrad_action"
    __table_args__ = (
        Index("ix_kvalitetsrad_action_meeting", "meeting_id"),
        Index("ix_kvalitetsrad_action_unit_status", "unit_id", "status"),
        Index("ix_kvalitetsrad_action_owner_status", "owner_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    meeting_id: Mapped[uuid.UUID] = mapped_column()
    unit_id: Mapped[uuid.UUID] = mapped_column()
    item_key: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[uuid.UUID] = mapped_column()
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))  # open | done | dropped (continues stays open)
    followed_up_meeting_id: Mapped[uuid.UUID | None] = mapped_column()
    follow_up_outcome: Mapped[str | None] = mapped_column(String(20))  # done | continues | dropped
    follow_up_note: Mapped[str | None] = mapped_column(Text)
    followed_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class KvalitetsradAnnouncement(Base):
    """A justerat protokoll of the unit one level up or down, announced at this meeting (once)."""

    __tablename__ = "kvalitetsrad_announcement"
    __table_args__ = (Index("ix_kvalitetsrad_announcement_protokoll", "protokoll_meeting_id"),)

    meeting_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    protokoll_meeting_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(20))  # from_below | from_above
    announced_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TenantSettingsRow(Base):
    __tablename__ = "tenant_settings"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1: one tenant per deployment
    suppression_threshold: Mapped[int] = mapped_column()
    pattern_min_count: Mapped[int] = mapped_column()
    pattern_rise_factor: Mapped[float] = mapped_column(Float)
    pattern_recurring_periods: Mapped[int] = mapped_column()
    ivo_reminder_interval_hours: Mapped[float] = mapped_column(Float)
    version: Mapped[int] = mapped_column(default=1)
    updated_by: Mapped[uuid.UUID | None] = mapped_column()
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __mapper_args__: Any = {"version_id_col": version}


# --- the årshjul (reporting's own data: `rebuild` leaves it untouched) ----------------------------


class Arshjul(Base):
    """A year's plan of the quality work for one unit's level; adopted with a recorded decision."""

    __tablename__ = "arshjul"
    __table_args__ = (UniqueConstraint("year", "unit_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column()
    unit_id: Mapped[uuid.UUID] = mapped_column()
    level: Mapped[str] = mapped_column(String(30))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("arshjul.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # draft | adopted
    decision: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument())  # platform_shared.decisions
    adopted_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: Any = {"version_id_col": version}


class ArshjulActivity(Base):
    __tablename__ = "arshjul_activity"
    __table_args__ = (
        Index("ix_arshjul_activity_arshjul_due", "arshjul_id", "due_on"),
        Index("ix_arshjul_activity_unit_due", "unit_id", "due_on"),
        Index("ix_arshjul_activity_fulfilment", "kind", "unit_id", "fulfilled_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    arshjul_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("arshjul.id"))
    template_key: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    period_year: Mapped[int] = mapped_column()
    tertial: Mapped[int | None] = mapped_column()
    responsible_role: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[uuid.UUID] = mapped_column()
    reports_to_unit_id: Mapped[uuid.UUID | None] = mapped_column()
    inherited_from_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("arshjul_activity.id"), index=True)
    target_id: Mapped[uuid.UUID | None] = mapped_column()  # e.g. the document a review is of
    fulfilled_on: Mapped[date | None] = mapped_column(Date)
    evidence_type: Mapped[str | None] = mapped_column(String(60))  # the event (or 'manual') that fulfilled it
    evidence_id: Mapped[uuid.UUID | None] = mapped_column()
    fulfilment_note: Mapped[str | None] = mapped_column(Text)
    fulfilled_by: Mapped[uuid.UUID | None] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: Any = {"version_id_col": version}


class CalendarFeedToken(Base):
    """A calendar feed URL's secret, stored only as its SHA-256; revocable, scoped to one person's view."""

    __tablename__ = "calendar_feed_token"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    scope: Mapped[str] = mapped_column(String(20))  # unit | person
    unit_id: Mapped[uuid.UUID | None] = mapped_column()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


deviation_fact = _table(DeviationFact)
risk_fact = _table(RiskFact)
notification = _table(Notification)
fact_month_count = _table(FactMonthCount)
ivo_reminder = _table(IvoReminder)
control_plan_fact = _table(ControlPlanFact)
document_fact = _table(DocumentFact)
indicator_fact = _table(IndicatorFact)
indicator_measurement_fact = _table(IndicatorMeasurementFact)
deviation_document_fact = _table(DeviationDocumentFact)
tenant_settings = _table(TenantSettingsRow)
webhook_delivery = _table(WebhookDelivery)

# Tables people write (never emptied by `reporting-svc rebuild`).
KVALITETSRAD_TABLES: tuple[Table, ...] = tuple(
    _table(m) for m in (KvalitetsradMeeting, KvalitetsradItem, KvalitetsradAction, KvalitetsradAnnouncement)
)

# Tables of the projection group: emptied and refilled by `reporting-svc rebuild`.
READ_MODELS: tuple[Table, ...] = tuple(
    _table(m)
    for m in (
        DeviationFact,
        ComplaintFact,
        ProposalFact,
        BreachFact,
        RiskFact,
        ControlFact,
        ControlFindingFact,
        ControlPlanFact,
        SelfAssessmentFact,
        RiskAnalysisFact,
        IvoFact,
        DeadlineFact,
        InformationDueFact,
        FactMonthCount,
        DeviationDocumentFact,
        DocumentFact,
        IndicatorFact,
        IndicatorMeasurementFact,
    )
)
FACT_TABLES: dict[str, Table] = {t.name: t for t in READ_MODELS}

# The årshjul's activities as deadlines (rule arshjul_activity): reporting's own, never rebuilt.
deadline_tables = attach_deadline_tables(Base.metadata)

# Tables people write in: never emptied by `rebuild` (a test holds READ_MODELS apart from these).
PEOPLES_DATA: tuple[Table, ...] = (
    deadline_tables.deadline,
    deadline_tables.override,
    *(
        _table(m)
        for m in (
            Notification,
            IvoReminder,
            MailMessage,
            WebhookSubscription,
            WebhookDelivery,
            WebhookAttempt,
            Report,
            TenantSettingsRow,
            Arshjul,
            ArshjulActivity,
            CalendarFeedToken,
            KvalitetsradMeeting,
            KvalitetsradItem,
            KvalitetsradAction,
            KvalitetsradAnnouncement,
        )
    ),
)

messaging = attach_messaging_tables(Base.metadata)
replica = attach_replica_tables(Base.metadata)
idempotency = attach_idempotency_table(Base.metadata)
