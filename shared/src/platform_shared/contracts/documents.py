"""org-svc's ledningssystem events: documents under document control and their versions, reviews and
revision proposals, the process map, and the staff's information duty. Ids and facts (a document's
title is a fact about the organisation); never anything about a brukare.

Review and information deadlines travel as the shared DeadlineApproaching/DeadlineMissed (rules
`document_review` with object_type `document`, `information_given` with `information_due`).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.common import DecisionFacts
from platform_shared.contracts.topics import ORG_EVENTS

# --- documents and versions --------------------------------------------------------------------


class _DocumentEvent(EventPayload):
    topic = ORG_EVENTS
    document_id: uuid.UUID
    kind: str  # policy | riktlinje | process | rutin | instruktion | checklista | mall

    def aggregate_id(self) -> str:
        return str(self.document_id)


class _DocumentFacts(_DocumentEvent):
    title: str
    principal: bool = False  # av principiell vikt
    owner_role: str
    owner_unit_id: uuid.UUID
    owner_person_id: uuid.UUID | None = None
    unit_ids: list[uuid.UUID]  # applies to these units and their subtrees
    process_node_ids: list[uuid.UUID] = []
    legal_basis: list[str] = []
    review_interval_months: int = 12


class DocumentRegistered(_DocumentFacts):
    event_type = "DocumentRegistered"
    registered_at: datetime


class DocumentDetailsChanged(_DocumentFacts):
    """Owner, units, place in the process map, legal basis or review interval changed (the state after)."""

    event_type = "DocumentDetailsChanged"
    next_review_on: date | None = None
    changed_at: datetime


class DocumentWithdrawn(_DocumentEvent):
    """No longer in force (upphävd): its published version is superseded without a successor."""

    event_type = "DocumentWithdrawn"
    withdrawn_at: datetime


class _VersionEvent(_DocumentEvent):
    version_id: uuid.UUID
    number: int


class DocumentVersionDrafted(_VersionEvent):
    event_type = "DocumentVersionDrafted"
    minor_revision: bool = False
    drafted_at: datetime


class DocumentVersionSubmitted(_VersionEvent):
    event_type = "DocumentVersionSubmitted"
    submitted_at: datetime


class DocumentVersionReturned(_VersionEvent):
    event_type = "DocumentVersionReturned"
    returned_at: datetime


class DocumentVersionDecided(_VersionEvent):
    event_type = "DocumentVersionDecided"
    decision: DecisionFacts
    minor_revision: bool = False


class DocumentVersionPublished(_VersionEvent):
    """In force from `valid_from`; information items about new rutiner fall due for its units' staff."""

    event_type = "DocumentVersionPublished"
    title: str
    owner_role: str
    owner_unit_id: uuid.UUID
    owner_person_id: uuid.UUID | None = None
    unit_ids: list[uuid.UUID]
    process_node_ids: list[uuid.UUID] = []
    valid_from: date
    next_review_on: date
    supersedes_version_id: uuid.UUID | None = None
    published_at: datetime


class DocumentVersionSuperseded(_VersionEvent):
    event_type = "DocumentVersionSuperseded"
    superseded_by_version_id: uuid.UUID | None = None  # None: the document was withdrawn
    superseded_at: datetime


class DocumentReviewed(_DocumentEvent):
    """A review of the version in force: `confirmed` (granskad utan ändring) or `revised` (a new version)."""

    event_type = "DocumentReviewed"
    review_id: uuid.UUID
    version_id: uuid.UUID
    outcome: str  # confirmed | revised
    reviewed_on: date
    reviewed_by: uuid.UUID
    owner_unit_id: uuid.UUID
    unit_ids: list[uuid.UUID] = []
    next_review_on: date


class _ProposalEvent(EventPayload):
    topic = ORG_EVENTS
    proposal_id: uuid.UUID
    document_id: uuid.UUID

    def aggregate_id(self) -> str:
        return str(self.document_id)  # with the document's events, in order


class RevisionProposed(_ProposalEvent):
    event_type = "RevisionProposed"
    source: str  # deviation | action | risk | person
    source_id: uuid.UUID
    source_reference: str | None = None
    owner_role: str
    owner_unit_id: uuid.UUID
    owner_person_id: uuid.UUID | None = None
    proposed_at: datetime


class RevisionProposalSettled(_ProposalEvent):
    event_type = "RevisionProposalSettled"
    status: str  # accepted | rejected | done | withdrawn
    version_id: uuid.UUID | None = None  # the version that took it in (done)
    settled_by: uuid.UUID | None = None
    settled_at: datetime


# --- the process map ---------------------------------------------------------------------------


class _ProcessNodeEvent(EventPayload):
    topic = ORG_EVENTS
    node_id: uuid.UUID

    def aggregate_id(self) -> str:
        return str(self.node_id)


class ProcessNodeDefined(_ProcessNodeEvent):
    """A process, sub-process or activity created or changed (the state after)."""

    event_type = "ProcessNodeDefined"
    parent_id: uuid.UUID | None = None
    kind: str  # process | subprocess | activity
    process_type: str | None = None  # huvudprocess | stodprocess | ledningsprocess
    name: str
    position: int
    owner_role: str | None = None
    owner_unit_id: uuid.UUID | None = None
    defined_at: datetime


class ProcessNodeRetired(_ProcessNodeEvent):
    event_type = "ProcessNodeRetired"
    retired_at: datetime


# --- the information duty ----------------------------------------------------------------------


class InformationItemDefined(EventPayload):
    """An information item created or changed (tenant data; the state after)."""

    topic = ORG_EVENTS
    event_type = "InformationItemDefined"
    item_id: uuid.UUID
    key: str
    title: str
    trigger: str  # role_start | publication
    due_days: int
    repeat_months: int | None = None
    regimes: list[str] | None = None  # lex_sarah | lex_maria; None: every unit
    roles: list[str]
    document_kinds: list[str] = []
    active: bool = True

    def aggregate_id(self) -> str:
        return str(self.item_id)


class _DueEvent(EventPayload):
    topic = ORG_EVENTS
    due_id: uuid.UUID
    item_key: str
    person_id: uuid.UUID
    unit_id: uuid.UUID

    def aggregate_id(self) -> str:
        return str(self.due_id)


class InformationDueOpened(_DueEvent):
    event_type = "InformationDueOpened"
    item_id: uuid.UUID
    role: str | None = None
    reason: str  # role_start | repeat | publication
    document_version_id: uuid.UUID | None = None
    opened_on: date
    due_on: date


class InformationDueMet(_DueEvent):
    event_type = "InformationDueMet"
    record_id: uuid.UUID
    met_on: date
    on_time: bool


class InformationDueCancelled(_DueEvent):
    """The role ended before the item was given."""

    event_type = "InformationDueCancelled"
    cancelled_on: date


class InformationGiven(EventPayload):
    """A chef gave the information (to one person, or to a group at an arbetsplatsträff), or a person
    acknowledged a rutin herself."""

    topic = ORG_EVENTS
    event_type = "InformationGiven"
    record_id: uuid.UUID
    item_id: uuid.UUID
    item_key: str
    unit_id: uuid.UUID
    method: str  # individual | group | self_acknowledged
    given_on: date
    given_by: uuid.UUID
    participant_ids: list[uuid.UUID]
    document_version_id: uuid.UUID | None = None

    def aggregate_id(self) -> str:
        return str(self.record_id)
