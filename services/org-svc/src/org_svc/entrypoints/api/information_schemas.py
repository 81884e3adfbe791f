"""Request and response models of the staff's information duty."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from org_svc.domain.documents.kinds import DocumentKind
from org_svc.domain.information import MAX_DUE_DAYS, MAX_PARTICIPANTS, DueStatus, RecordMethod, Trigger
from org_svc.service_layer.information.commands import ChangeItem, DefineItem, RecordInformation
from platform_shared.api.types import Day
from platform_shared.orgreplica.regimes import Regime
from platform_shared.roles import Role


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InformationItemCreate(_Strict):
    key: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9_]+$", description="A short code")
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    trigger: Trigger = Field(description="role_start: at a new role; publication: a published document")
    due_days: int = Field(default=30, ge=0, le=MAX_DUE_DAYS, description="Within this many days")
    repeat_months: int | None = Field(default=None, ge=1, le=36, description="Then again this long after")
    regimes: list[Regime] | None = Field(default=None, description="Only at units under these; null: all")
    roles: list[Role] | None = Field(default=None, description="Roles it applies to; null: all staff")
    document_kinds: list[DocumentKind] = Field(default_factory=list, description="publication: which kinds")
    self_acknowledge: bool = Field(default=False, description="A person may confirm it herself")

    def command(self) -> DefineItem:
        return DefineItem(
            key=self.key,
            title=self.title,
            trigger=self.trigger,
            due_days=self.due_days,
            repeat_months=self.repeat_months,
            regimes=tuple(self.regimes) if self.regimes is not None else None,
            roles=tuple(self.roles) if self.roles else None,
            document_kinds=tuple(self.document_kinds),
            self_acknowledge=self.self_acknowledge,
            description=self.description,
        )


class InformationItemUpdate(_Strict):
    """Only the fields sent change; `repeat_months: null` stops the repeat."""

    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    due_days: int | None = Field(default=None, ge=0, le=MAX_DUE_DAYS, description="Within this many days")
    repeat_months: int | None = Field(default=None, ge=1, le=36, description="Then again this long after")
    active: bool | None = Field(default=None, description="false: no new dues of it open")

    def command(self, item_id: uuid.UUID) -> ChangeItem:
        sent = self.model_fields_set
        return ChangeItem(
            item_id=item_id,
            title=self.title,
            due_days=self.due_days,
            active=self.active,
            **{k: getattr(self, k) for k in ("description", "repeat_months") if k in sent},
        )


class InformationItemRead(BaseModel):
    id: uuid.UUID
    key: str
    title: str
    description: str | None
    trigger: Trigger
    due_days: int
    repeat_months: int | None
    regimes: list[str] | None
    roles: list[str]
    document_kinds: list[str]
    self_acknowledge: bool
    active: bool
    version: int


class InformationItemList(BaseModel):
    items: list[InformationItemRead]


class InformationRecordCreate(_Strict):
    item_id: uuid.UUID
    unit_id: uuid.UUID = Field(description="The unit whose staff were told")
    method: RecordMethod = Field(
        description="individual, group (at an arbetsplatsträff) or self_acknowledged"
    )
    given_on: Day
    participant_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_PARTICIPANTS)
    occasion: str | None = Field(
        default=None, max_length=200, description="group: e.g. Arbetsplatsträff 12 mars"
    )
    document_version_id: uuid.UUID | None = Field(default=None, description="For a rutin: the version")
    note: str | None = Field(default=None, max_length=5000)

    def command(self) -> RecordInformation:
        return RecordInformation(
            item_id=self.item_id,
            unit_id=self.unit_id,
            method=self.method,
            given_on=self.given_on,
            participant_ids=tuple(dict.fromkeys(self.participant_ids)),
            occasion=self.occasion,
            document_version_id=self.document_version_id,
            note=self.note,
        )


class InformationRecordRead(BaseModel):
    id: uuid.UUID
    item_id: uuid.UUID
    item_title: str
    unit_id: uuid.UUID
    method: RecordMethod
    given_on: date
    given_by: uuid.UUID
    occasion: str | None
    document_version_id: uuid.UUID | None
    note: str | None
    participant_ids: list[uuid.UUID]
    recorded_at: datetime


class InformationDueRead(BaseModel):
    id: uuid.UUID
    item_id: uuid.UUID
    item_title: str
    person_id: uuid.UUID
    person_name: str
    unit_id: uuid.UUID
    role: str | None
    reason: str = Field(description="role_start, repeat or publication")
    document_version_id: uuid.UUID | None
    opened_on: date
    due_on: date
    met_on: date | None
    record_id: uuid.UUID | None
    status: DueStatus


class CoverageRow(BaseModel):
    unit_id: uuid.UUID
    item_id: uuid.UUID
    item_title: str
    informed: int
    not_informed: int
    overdue: int
    share_informed: float | None


class CoverageRead(BaseModel):
    unit_id: uuid.UUID
    as_of: date
    items: list[CoverageRow]
