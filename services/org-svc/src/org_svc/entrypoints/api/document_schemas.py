"""Request and response models of the ledningssystem's documents, the process map and the tenant's
decision rules."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from org_svc.domain.documents.kinds import DocumentKind, Scope
from org_svc.domain.documents.process_map import NodeKind, ProcessType
from org_svc.domain.documents.review import MAX_INTERVAL_MONTHS, ReviewState
from org_svc.domain.documents.versions import MAX_BODY_CHARS, MAX_TITLE_CHARS, VersionStatus
from org_svc.service_layer.documents import commands
from org_svc.service_layer.documents.process_map import DefineNode
from platform_shared.api.decisions import RecordedDecisionRead
from platform_shared.api.types import Day, Paragraph
from platform_shared.roles import Role

Title = Field(min_length=1, max_length=MAX_TITLE_CHARS)
Body = Field(default=None, max_length=MAX_BODY_CHARS, description="Markdown")
Purpose = Field(default=None, max_length=4000)
Interval = Field(default=12, ge=1, le=MAX_INTERVAL_MONTHS, description="Months between reviews")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DocumentCreate(Strict):
    kind: DocumentKind
    title: str = Title
    purpose: str | None = Purpose
    body: str | None = Body
    owner_role: Role = Field(description="The owner: a role at a unit")
    owner_unit_id: uuid.UUID
    owner_person_id: uuid.UUID | None = Field(
        default=None, description="The person holding the owner's role (default: its only holder)"
    )
    unit_ids: list[uuid.UUID] = Field(
        min_length=1, description="It applies to these units and their subtrees"
    )
    principal: bool = Field(default=False, description="Av principiell vikt: the nämnd adopts it")
    legal_basis: list[str] = Field(default=[], max_length=50, description="e.g. SOSFS 2011:9, SoL 27 kap.")
    process_node_ids: list[uuid.UUID] = Field(default=[], description="Its places in the process map")
    review_interval_months: int = Interval

    def command(self) -> commands.RegisterDocument:
        data = self.model_dump()
        for key in ("unit_ids", "legal_basis", "process_node_ids"):
            data[key] = tuple(data[key])
        return commands.RegisterDocument(**data)


class DocumentUpdate(Strict):
    """Only the fields sent change."""

    owner_role: Role | None = None
    owner_unit_id: uuid.UUID | None = None
    owner_person_id: uuid.UUID | None = None
    unit_ids: list[uuid.UUID] | None = Field(default=None, min_length=1)
    principal: bool | None = None
    legal_basis: list[str] | None = Field(default=None, max_length=50)
    process_node_ids: list[uuid.UUID] | None = None
    review_interval_months: int | None = Field(default=None, ge=1, le=MAX_INTERVAL_MONTHS)

    def command(self, document_id: uuid.UUID) -> commands.ChangeDetails:
        data = self.model_dump()
        for key in ("unit_ids", "legal_basis", "process_node_ids"):
            data[key] = tuple(data[key]) if data[key] is not None else None
        return commands.ChangeDetails(document_id, **data)


class VersionCreate(Strict):
    """A new draft; its text is the version in force's unless given."""

    minor_revision: bool = Field(
        default=False, description="A smaller revision: the socialchef may decide one of a nämnd document"
    )
    title: str | None = Field(default=None, min_length=1, max_length=MAX_TITLE_CHARS)
    purpose: str | None = Purpose
    body: str | None = Body
    change_summary: str | None = Field(default=None, max_length=4000)


class VersionUpdate(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=MAX_TITLE_CHARS)
    purpose: str | None = Purpose
    body: str | None = Body
    change_summary: str | None = Field(default=None, max_length=4000)


class DecisionCreate(Strict):
    """`namnd`: the nämnd's decision at its meeting (`meeting_date`, `paragraph`), recorded by the
    socialchef, förvaltningschef or a kvalitetsledare. `role`: the caller decides in her `role`
    (at `unit_id` when she holds it at several units) on `decided_on` (default today)."""

    body: Literal["namnd", "role"]
    role: Role | None = None
    unit_id: uuid.UUID | None = None
    decided_on: Day | None = None
    meeting_date: Day | None = None
    paragraph: Paragraph | None = Field(default=None, description="The § in the protocol: 85, '§ 85' or '85'")
    reference: str | None = Field(default=None, min_length=1, max_length=100, description="Diarienummer")


class PublishBody(Strict):
    valid_from: Day | None = Field(
        default=None,
        description="In force from (default today): not before the decision, not later than today",
    )


class ReviewCreate(Strict):
    outcome: Literal["confirmed"] = Field(
        default="confirmed",
        description="Granskad utan ändring (a revision is recorded by publishing a new version)",
    )
    reviewed_on: Day | None = Field(default=None, description="Default today")
    note: str | None = Field(default=None, max_length=4000)


class VersionSummary(BaseModel):
    number: int
    status: VersionStatus
    status_title: str
    title: str
    minor_revision: bool
    decided_on: date | None
    valid_from: date | None


class DocumentListItem(BaseModel):
    id: uuid.UUID
    kind: DocumentKind
    kind_title: str
    title: str
    principal: bool
    owner_role: str
    owner_unit_id: uuid.UUID
    owner_person_id: uuid.UUID | None
    unit_ids: list[uuid.UUID]
    process_node_ids: list[uuid.UUID]
    legal_basis: list[str]
    review_interval_months: int
    next_review_on: date | None
    last_reviewed_on: date | None
    review_state: ReviewState | None = Field(description="current, due_soon (30 days) or overdue")
    status: Literal["active", "withdrawn"]
    current_version: int | None = Field(description="The number of the version in force")
    created_at: datetime
    version: int


class DocumentRead(DocumentListItem):
    scope: Scope | None
    scope_title: str | None
    deciders: list[str] = Field(description="Who adopts it: namnd or deciding roles (the tenant's rules)")
    versions: list[VersionSummary]
    open_proposals: int


class DocumentPage(BaseModel):
    items: list[DocumentListItem]
    next_cursor: str | None


class VersionRead(BaseModel):
    id: uuid.UUID
    document_id: uuid.UUID
    number: int
    status: VersionStatus
    status_title: str
    title: str
    purpose: str | None
    body: str | None
    change_summary: str | None
    minor_revision: bool
    decision: RecordedDecisionRead | None
    decided_on: date | None
    valid_from: date | None
    created_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None
    superseded_at: datetime | None
    superseded_by_id: uuid.UUID | None
    version: int

    @classmethod
    def of(cls, data: dict[str, Any]) -> VersionRead:
        return cls.model_validate({**data, "decision": RecordedDecisionRead.of(data["decision"])})


class ReviewRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    document_id: uuid.UUID
    version_id: uuid.UUID
    outcome: Literal["confirmed", "revised"]
    reviewed_on: date
    reviewed_by: uuid.UUID
    note: str | None
    next_review_on: date
    recorded_at: datetime


class ReviewPage(BaseModel):
    items: list[ReviewRead]
    next_cursor: str | None = None


# --- the process map ---------------------------------------------------------------------------


class ProcessNodeCreate(Strict):
    kind: NodeKind
    name: str = Field(min_length=1, max_length=300)
    parent_id: uuid.UUID | None = Field(default=None, description="None for a process at the top")
    process_type: ProcessType | None = Field(default=None, description="Top-level processes only")
    description: str | None = Field(default=None, max_length=4000)
    position: int | None = Field(
        default=None, ge=1, le=10_000, description="Default: last among its siblings"
    )
    owner_role: Role | None = Field(default=None, description="Processägare")
    owner_unit_id: uuid.UUID | None = None

    def command(self) -> DefineNode:
        return DefineNode(**self.model_dump())


class ProcessNodeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    parent_id: uuid.UUID | None
    kind: NodeKind
    process_type: ProcessType | None
    name: str
    description: str | None
    position: int
    owner_role: str | None
    owner_unit_id: uuid.UUID | None
    version: int


class MapDocument(BaseModel):
    id: uuid.UUID
    kind: DocumentKind
    title: str


class MapNode(ProcessNodeRead):
    retired: bool
    documents: list[MapDocument]
    children: list[MapNode]


class ProcessMapRead(BaseModel):
    processes: list[MapNode]


# --- the tenant's decision rules ---------------------------------------------------------------


class AuthorityRuleIn(Strict):
    kind: str = Field(description="A document kind, or * for every kind", max_length=20)
    scope: str = Field(
        description="principal, forvaltning, verksamhet, enhet or minor_revision", max_length=20
    )
    deciders: list[str] = Field(min_length=1, max_length=10, description="namnd or deciding roles")


class AuthorityRulesBody(Strict):
    rules: list[AuthorityRuleIn] = Field(max_length=50, description="Replaces the tenant's rules")


class AuthorityRuleRead(BaseModel):
    kind: str
    scope: str
    deciders: list[str]


class AuthorityRead(BaseModel):
    rules: list[AuthorityRuleRead] = Field(description="The tenant's rules (kind before *, * before default)")
    defaults: list[AuthorityRuleRead]


# --- revision proposals ------------------------------------------------------------------------


class RevisionProposalRead(BaseModel):
    id: uuid.UUID
    document_id: uuid.UUID
    source: Literal["deviation", "action", "risk", "person", "improvement"]
    source_title: str
    source_id: uuid.UUID
    source_reference: str | None = Field(description="e.g. AVV-2026-000042 or the förbättringsförslag's")
    proposed_at: datetime
    status: Literal["open", "accepted", "rejected", "done", "withdrawn"]
    status_title: str
    motivation: str | None
    resolved_by: uuid.UUID | None
    resolved_at: datetime | None
    version_id: uuid.UUID | None = Field(description="The published version that took it in")
    version: int


class RevisionProposalPage(BaseModel):
    items: list[RevisionProposalRead]
    next_cursor: str | None = None


class RevisionProposalSettle(Strict):
    decision: Literal["accept", "reject"]
    motivation: str | None = Field(default=None, max_length=4000, description="Required to reject")
