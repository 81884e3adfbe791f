from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from org_svc.domain.history import ChangeKind
from org_svc.domain.imports import Outcome
from org_svc.domain.model import Law, UnitLevel
from org_svc.domain.providers import ProcurementForm, ProviderFacts, Regi
from platform_shared.api.types import Day, Instant
from platform_shared.orgreplica.responsibility import Duty, Regime
from platform_shared.roles import Role

Name = Field(min_length=1, max_length=300)


# ---- units ---------------------------------------------------------------------------------------
class UnitProviderIn(BaseModel):
    """Who runs a unit in private regi, and under which contract."""

    procurement_form: ProcurementForm = Field(description="lou (upphandling) or lov (valfrihetssystem)")
    provider_name: str = Field(min_length=1, max_length=300)
    organisationsnummer: str | None = Field(
        default=None,
        max_length=13,
        description="NNNNNN-NNNN, its check digit valid; empty for an enskild firma",
    )
    contract_reference: str = Field(min_length=1, max_length=100, description="The contract's diarienummer")
    contract_from: Day
    contract_to: Day | None = None

    def facts(self) -> ProviderFacts:
        return ProviderFacts(**self.model_dump())


class UnitProviderRead(BaseModel):
    procurement_form: ProcurementForm
    provider_name: str
    organisationsnummer: str | None
    contract_reference: str
    contract_from: date
    contract_to: date | None


class UnitCreate(BaseModel):
    name: str = Name
    level: UnitLevel
    parent_id: uuid.UUID
    code: str | None = Field(default=None, max_length=100)
    laws: list[Law] = []
    valid_from: Instant | None = None
    regi: Regi = Field(default=Regi.EGEN, description="egen, or privat (then `provider`)")
    provider: UnitProviderIn | None = None


class UnitUpdate(BaseModel):
    """Rename, change the laws and/or how the unit is run; from `effective_at` (default now, never in
    the future)."""

    name: str | None = Field(default=None, min_length=1, max_length=300)
    laws: list[Law] | None = None
    effective_at: Instant | None = None
    regi: Regi | None = Field(default=None, description="egen, or privat (then `provider`)")
    provider: UnitProviderIn | None = None


class UnitMove(BaseModel):
    parent_id: uuid.UUID
    moved_at: Instant | None = Field(default=None, description="Default now; never in the future")


class UnitClose(BaseModel):
    closed_at: Instant | None = Field(default=None, description="Default now; may be in the future")


class UnitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    code: str | None
    level: UnitLevel
    laws: list[Law]
    regimes: list[Regime] = Field(description="lex_sarah (SoL, LSS, LVU, LVM) and/or lex_maria (HSL)")
    regi: Regi = Field(default=Regi.EGEN, description="egen, or privat: run by `provider`")
    provider: UnitProviderRead | None = None
    valid_from: datetime
    valid_to: datetime | None
    version: int


class UnitChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: ChangeKind
    effective_at: datetime
    name: str | None
    parent_id: uuid.UUID | None
    laws: list[Law] | None
    regi: Regi | None = Field(
        default=None, description="created and regi_changed: egen, or privat (then `provider`) from then on"
    )
    provider: UnitProviderRead | None = None
    actor_id: uuid.UUID | None
    recorded_at: datetime


# ---- people and roles ----------------------------------------------------------------------------
class PersonCreate(BaseModel):
    name: str = Name
    email: EmailStr
    subject: str = Field(min_length=1, max_length=300, description="The identity provider's subject")


class PersonUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=300)
    email: EmailStr | None = None


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    email: str
    subject: str
    active: bool
    version: int


class RoleAssignmentCreate(BaseModel):
    person_id: uuid.UUID
    role: Role
    unit_id: uuid.UUID
    valid_from: Instant | None = None
    valid_to: Instant | None = None
    acting: bool = Field(default=False, description="tf.: stands in for the ordinary holder")


class RoleAssignmentEnd(BaseModel):
    ended_at: Instant | None = Field(default=None, description="Default now")


class RoleAssignmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    role: Role
    unit_id: uuid.UUID
    valid_from: datetime
    valid_to: datetime | None
    acting: bool
    version: int


# ---- delegations, duties -------------------------------------------------------------------------
class DelegationCreate(BaseModel):
    decision_type: str = Field(description="e.g. ivo_anmalan_lex_sarah (permissions.DELEGABLE)")
    from_role: Role = Field(description="The role that owns the decision")
    unit_id: uuid.UUID = Field(description="Where it applies: the unit and its subtree")
    to_person_id: uuid.UUID | None = None
    to_role: Role | None = None
    valid_from: Instant | None = None
    valid_to: Instant | None = None
    reference: str | None = Field(default=None, max_length=200, description="Delegationsordning §")


class DelegationRevoke(BaseModel):
    revoked_at: Instant | None = Field(default=None, description="Default now")


class DelegationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    decision_type: str
    from_role: Role
    unit_id: uuid.UUID
    to_person_id: uuid.UUID | None
    to_role: Role | None
    valid_from: datetime
    valid_to: datetime | None
    reference: str | None
    version: int


class DutyRead(BaseModel):
    duty: Duty
    title: str
    roles: list[Role]
    fallback: list[Role]
    decision_type: str | None
    regime: Regime | None
    source: str


class ResponsiblePersonRead(BaseModel):
    person_id: uuid.UUID
    name: str
    email: str
    role: Role | None = Field(description="The role held; null for a delegation to a named person")
    unit_id: uuid.UUID = Field(description="Where the role or the delegation sits")
    acting: bool
    delegation_id: uuid.UUID | None


class ResponsibleRead(BaseModel):
    duty: Duty
    unit_id: uuid.UUID
    at: datetime
    applies: bool = Field(description="False: the duty does not exist at this unit (its laws)")
    delegated: bool
    people: list[ResponsiblePersonRead] = Field(description="Who the work goes to")
    owners: list[ResponsiblePersonRead] = Field(description="When delegated: the role holders")


# ---- system clients ------------------------------------------------------------------------------
class ClientCreate(BaseModel):
    name: str = Name
    subject: str | None = Field(
        default=None,
        max_length=300,
        description="The client's `sub` at the OIDC issuer (client credentials); made up in dev auth mode",
    )
    unit_ids: list[uuid.UUID] = Field(min_length=1, description="May act for these units and subtrees")
    operations: list[str] = Field(min_length=1, description="Permission actions, e.g. case.create")


class ClientUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=300)
    unit_ids: list[uuid.UUID] | None = Field(default=None, min_length=1)
    operations: list[str] | None = Field(default=None, min_length=1)


class ClientRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    subject: str
    unit_ids: list[uuid.UUID]
    operations: list[str]
    active: bool
    registered_at: datetime
    revoked_at: datetime | None
    version: int


class ClientCredentials(ClientRead):
    dev_token: str | None = Field(
        default=None, description="Dev auth mode only: a bearer token for the client's subject"
    )


# ---- import --------------------------------------------------------------------------------------
class ImportRequest(BaseModel):
    units: list[dict[str, Any]] = Field(
        default=[], description="{code, name, parent_code, level, laws}; a nämnd without parent is the root"
    )
    people: list[dict[str, Any]] = Field(
        default=[], description="{subject, email, name, roles: ['enhetschef@E-SOL', 'tf.mas@FORV']}"
    )
    dry_run: bool = False
    end_missing_roles: bool = Field(default=False, description="End a listed person's roles the file lacks")


class ImportRowRead(BaseModel):
    kind: str
    row: int
    key: str
    outcome: Outcome
    changes: list[str]
    reason: str | None


class ImportReport(BaseModel):
    dry_run: bool
    created: int
    changed: int
    unchanged: int
    rejected: int
    rows: list[ImportRowRead]


# ---- audit, me -----------------------------------------------------------------------------------
class AuditRecordRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    audit_id: uuid.UUID
    service: str
    actor_id: uuid.UUID | None
    client_id: uuid.UUID | None
    object_type: str
    object_id: uuid.UUID
    action: str
    at: datetime


class ScopedRoleRead(BaseModel):
    role: str
    unit_id: uuid.UUID
    acting: bool


class DelegationHeldRead(BaseModel):
    decision_type: str
    from_role: str
    unit_id: uuid.UUID


class MeRead(BaseModel):
    id: uuid.UUID
    name: str
    subject: str
    is_client: bool
    roles: list[ScopedRoleRead]
    delegations: list[DelegationHeldRead]
    operations: list[str] = Field(description="A system client's allowed operations")
