"""The årshjul's request and answer bodies."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from platform_shared.api.decisions import RecordedDecisionRead
from platform_shared.api.types import Day, Paragraph, Year
from platform_shared.roles import Role
from reporting_svc.domain.arshjul.activities import MAX_TITLE_CHARS, ActivityKind, ActivityStatus
from reporting_svc.domain.arshjul.feeds import FeedScope


class ArshjulGenerate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: Year


class ArshjulCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: Year
    unit_id: uuid.UUID


class ArshjulAdoptBody(BaseModel):
    """The nämnd's decision (the förvaltning's årshjul only): meeting_date and paragraph. A role's
    (socialchef or förvaltningschef for the förvaltning, each chef for her level): decided_on."""

    model_config = ConfigDict(extra="forbid")
    meeting_date: Day | None = Field(None, description="The nämnd's meeting (its decision date)")
    paragraph: Paragraph | None = Field(None, description="The § in the nämnd's protocol")
    decided_on: Day | None = Field(None, description="A role's decision date (default today)")
    reference: str | None = Field(None, min_length=1, max_length=100, description="Diarienummer")


class ArshjulActivityCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=MAX_TITLE_CHARS)
    due_on: Day
    kind: ActivityKind = Field(ActivityKind.OWN, description="own: marked done by hand")
    responsible_role: Role | None = Field(None, description="Default: the level's chef")
    period_year: Year | None = Field(None, description="The year it concerns (default the årshjul's)")
    tertial: int | None = Field(None, ge=1, le=3)
    description: str | None = Field(None, max_length=4000)
    reports_to_unit_id: uuid.UUID | None = None
    target_id: uuid.UUID | None = Field(None, description="e.g. the ledningssystem document to review")


class ArshjulActivityPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(None, min_length=1, max_length=MAX_TITLE_CHARS)
    description: str | None = Field(None, max_length=4000)
    responsible_role: Role | None = None
    target_id: uuid.UUID | None = None


class ArshjulActivityReschedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    due_on: Day


class ArshjulActivityComplete(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fulfilled_on: Day | None = Field(None, description="The day it was done (default today)")
    note: str | None = Field(None, max_length=2000, description="What was done, e.g. where the protokoll is")


class ArshjulActivityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    arshjul_id: uuid.UUID
    template_key: str | None = Field(description="The default template's key, for generated activities")
    kind: ActivityKind
    title: str
    description: str | None
    due_on: date
    period_year: int = Field(description="The year it concerns")
    tertial: int | None
    responsible_role: str
    unit_id: uuid.UUID = Field(description="The responsible unit (its årshjul's)")
    reports_to_unit_id: uuid.UUID | None
    inherited_from_id: uuid.UUID | None = Field(description="The higher level's activity this one feeds")
    target_id: uuid.UUID | None
    status: ActivityStatus = Field(description="planned, due_soon (14 days), done, late or cancelled")
    inherited: bool = Field(description="Shown from a level above, for this level to plan by")
    fulfilled_on: date | None
    evidence_type: str | None = Field(
        description="What fulfilled it: ReportAdopted, RiskAnalysisCompleted, manual …"
    )
    evidence_id: uuid.UUID | None
    fulfilment_note: str | None
    version: int


class ArshjulRead(BaseModel):
    id: uuid.UUID
    year: int
    unit_id: uuid.UUID
    level: str
    parent_id: uuid.UUID | None = Field(description="The årshjul of the level above")
    status: Literal["draft", "adopted"]
    decision: RecordedDecisionRead | None
    adopted_on: date | None
    version: int
    activities: list[ArshjulActivityRead] = Field(description="Its own and the inherited ones, in date order")


class ArshjulCreatedRead(BaseModel):
    id: uuid.UUID
    unit_id: uuid.UUID
    level: str
    parent_id: uuid.UUID | None


class ArshjulGeneratedRead(BaseModel):
    year: int
    created: list[ArshjulCreatedRead] = Field(description="The årshjul made now (parents first)")
    existing: int = Field(description="Units that had one for the year already (left as they are)")


class CalendarFeedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scope: FeedScope = Field(description="person: the caller's own activities; unit: a unit's årshjul")
    unit_id: uuid.UUID | None = Field(None, description="For scope unit: a unit the caller may see")
    label: str | None = Field(None, max_length=100)


class CalendarFeedRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    scope: FeedScope
    unit_id: uuid.UUID | None
    label: str | None
    created_at: datetime
    last_used_at: datetime | None


class CalendarFeedCreatedRead(CalendarFeedRead):
    secret: str | None = Field(description="Shown this once (only its hash is kept)")
    url: str | None = Field(description="The feed URL for a calendar client, with the secret")


class CalendarFeedPage(BaseModel):
    items: list[CalendarFeedRead]
