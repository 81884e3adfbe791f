"""org-svc's events. Staff names and e-mail travel (for routing and notifications); nothing about brukare."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.topics import ORG_EVENTS


class _OrgEvent(EventPayload):
    topic = ORG_EVENTS


class _UnitEvent(_OrgEvent):
    unit_id: uuid.UUID

    def aggregate_id(self) -> str:
        return str(self.unit_id)


class OrgUnitCreated(_UnitEvent):
    event_type = "OrgUnitCreated"
    parent_id: uuid.UUID | None
    name: str
    code: str | None = None
    level: str
    laws: list[str] = []
    valid_from: datetime
    regi: str | None = None  # egen | privat
    ivo_region: str | None = None


class OrgUnitMoved(_UnitEvent):
    event_type = "OrgUnitMoved"
    old_parent_id: uuid.UUID | None
    new_parent_id: uuid.UUID
    moved_at: datetime


class OrgUnitRenamed(_UnitEvent):
    event_type = "OrgUnitRenamed"
    name: str
    renamed_at: datetime


class OrgUnitLawsChanged(_UnitEvent):
    event_type = "OrgUnitLawsChanged"
    laws: list[str]
    changed_at: datetime


class OrgUnitRegiChanged(_UnitEvent):
    """From `changed_at` the unit is run in egen regi, or by a private provider under a contract
    (LOU/LOV). A provider is an organisation: its name and organisationsnummer travel (a personnummer
    is never accepted as organisationsnummer)."""

    event_type = "OrgUnitRegiChanged"
    regi: str  # egen | privat
    procurement_form: str | None = None  # lou | lov
    provider_name: str | None = None
    organisationsnummer: str | None = None  # NNNNNN-NNNN
    contract_reference: str | None = None
    contract_from: date | None = None
    contract_to: date | None = None
    changed_at: datetime


class OrgUnitClosed(_UnitEvent):
    event_type = "OrgUnitClosed"
    closed_at: datetime


class _PersonEvent(_OrgEvent):
    person_id: uuid.UUID

    def aggregate_id(self) -> str:
        return str(self.person_id)


class PersonRegistered(_PersonEvent):
    event_type = "PersonRegistered"
    subject: str
    email: str
    name: str


class PersonDeactivated(_PersonEvent):
    event_type = "PersonDeactivated"
    deactivated_at: datetime


class RoleAssigned(_PersonEvent):
    event_type = "RoleAssigned"
    assignment_id: uuid.UUID
    role: str
    unit_id: uuid.UUID
    valid_from: datetime
    valid_to: datetime | None = None
    acting: bool = False


class RoleEnded(_PersonEvent):
    event_type = "RoleEnded"
    assignment_id: uuid.UUID
    ended_at: datetime


class DelegationGranted(_OrgEvent):
    """A decision type delegated from the role that owns it to a person or a role, for a period."""

    event_type = "DelegationGranted"
    delegation_id: uuid.UUID
    decision_type: str  # e.g. ivo_anmalan_lex_sarah
    from_role: str
    unit_id: uuid.UUID  # scope: the unit and its subtree
    to_person_id: uuid.UUID | None = None
    to_role: str | None = None
    valid_from: datetime
    valid_to: datetime | None = None
    reference: str | None = None  # delegationsordning paragraph

    def aggregate_id(self) -> str:
        return str(self.delegation_id)


class DelegationRevoked(_OrgEvent):
    event_type = "DelegationRevoked"
    delegation_id: uuid.UUID
    revoked_at: datetime

    def aggregate_id(self) -> str:
        return str(self.delegation_id)


class SystemClientRegistered(_OrgEvent):
    """An integration (Lifecare, Treserva, an app backend): its token subject and what it may do."""

    event_type = "SystemClientRegistered"
    client_id: uuid.UUID
    subject: str
    name: str
    unit_ids: list[uuid.UUID]  # may report for these units and their subtrees
    operations: list[str]  # permission-matrix actions it may call
    active: bool = True

    def aggregate_id(self) -> str:
        return str(self.client_id)


class SystemClientRevoked(_OrgEvent):
    event_type = "SystemClientRevoked"
    client_id: uuid.UUID
    revoked_at: datetime

    def aggregate_id(self) -> str:
        return str(self.client_id)
