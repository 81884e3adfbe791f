from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from platform_shared.db import JsonDocument, UtcDateTime, make_metadata
from platform_shared.deadlines.store import attach_deadline_tables
from platform_shared.idempotency import attach_idempotency_table
from platform_shared.messaging.tables import attach_messaging_tables
from platform_shared.orgreplica.tables import attach_replica_tables
from platform_shared.references import attach_reference_counter


class Base(DeclarativeBase):
    metadata = make_metadata()


class Risk(Base):
    """A risk: where it was identified (`unit_id`, fixed) and which level handles it now
    (`responsible_unit_id`, moved up by escalation). The current assessment is denormalised here;
    every assessment is kept in `risk_assessment`."""

    __tablename__ = "risk"
    __table_args__ = (
        Index("ix_risk_unit_assessed", "unit_id", "assessed_at", "id"),
        Index("ix_risk_responsible_unit", "responsible_unit_id"),
        Index("ix_risk_analysis", "analysis_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()
    responsible_unit_id: Mapped[uuid.UUID] = mapped_column()
    analysis_id: Mapped[uuid.UUID | None] = mapped_column()
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    process: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(40))
    revises_document_id: Mapped[uuid.UUID | None] = mapped_column()  # treated by revising this rutin
    owner_id: Mapped[uuid.UUID | None] = mapped_column()
    identified_by: Mapped[uuid.UUID] = mapped_column()
    identified_at: Mapped[datetime] = mapped_column(UtcDateTime())
    probability: Mapped[int | None] = mapped_column()
    consequence: Mapped[int | None] = mapped_column()
    risk_value: Mapped[int | None] = mapped_column()
    band: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30))
    assessed_by: Mapped[uuid.UUID | None] = mapped_column()
    assessed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    prioritised: Mapped[bool] = mapped_column(default=False)
    prioritised_by: Mapped[uuid.UUID | None] = mapped_column()
    prioritised_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decision_motivation: Mapped[str | None] = mapped_column(Text)
    followed_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    suggestion_key: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class RiskAssessment(Base):
    """Every assessment of a risk, in order: the matrix of a past date reads from here."""

    __tablename__ = "risk_assessment"
    __table_args__ = (Index("ix_risk_assessment_risk_at", "risk_id", "assessed_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    risk_id: Mapped[uuid.UUID] = mapped_column()
    probability: Mapped[int] = mapped_column()
    consequence: Mapped[int] = mapped_column()
    risk_value: Mapped[int] = mapped_column()
    band: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))  # assessment | follow_up
    note: Mapped[str | None] = mapped_column(Text)
    assessed_by: Mapped[uuid.UUID] = mapped_column()
    assessed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RiskTransition(Base):
    """Every step of a risk's lifecycle, who took it and why (escalations name both units)."""

    __tablename__ = "risk_transition"
    __table_args__ = (Index("ix_risk_transition_risk_at", "risk_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    risk_id: Mapped[uuid.UUID] = mapped_column()
    step: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    from_unit_id: Mapped[uuid.UUID | None] = mapped_column()
    to_unit_id: Mapped[uuid.UUID | None] = mapped_column()
    by: Mapped[uuid.UUID] = mapped_column()
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class RiskLink(Base):
    """A risk's link to a deviation or complaint known from deviation events (ids only)."""

    __tablename__ = "risk_link"

    risk_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # deviation | complaint
    object_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class RiskAction(Base):
    """The risk's action plan; a control finding's action lands here too."""

    __tablename__ = "risk_action"
    __table_args__ = (Index("ix_risk_action_risk", "risk_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # NULL only for the action of a finding at a provider follow-up without a risk (issue 14)
    risk_id: Mapped[uuid.UUID | None] = mapped_column()
    description: Mapped[str] = mapped_column(Text)
    responsible_id: Mapped[uuid.UUID | None] = mapped_column()
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    finding_id: Mapped[uuid.UUID | None] = mapped_column()
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    completion_note: Mapped[str | None] = mapped_column(Text)


class RiskAnalysis(Base):
    __tablename__ = "risk_analysis"
    __table_args__ = (Index("ix_risk_analysis_unit_year", "unit_id", "year"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()
    trigger: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column()
    analysis_date: Mapped[date] = mapped_column(Date)
    change_description: Mapped[str | None] = mapped_column(Text)
    participant_ids: Mapped[list[Any]] = mapped_column(JsonDocument())
    external_participants: Mapped[list[Any]] = mapped_column(JsonDocument())
    action_plan: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    completed_by: Mapped[uuid.UUID | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class YearlyAnalysisDue(Base):
    """A unit owes a yearly analysis for a year; its deadline (rule risk_analysis_yearly) hangs on it."""

    __tablename__ = "yearly_analysis_due"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()
    year: Mapped[int] = mapped_column()
    analysis_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ControlPlan(Base):
    __tablename__ = "control_plan"
    __table_args__ = (UniqueConstraint("unit_id", "year"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()
    year: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(20))
    decision_reference: Mapped[str | None] = mapped_column(String(100))
    decided_on: Mapped[date | None] = mapped_column(Date)
    # The nämnd's decision as recorded (platform_shared.decisions.Decision.as_dict()): meeting and §.
    decision: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument())
    adopted_by: Mapped[uuid.UUID | None] = mapped_column()
    adopted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class ControlPlanRow(Base):
    """A kontrollmoment: the prioritised risk, what is checked, how, how often, by whom, when reported."""

    __tablename__ = "control_plan_row"
    __table_args__ = (Index("ix_control_plan_row_plan", "plan_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    plan_id: Mapped[uuid.UUID] = mapped_column()
    # internkontroll | avtalsuppfoljning | mas_tillsyn (domain.control_plans.ControlKind)
    kind: Mapped[str] = mapped_column(String(30), server_default="internkontroll")
    # NULL only for a provider follow-up planned without a risk (issue 14)
    risk_id: Mapped[uuid.UUID | None] = mapped_column()
    unit_id: Mapped[uuid.UUID] = mapped_column()  # where the control is performed
    control_activity: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(30))
    frequency: Mapped[str] = mapped_column(String(20))
    responsible_id: Mapped[uuid.UUID | None] = mapped_column()
    reporting_occasion: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ControlPlanFollowUp(Base):
    __tablename__ = "control_plan_follow_up"
    __table_args__ = (UniqueConstraint("plan_id", "occasion"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    plan_id: Mapped[uuid.UUID] = mapped_column()
    occasion: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    figures: Mapped[dict[str, Any]] = mapped_column(JsonDocument())
    followed_up_by: Mapped[uuid.UUID] = mapped_column()
    followed_up_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Control(Base):
    """One scheduled control of a row, for one period; due on the period's last day."""

    __tablename__ = "control"
    __table_args__ = (
        Index("ix_control_plan_due", "plan_id", "due_date"),
        Index("ix_control_unit_due", "unit_id", "due_date"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    plan_id: Mapped[uuid.UUID] = mapped_column()
    row_id: Mapped[uuid.UUID] = mapped_column()
    risk_id: Mapped[uuid.UUID | None] = mapped_column()
    unit_id: Mapped[uuid.UUID] = mapped_column()
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    performed: Mapped[bool] = mapped_column(default=False)
    result: Mapped[str | None] = mapped_column(String(20))
    on_time: Mapped[bool | None] = mapped_column()
    performed_on: Mapped[date | None] = mapped_column(Date)
    performed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    performed_by: Mapped[uuid.UUID | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class ControlFinding(Base):
    __tablename__ = "control_finding"
    __table_args__ = (Index("ix_control_finding_control", "control_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    control_id: Mapped[uuid.UUID] = mapped_column()
    description: Mapped[str] = mapped_column(Text)
    action_id: Mapped[uuid.UUID | None] = mapped_column()
    recorded_by: Mapped[uuid.UUID] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SelfAssessment(Base):
    """Egenkontroll outside the internkontrollplan."""

    __tablename__ = "self_assessment"
    __table_args__ = (Index("ix_self_assessment_unit", "unit_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()
    area: Mapped[str] = mapped_column(String(300))
    method: Mapped[str] = mapped_column(String(30))
    period_from: Mapped[date | None] = mapped_column(Date)
    period_to: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    result: Mapped[str | None] = mapped_column(String(20))
    analysis: Mapped[str | None] = mapped_column(Text)
    figures: Mapped[list[Any]] = mapped_column(JsonDocument())
    actions: Mapped[list[Any]] = mapped_column(JsonDocument())
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    completed_by: Mapped[uuid.UUID | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


# --- goals, indicators and the styrkort (domain/goals.py, indicators.py, scorecards.py) ------------

Amount = Numeric(20, 4)  # indicator values, targets and gränsvärden: exact decimals


class Goal(Base):
    """A goal of a unit, broken down from a goal of a unit above (nämndmål → … → enhetens mål)."""

    __tablename__ = "goal"
    __table_args__ = (
        Index("ix_goal_unit_status", "unit_id", "status"),
        Index("ix_goal_parent", "parent_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()
    parent_id: Mapped[uuid.UUID | None] = mapped_column()
    level: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    perspective: Mapped[str | None] = mapped_column(String(20))
    prioritised: Mapped[bool] = mapped_column(default=False)
    from_year: Mapped[int | None] = mapped_column()
    to_year: Mapped[int | None] = mapped_column()
    factors: Mapped[list[Any]] = mapped_column(JsonDocument(), default=list)  # [{kind, perspective, text}]
    status: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Indicator(Base):
    __tablename__ = "indicator"
    __table_args__ = (
        Index("ix_indicator_goal", "goal_id"),
        Index("ix_indicator_unit_status", "unit_id", "status"),
        Index("ix_indicator_parent", "parent_indicator_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    goal_id: Mapped[uuid.UUID] = mapped_column()
    unit_id: Mapped[uuid.UUID] = mapped_column()  # the goal's unit
    name: Mapped[str] = mapped_column(String(300))
    definition: Mapped[str] = mapped_column(Text)
    unit_of_measure: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(20))
    target: Mapped[Decimal] = mapped_column(Amount)
    threshold: Mapped[Decimal] = mapped_column(Amount)  # gränsvärde
    frequency: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    aggregation: Mapped[str] = mapped_column(String(10))
    rate_scale: Mapped[Decimal | None] = mapped_column(Amount)
    computed_source: Mapped[str | None] = mapped_column(String(60))
    kpi: Mapped[str | None] = mapped_column(String(6))
    municipality: Mapped[str | None] = mapped_column(String(4))
    parent_indicator_id: Mapped[uuid.UUID | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(20))  # active | retired
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class IndicatorGuarantee(Base):
    """An indicator follows up a värdighetsgaranti."""

    __tablename__ = "indicator_guarantee"
    __table_args__ = (Index("ix_indicator_guarantee_guarantee", "guarantee_id"),)

    indicator_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    guarantee_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class Measurement(Base):
    """An indicator's value for a period (one per period; a correction replaces it, the event log
    keeps what it was)."""

    __tablename__ = "measurement"
    __table_args__ = (
        UniqueConstraint("indicator_id", "period"),
        Index("ix_measurement_unit_period", "unit_id", "period_start"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    indicator_id: Mapped[uuid.UUID] = mapped_column()
    unit_id: Mapped[uuid.UUID] = mapped_column()
    period: Mapped[str] = mapped_column(String(10))  # 2026-03 | 2026-T1 | 2026
    period_start: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(Amount)
    numerator: Mapped[Decimal | None] = mapped_column(Amount)
    denominator: Mapped[Decimal | None] = mapped_column(Amount)
    status: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    analysis: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column()  # None: computed or imported
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class IndicatorActivity(Base):
    """What is done when a value is below the gränsvärde: owner, due date, followed up like actions."""

    __tablename__ = "indicator_activity"
    __table_args__ = (
        Index("ix_indicator_activity_indicator_status", "indicator_id", "status"),
        Index("ix_indicator_activity_owner_status", "owner_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    indicator_id: Mapped[uuid.UUID] = mapped_column()
    measurement_id: Mapped[uuid.UUID | None] = mapped_column()
    unit_id: Mapped[uuid.UUID] = mapped_column()
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[uuid.UUID] = mapped_column()
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))  # planned | completed | followed_up
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    followed_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    effect: Mapped[str | None] = mapped_column(Text)
    effective: Mapped[bool | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


# --- imported comparison figures (domain/kolada.py) ------------------------------------------------


class ComparisonImport(Base):
    """One uploaded file and its report: what was imported, replaced, left alone and refused (why)."""

    __tablename__ = "comparison_import"
    __table_args__ = (Index("ix_comparison_import_at", "imported_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # values | titles
    filename: Mapped[str | None] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(10))  # csv | xlsx
    sha256: Mapped[str] = mapped_column(String(64))
    imported: Mapped[int] = mapped_column()
    replaced: Mapped[int] = mapped_column()
    unchanged: Mapped[int] = mapped_column()
    refused_count: Mapped[int] = mapped_column()
    refused: Mapped[list[Any]] = mapped_column(JsonDocument(), default=list)  # [{row, reason}]
    kpis: Mapped[list[Any]] = mapped_column(JsonDocument(), default=list)
    municipalities: Mapped[list[Any]] = mapped_column(JsonDocument(), default=list)
    years: Mapped[list[Any]] = mapped_column(JsonDocument(), default=list)
    imported_by: Mapped[uuid.UUID] = mapped_column()
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ComparisonValue(Base):
    """A published figure, one per kpi/municipality/period/gender (an import replaces, never adds)."""

    __tablename__ = "comparison_value"
    __table_args__ = (Index("ix_comparison_value_municipality", "municipality", "kpi", "period"),)

    kpi: Mapped[str] = mapped_column(String(6), primary_key=True)
    municipality: Mapped[str] = mapped_column(String(4), primary_key=True)
    period: Mapped[int] = mapped_column(primary_key=True)
    gender: Mapped[str] = mapped_column(String(1), primary_key=True)
    value: Mapped[Decimal | None] = mapped_column(Amount)  # None: published without a value
    import_id: Mapped[uuid.UUID] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ComparisonKpi(Base):
    """A KPI's title, from a titles file or entered by hand."""

    __tablename__ = "comparison_kpi"

    kpi: Mapped[str] = mapped_column(String(6), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(10))  # file | manual
    import_id: Mapped[uuid.UUID | None] = mapped_column()
    updated_by: Mapped[uuid.UUID] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


# --- värdighetsgarantier (domain/guarantees.py) ----------------------------------------------------


class Guarantee(Base):
    __tablename__ = "guarantee"
    __table_args__ = (Index("ix_guarantee_unit_status", "unit_id", "status"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()  # the unit and its subtree
    area: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    commitment: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))  # active | withdrawn
    created_by: Mapped[uuid.UUID] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class TenantSetting(Base):
    """Tenant settings as data (one document per key; `risk` holds bands and rules)."""

    __tablename__ = "tenant_setting"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument())
    updated_by: Mapped[uuid.UUID | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


# --- read model of deviation-svc's events (consumer group risk.deviation-history) ---------------

deviation_fact = Table(
    "deviation_fact",
    Base.metadata,
    Column("deviation_id", Uuid, primary_key=True),
    Column("reference", String(40), nullable=True),
    Column("unit_id", Uuid, nullable=False),
    Column("deviation_type", String(30), nullable=True),
    Column("category", String(100), nullable=True),
    Column("severity", Integer, nullable=True),
    Column("occurred_at", UtcDateTime(), nullable=True),
    Column("reported_at", UtcDateTime(), nullable=True),
    Column("status", String(30), nullable=True),
    Column("escalation", String(20), nullable=True),  # lex_sarah | lex_maria
    Column("degree", String(60), nullable=True),
    Column("complaint_id", Uuid, nullable=True),
    Column("voided", Boolean, nullable=False, default=False),
    Index("ix_deviation_fact_unit_occurred", "unit_id", "occurred_at"),
)

complaint_fact = Table(
    "complaint_fact",
    Base.metadata,
    Column("complaint_id", Uuid, primary_key=True),
    Column("reference", String(40), nullable=True),
    Column("unit_id", Uuid, nullable=False),
    Column("kind", String(30), nullable=True),
    Column("category", String(100), nullable=True),
    Column("received_at", UtcDateTime(), nullable=True),
    Column("status", String(30), nullable=True),
    Column("escalated_deviation_id", Uuid, nullable=True),
    # for the computed indicator "complaints answered in time" (issue 14)
    Column("complainant_type", String(30), nullable=True),
    Column("response_due_at", UtcDateTime(), nullable=True),
    Column("responded_at", UtcDateTime(), nullable=True),
    Index("ix_complaint_fact_unit_received", "unit_id", "received_at"),
)

# värdighetsgarantier a complaint names as not kept (ComplaintReceived.guarantee_ids)
complaint_guarantee_fact = Table(
    "complaint_guarantee_fact",
    Base.metadata,
    Column("complaint_id", Uuid, primary_key=True),
    Column("guarantee_id", Uuid, primary_key=True),
    Index("ix_complaint_guarantee_fact_guarantee", "guarantee_id"),
)

missed_deadline_fact = Table(
    "missed_deadline_fact",
    Base.metadata,
    Column("deadline_id", Uuid, primary_key=True),
    Column("rule", String(60), nullable=False),
    Column("object_type", String(40), nullable=False),
    Column("object_id", Uuid, nullable=False),
    Column("unit_id", Uuid, nullable=False),
    Column("due_at", UtcDateTime(), nullable=False),
    Index("ix_missed_deadline_fact_unit_due", "unit_id", "due_at"),
)


messaging = attach_messaging_tables(Base.metadata)
replica = attach_replica_tables(Base.metadata)
reference_counter = attach_reference_counter(Base.metadata)
deadlines = attach_deadline_tables(Base.metadata)
idempotency = attach_idempotency_table(Base.metadata)
