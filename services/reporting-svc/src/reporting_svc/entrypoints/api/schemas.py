from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from platform_shared.api.decisions import RecordedDecisionRead
from platform_shared.api.types import Count, Day, Paragraph, Year
from reporting_svc.domain.reports import ReportStatus, ReportType

# --- statistics ---------------------------------------------------------------------------------


class DeviationSummaryRead(BaseModel):
    total: int | None = Field(description="Deviations reported in the period within the units counted")
    by_type: dict[str, int | None] = Field(
        description="Counts per deviation type (avvikelse, lex_sarah, hsl)"
    )
    by_unit: dict[str, int | None] = Field(description="Counts per unit id the report was made for")
    suppressed: bool = Field(False, description="Small cells are hidden (null) for this reader")


class DocumentCountRead(BaseModel):
    document_id: uuid.UUID
    kind: str | None = Field(
        description="The document's kind (rutin, riktlinje, …); null until org-svc has told"
    )
    title: str | None = Field(description="The document's title; null until org-svc has told")
    count: int | None = Field(
        description="Deviations that name it (null: a small cell hidden for this reader)"
    )


class DeviationsByDocumentRead(BaseModel):
    first: date
    last: date
    unit_id: uuid.UUID | None
    items: list[DocumentCountRead] = Field(description="Most named first")
    suppressed: bool = Field(False, description="Small cells are hidden (null) for this reader")


class ColumnRead(BaseModel):
    key: str
    label: str


class CountRowRead(BaseModel):
    key: str = Field(description="Dimension value (code) or unit id; '' for not given")
    label: str
    values: list[int | None] = Field(description="One count per column; null = suppressed")
    total: int | None


class CountTableRead(BaseModel):
    title: str
    row_title: str
    columns: list[ColumnRead]
    rows: list[CountRowRead]
    totals: list[int | None]
    grand_total: int | None
    suppressed: bool = Field(description="Small cells are suppressed for this reader")
    threshold: int
    note: str | None


class StatisticsRead(BaseModel):
    subject: str
    by: str
    period: str
    first: date = Field(alias="from")
    last: date = Field(alias="to")
    unit_id: uuid.UUID | None
    table: CountTableRead

    model_config = ConfigDict(populate_by_name=True)


class LeadTimeCellRead(BaseModel):
    cases: int | None
    median_days: float | None
    p90_days: float | None


class LeadTimeRowRead(BaseModel):
    key: str
    label: str
    values: list[LeadTimeCellRead]


class LeadTimeTableRead(BaseModel):
    title: str
    columns: list[ColumnRead]
    rows: list[LeadTimeRowRead]
    suppressed: bool
    threshold: int
    note: str | None


class PatternItemRead(BaseModel):
    unit_id: uuid.UUID
    unit_name: str
    category: str
    category_label: str
    kinds: list[Literal["rising", "recurring"]]
    description: str
    counts: list[int | None]
    current: int | None
    baseline: float | None


class PatternTableRead(BaseModel):
    title: str
    periods: list[ColumnRead]
    items: list[PatternItemRead]
    suppressed: bool
    threshold: int
    note: str | None


class TenantSettingsRead(BaseModel):
    suppression_threshold: int = Field(description="Cells below this are hidden from aggregate-only readers")
    pattern_min_count: int
    pattern_rise_factor: float
    pattern_recurring_periods: int
    ivo_reminder_interval_hours: float
    version: int


class TenantSettingsPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suppression_threshold: Count | None = None
    pattern_min_count: Count | None = None
    pattern_rise_factor: float | None = Field(default=None, allow_inf_nan=False)
    pattern_recurring_periods: Count | None = None
    ivo_reminder_interval_hours: float | None = Field(default=None, allow_inf_nan=False)


# --- notifications -----------------------------------------------------------------------------


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    title: str
    body: str
    deviation_id: uuid.UUID | None
    reference: str | None
    event_type: str | None = None
    object_type: str | None = None
    object_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(BaseModel):
    items: list[NotificationRead]
    next_cursor: str | None = None


class UnreadCount(BaseModel):
    unread: int


# --- reports -----------------------------------------------------------------------------------


class ReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: ReportType
    year: Year = Field(ge=2000, le=2100)
    unit_id: uuid.UUID
    tertial: int | None = Field(None, ge=1, le=3, description="Only for kvalitetsråd material")
    title: str | None = Field(None, max_length=300)


class ReportPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=300)
    sections: dict[str, str] | None = Field(
        None, description="Analysis text per section key; a key given replaces that section's text"
    )


class ReportSectionRead(BaseModel):
    key: str
    heading: str
    guidance: str
    text: str
    figures: list[str]


class FigureRead(BaseModel):
    key: str
    kind: Literal["counts", "lead_times", "patterns"]
    counts: CountTableRead | None = None
    lead_times: LeadTimeTableRead | None = None
    patterns: PatternTableRead | None = None


class ReportSummaryRead(BaseModel):
    id: uuid.UUID
    type: ReportType
    year: int
    tertial: int | None
    unit_id: uuid.UUID
    title: str
    status: ReportStatus
    period_from: date
    period_to: date
    due_date: date | None
    superseded_by: uuid.UUID | None = Field(
        None, description="A later adopted version of the same type, unit and period replaced this one"
    )
    superseded_at: datetime | None = None
    version: int
    created_at: datetime
    updated_at: datetime


class ReportRead(ReportSummaryRead):
    unit_name: str
    status_label: str
    type_label: str
    figures_frozen_at: datetime | None = Field(description="Set once adopted: the figures no longer change")
    figures_suppressed: bool
    sections: list[ReportSectionRead]
    figures: list[FigureRead]
    reviewed_by: uuid.UUID | None
    reviewed_at: datetime | None
    adopted_by: uuid.UUID | None
    adopted_at: datetime | None
    reported_by: uuid.UUID | None
    reported_at: datetime | None
    decision: RecordedDecisionRead | None = Field(
        None, description="The adoption as a recorded decision: the nämnd's (meeting and §) or a role's"
    )


class ReportAdoptBody(BaseModel):
    """The nämnd's decision: meeting_date and paragraph (§). A role's: decided_on (default today)."""

    model_config = ConfigDict(extra="forbid")

    meeting_date: Day | None = Field(None, description="The nämnd's meeting (its decision date)")
    paragraph: Paragraph | None = Field(None, description="The § in the nämnd's protocol: 85, '§ 85' or '85'")
    decided_on: Day | None = Field(None, description="A role's decision date (default today)")
    reference: str | None = Field(None, min_length=1, max_length=100, description="Diarienummer")


class ReportPage(BaseModel):
    items: list[ReportSummaryRead]
    next_cursor: str | None = None


# --- webhooks ----------------------------------------------------------------------------------


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: HttpUrl
    event_types: list[str] = Field(min_length=1, description="Event types, e.g. LexSarahEscalated")
    unit_id: uuid.UUID | None = Field(None, description="Only events for this unit and its subtree")
    description: str | None = Field(None, max_length=300)


class WebhookPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: HttpUrl | None = None
    event_types: list[str] | None = Field(None, min_length=1)
    unit_id: uuid.UUID | None = None
    description: str | None = Field(None, max_length=300)
    active: bool | None = None


class WebhookRead(BaseModel):
    id: uuid.UUID
    url: str
    description: str | None
    event_types: list[str]
    unit_id: uuid.UUID | None
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookRead):
    secret: str = Field(description="whsec_… signing secret; shown only now")


class WebhookPage(BaseModel):
    items: list[WebhookRead]
    next_cursor: str | None = None


class WebhookAttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: float


class WebhookDeliveryRead(BaseModel):
    id: uuid.UUID
    subscription_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: Literal["pending", "delivered", "dead"]
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    dead_at: datetime | None
    log: list[WebhookAttemptRead] = []


class WebhookDeliveryPage(BaseModel):
    items: list[WebhookDeliveryRead]
    next_cursor: str | None = None


# --- dashboard ---------------------------------------------------------------------------------


class ConsumerLagRead(BaseModel):
    consumer: str
    lag_seconds: float | None = Field(description="Creation to processing of the last event handled")
    processed_total: int | None = Field(description="Events handled by this process since it started")


class PeriodFigures(BaseModel):
    label: str
    first: date
    last: date
    deviations: int | None
    complaints: int | None
    data_breaches: int | None
    ivo_notifications: int | None


class DashboardRead(BaseModel):
    unit_id: uuid.UUID | None
    suppressed: bool
    open_deviations_by_status: dict[str, int | None]
    open_complaints: int | None
    overdue_deadlines: int | None
    this_tertial: PeriodFigures
    last_tertial: PeriodFigures
    ivo_anmalningar_this_year: int | None = Field(description="IVO anmälningar recorded as sent this year")
    ivo_anmalningar_awaiting: int | None = Field(description="Decided, not yet recorded as sent")
    consumer_lag: list[ConsumerLagRead]
