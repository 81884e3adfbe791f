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
    title: str = Field(min_length=1, max_length=MAX_TITLE_CHARS, description="What is to be done")
    due_on: Day = Field(description="The day it is due, in the årshjul's year")
    kind: ActivityKind = Field(ActivityKind.OWN, description="own: marked done by hand")
    responsible_role: Role | None = Field(None, description="Default: the level's chef")
    period_year: Year | None = Field(None, description="The year it concerns (default the årshjul's)")
    tertial: int | None = Field(None, ge=1, le=3, description="The tertial it concerns (1–3), if any")
    description: str | None = Field(None, max_length=4000, description="More about the activity")
    reports_to_unit_id: uuid.UUID | None = Field(None, description="The unit it reports back to")
    target_id: uuid.UUID | None = Field(None, description="e.g. the ledningssystem document to review")


class ArshjulActivityPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(None, min_length=1, max_length=MAX_TITLE_CHARS, description="A new title")
    description: str | None = Field(None, max_length=4000, description="A new description")
    responsible_role: Role | None = Field(None, description="Another responsible role at the unit")
    target_id: uuid.UUID | None = Field(None, description="The document a review activity is of")


class ArshjulActivityReschedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    due_on: Day = Field(description="The new day, in the årshjul's year")


class ArshjulActivityComplete(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fulfilled_on: Day | None = Field(None, description="The day it was done (default today)")
    note: str | None = Field(None, max_length=2000, description="What was done, e.g. where the protokoll is")


class ArshjulActivityRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    arshjul_id: uuid.UUID
    template_key: str | None = Field(description="The default template's key, for generated activities")
    kind: ActivityKind = Field(description="tertialrapport, kvalitetsrad, riskanalys … or own")
    title: str = Field(description="What is to be done")
    description: str | None = Field(description="More about the activity")
    due_on: date = Field(description="The day it is due")
    period_year: int = Field(description="The year it concerns")
    tertial: int | None = Field(description="The tertial it concerns, if any")
    responsible_role: str = Field(description="The role responsible at the unit")
    unit_id: uuid.UUID = Field(description="The responsible unit (its årshjul's)")
    reports_to_unit_id: uuid.UUID | None = Field(description="The unit it reports back to")
    inherited_from_id: uuid.UUID | None = Field(description="The higher level's activity this one feeds")
    target_id: uuid.UUID | None = Field(description="The document a review activity is of")
    status: ActivityStatus = Field(description="planned, due_soon (14 days), done, late or cancelled")
    inherited: bool = Field(description="Shown from a level above, for this level to plan by")
    fulfilled_on: date | None = Field(description="The day it was done")
    evidence_type: str | None = Field(
        description="What fulfilled it: ReportAdopted, RiskAnalysisCompleted, manual …"
    )
    evidence_id: uuid.UUID | None = Field(description="The report, analysis, meeting … that fulfilled it")
    fulfilment_note: str | None = Field(description="A note when marked done by hand")
    version: int = Field(description="The version If-Match names")


class ArshjulRead(BaseModel):
    id: uuid.UUID
    year: int
    unit_id: uuid.UUID
    level: str = Field(description="forvaltning, verksamhetsomrade, avdelning or enhet")
    parent_id: uuid.UUID | None = Field(description="The årshjul of the level above")
    status: Literal["draft", "adopted"] = Field(description="draft, or adopted (fastställt)")
    decision: RecordedDecisionRead | None = Field(description="The recorded decision that adopted it")
    adopted_on: date | None = Field(description="The day it was adopted")
    version: int = Field(description="The version If-Match names")
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
    label: str | None = Field(None, max_length=100, description="A name for the person's own list")


class CalendarFeedRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    scope: FeedScope = Field(description="person or unit")
    unit_id: uuid.UUID | None = Field(description="The unit of a unit feed")
    label: str | None = Field(description="The person's name for it")
    created_at: datetime = Field(description="When it was made")
    last_used_at: datetime | None = Field(description="When a calendar client last read it")


class CalendarFeedCreatedRead(CalendarFeedRead):
    secret: str | None = Field(description="Shown this once (only its hash is kept)")
    url: str | None = Field(description="The feed URL for a calendar client, with the secret")


class CalendarFeedPage(BaseModel):
    items: list[CalendarFeedRead]
