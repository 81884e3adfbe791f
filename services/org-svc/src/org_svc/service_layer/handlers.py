"""The work of the org commands on units, people and roles: check the rules, change, emit, in the
caller's UnitOfWork and without committing (the import runs many of them in one transaction). The
handlers (service_layer/<aggregate>/commands.py) check access first and commit once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from org_svc.adapters.orm import Delegation, OrgUnit, OrgUnitChange, Person, RoleAssignment, SystemClient
from org_svc.domain.history import ChangeKind
from org_svc.domain.model import (
    Law,
    OrgConflict,
    OrgRuleViolation,
    UnitLevel,
    check_children_closed,
    check_effective_date,
    check_end,
    check_not_own_subtree,
    check_parent_level,
    check_unit_open,
    check_validity,
    parse_role,
)
from org_svc.domain.providers import ProviderFacts, Regi, check_regi
from org_svc.service_layer.context import directory, record
from org_svc.service_layer.information import dues as information_dues
from platform_shared.contracts import org as ev
from platform_shared.errors import AlreadyExists, FieldError, InvalidTransition, NotFound, ValidationFailed
from platform_shared.ids import new_id
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.roles import Role


@dataclass(frozen=True)
class CreateUnit:
    name: str
    level: UnitLevel
    parent_id: uuid.UUID | None
    code: str | None = None
    laws: tuple[Law, ...] = ()
    valid_from: datetime | None = None
    regi: Regi = Regi.EGEN
    provider: ProviderFacts | None = None


@dataclass(frozen=True)
class UpdateUnit:
    """Rename, change the laws and/or how the unit is run (regi and provider), from `effective_at`
    (default now; never in the future)."""

    unit_id: uuid.UUID
    name: str | None = None
    laws: tuple[Law, ...] | None = None
    effective_at: datetime | None = None
    regi: Regi | None = None
    provider: ProviderFacts | None = None


@dataclass(frozen=True)
class MoveUnit:
    unit_id: uuid.UUID
    parent_id: uuid.UUID
    moved_at: datetime | None = None


@dataclass(frozen=True)
class CloseUnit:
    unit_id: uuid.UUID
    closed_at: datetime | None = None


@dataclass(frozen=True)
class RegisterPerson:
    name: str
    email: str
    subject: str


@dataclass(frozen=True)
class UpdatePerson:
    person_id: uuid.UUID
    name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class SetPersonActive:
    person_id: uuid.UUID
    active: bool


@dataclass(frozen=True)
class AssignRole:
    person_id: uuid.UUID
    role: str
    unit_id: uuid.UUID
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    acting: bool = False


@dataclass(frozen=True)
class EndRole:
    assignment_id: uuid.UUID
    ended_at: datetime | None = None


# ---- units ---------------------------------------------------------------------------------------
async def _history(uow: UnitOfWork, unit: OrgUnit, kind: ChangeKind, at: datetime) -> None:
    regi = kind in (ChangeKind.CREATED, ChangeKind.REGI_CHANGED)
    uow.session.add(
        OrgUnitChange(
            id=new_id(),
            unit_id=unit.id,
            kind=kind.value,
            effective_at=at,
            name=unit.name if kind in (ChangeKind.CREATED, ChangeKind.RENAMED) else None,
            parent_id=unit.parent_id if kind in (ChangeKind.CREATED, ChangeKind.MOVED) else None,
            laws=list(unit.laws) if kind in (ChangeKind.CREATED, ChangeKind.LAWS_CHANGED) else None,
            **({name: getattr(unit, name) for name in REGI_COLUMNS} if regi else {}),
            actor_id=uow.actor_id,
            recorded_at=uow.clock(),
        )
    )


REGI_COLUMNS = (
    "regi",
    "procurement_form",
    "provider_name",
    "organisationsnummer",
    "contract_reference",
    "contract_from",
    "contract_to",
)


def _set_regi(unit: OrgUnit, regi: Regi, facts: ProviderFacts | None) -> bool:
    """The unit's regi columns from the facts; True when they changed."""
    values = {
        "regi": regi.value,
        "procurement_form": facts.procurement_form.value if facts else None,
        "provider_name": facts.provider_name if facts else None,
        "organisationsnummer": facts.organisationsnummer if facts else None,
        "contract_reference": facts.contract_reference if facts else None,
        "contract_from": facts.contract_from if facts else None,
        "contract_to": facts.contract_to if facts else None,
    }
    changed = any(getattr(unit, k) != v for k, v in values.items())
    for k, v in values.items():
        setattr(unit, k, v)
    return changed


def _regi_event(unit: OrgUnit, at: datetime) -> ev.OrgUnitRegiChanged:
    return ev.OrgUnitRegiChanged(
        unit_id=unit.id,
        regi=unit.regi,
        procurement_form=unit.procurement_form,
        provider_name=unit.provider_name,
        organisationsnummer=unit.organisationsnummer,
        contract_reference=unit.contract_reference,
        contract_from=unit.contract_from,
        contract_to=unit.contract_to,
        changed_at=at,
    )


async def _last_change(uow: UnitOfWork, unit: OrgUnit, *kinds: ChangeKind) -> datetime:
    """When the latest change of these kinds (any kind when none is named) took effect."""
    c = OrgUnitChange
    stmt = select(func.max(c.effective_at)).where(c.unit_id == unit.id)
    if kinds:
        stmt = stmt.where(c.kind.in_([k.value for k in kinds]))
    latest = await uow.session.scalar(stmt)
    return max(latest, unit.valid_from) if latest is not None else unit.valid_from


async def load_unit(uow: UnitOfWork, unit_id: uuid.UUID) -> OrgUnit:
    unit = await uow.session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("Enheten finns inte")
    return unit


async def add_unit(uow: UnitOfWork, cmd: CreateUnit) -> OrgUnit:
    session = uow.session
    parent = await session.get(OrgUnit, cmd.parent_id) if cmd.parent_id else None
    if cmd.parent_id and parent is None:
        raise ValidationFailed(
            "Den överordnade enheten finns inte", errors=[FieldError("parent_id", "finns inte")]
        )
    check_parent_level(UnitLevel(parent.level) if parent else None, cmd.level)
    if parent is not None:
        check_unit_open(parent.valid_to)
    if cmd.code and await session.scalar(select(OrgUnit.id).where(OrgUnit.code == cmd.code)):
        raise AlreadyExists(f"En enhet med koden {cmd.code} finns redan")
    facts = check_regi(cmd.regi, cmd.provider)
    unit = OrgUnit(
        id=new_id(),
        parent_id=cmd.parent_id,
        name=cmd.name,
        code=cmd.code,
        level=cmd.level.value,
        laws=[law.value for law in cmd.laws],
        valid_from=cmd.valid_from or uow.clock(),
    )
    _set_regi(unit, cmd.regi, facts)
    session.add(unit)
    await _history(uow, unit, ChangeKind.CREATED, unit.valid_from)
    await record(
        uow,
        ev.OrgUnitCreated(
            unit_id=unit.id,
            parent_id=unit.parent_id,
            name=unit.name,
            code=unit.code,
            level=unit.level,
            laws=unit.laws,
            valid_from=unit.valid_from,
        ),
    )
    if unit.regi != Regi.EGEN:  # no regi event means egen regi to every replica
        await record(uow, _regi_event(unit, unit.valid_from))
    return unit


async def change_unit(uow: UnitOfWork, cmd: UpdateUnit) -> OrgUnit:
    unit = await load_unit(uow, cmd.unit_id)
    now = uow.clock()
    at = cmd.effective_at or now
    check_unit_open(unit.valid_to)
    if cmd.name is not None and cmd.name != unit.name:
        not_before = await _last_change(uow, unit, ChangeKind.RENAMED)
        check_effective_date("effective_at", at, not_before=not_before, now=now, future_allowed=False)
        unit.name = cmd.name
        await _history(uow, unit, ChangeKind.RENAMED, at)
        await record(uow, ev.OrgUnitRenamed(unit_id=unit.id, name=unit.name, renamed_at=at))
    laws = [law.value for law in Law if cmd.laws is not None and law in cmd.laws]
    if cmd.laws is not None and set(laws) != set(unit.laws):
        not_before = await _last_change(uow, unit, ChangeKind.LAWS_CHANGED)
        check_effective_date("effective_at", at, not_before=not_before, now=now, future_allowed=False)
        unit.laws = laws
        await _history(uow, unit, ChangeKind.LAWS_CHANGED, at)
        await record(uow, ev.OrgUnitLawsChanged(unit_id=unit.id, laws=laws, changed_at=at))
    if cmd.regi is not None:
        facts = check_regi(cmd.regi, cmd.provider)
        if _set_regi(unit, cmd.regi, facts):
            not_before = await _last_change(uow, unit, ChangeKind.REGI_CHANGED)
            check_effective_date("effective_at", at, not_before=not_before, now=now, future_allowed=False)
            await _history(uow, unit, ChangeKind.REGI_CHANGED, at)
            await record(uow, _regi_event(unit, at))
    return unit


async def move(uow: UnitOfWork, cmd: MoveUnit) -> OrgUnit:
    unit = await load_unit(uow, cmd.unit_id)
    parent = await uow.session.get(OrgUnit, cmd.parent_id)
    if parent is None:
        raise ValidationFailed(
            "Den överordnade enheten finns inte", errors=[FieldError("parent_id", "finns inte")]
        )
    if unit.parent_id == parent.id:
        return unit  # already there: nothing to do
    now = uow.clock()
    moved_at = cmd.moved_at or now
    since = await _last_change(uow, unit, ChangeKind.MOVED)
    if unit.parent_id is None:
        raise OrgRuleViolation("unit_id", "Nämnden överst i organisationen kan inte flyttas")
    check_unit_open(unit.valid_to)
    check_unit_open(parent.valid_to)
    check_parent_level(UnitLevel(parent.level), UnitLevel(unit.level))
    check_not_own_subtree(unit.id, await directory(uow).ancestors_and_self(parent.id))
    check_effective_date("moved_at", moved_at, not_before=since, now=now, future_allowed=False)
    if moved_at == since:
        raise OrgRuleViolation("moved_at", "Flyttdatumet ska vara efter enhetens senaste flytt")
    old_parent = unit.parent_id
    unit.parent_id = parent.id
    await _history(uow, unit, ChangeKind.MOVED, moved_at)
    await record(
        uow,
        ev.OrgUnitMoved(
            unit_id=unit.id, old_parent_id=old_parent, new_parent_id=parent.id, moved_at=moved_at
        ),
    )
    return unit


async def close(uow: UnitOfWork, cmd: CloseUnit) -> OrgUnit:
    """Close a unit (kept for history): its role assignments end and its delegations are revoked."""
    unit = await load_unit(uow, cmd.unit_id)
    now = uow.clock()
    closed_at = cmd.closed_at or now
    session = uow.session
    open_children = await session.scalar(
        select(func.count())
        .select_from(OrgUnit)
        .where(OrgUnit.parent_id == unit.id, or_(OrgUnit.valid_to.is_(None), OrgUnit.valid_to > closed_at))
    )
    if unit.parent_id is None:
        raise OrgRuleViolation("unit_id", "Nämnden överst i organisationen kan inte avvecklas")
    check_unit_open(unit.valid_to)
    since = await _last_change(uow, unit)
    check_effective_date("closed_at", closed_at, not_before=since, now=now, future_allowed=True)
    check_children_closed(open_children or 0)
    for assignment in await session.scalars(
        select(RoleAssignment).where(
            RoleAssignment.unit_id == unit.id,
            or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to > closed_at),
        )
    ):
        await _end_assignment(uow, assignment, max(assignment.valid_from, closed_at))
    for delegation in await session.scalars(
        select(Delegation).where(
            Delegation.unit_id == unit.id, or_(Delegation.valid_to.is_(None), Delegation.valid_to > closed_at)
        )
    ):
        delegation.valid_to = max(delegation.valid_from, closed_at)
        await record(uow, ev.DelegationRevoked(delegation_id=delegation.id, revoked_at=delegation.valid_to))
    unit.valid_to = closed_at
    await _history(uow, unit, ChangeKind.CLOSED, closed_at)
    await record(uow, ev.OrgUnitClosed(unit_id=unit.id, closed_at=closed_at))
    return unit


# ---- people --------------------------------------------------------------------------------------
async def load_person(uow: UnitOfWork, person_id: uuid.UUID) -> Person:
    person = await uow.session.get(Person, person_id)
    if person is None:
        raise NotFound("Personen finns inte")
    return person


async def add_person(uow: UnitOfWork, cmd: RegisterPerson) -> tuple[Person, bool]:
    """Idempotent on the identity provider's subject: (person, created)."""
    session = uow.session
    existing = await session.scalar(select(Person).where(Person.subject == cmd.subject))
    if existing is not None:
        return existing, False
    if await session.scalar(select(SystemClient.id).where(SystemClient.subject == cmd.subject)):
        raise AlreadyExists("Subjektet tillhör en registrerad systemklient")
    person = Person(id=new_id(), subject=cmd.subject, email=cmd.email, name=cmd.name, active=True)
    session.add(person)
    await _registered(uow, person)
    return person, True


async def _registered(uow: UnitOfWork, person: Person) -> None:
    """PersonRegistered carries a person's current name and e-mail: replicas upsert it, so a
    correction (or a reactivation) is published as the person's registration again."""
    await record(
        uow,
        ev.PersonRegistered(
            person_id=person.id, subject=person.subject, email=person.email, name=person.name
        ),
    )


async def change_person(uow: UnitOfWork, cmd: UpdatePerson) -> Person:
    person = await load_person(uow, cmd.person_id)
    if not person.active:
        raise InvalidTransition("Personen är inaktiverad")
    name = cmd.name if cmd.name is not None else person.name
    email = cmd.email if cmd.email is not None else person.email
    if (name, email) != (person.name, person.email):
        person.name, person.email = name, email
        await _registered(uow, person)
    return person


async def set_active(uow: UnitOfWork, cmd: SetPersonActive) -> Person:
    """Deactivation ends the person's role assignments and revokes delegations to them; reactivation
    gives no role back."""
    person = await load_person(uow, cmd.person_id)
    if person.active == cmd.active:
        raise InvalidTransition("Personen är redan " + ("aktiv" if cmd.active else "inaktiverad"))
    now = uow.clock()
    person.active = cmd.active
    if cmd.active:
        await _registered(uow, person)
        return person
    session = uow.session
    for assignment in await session.scalars(
        select(RoleAssignment).where(
            RoleAssignment.person_id == person.id,
            or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to > now),
        )
    ):
        await _guard_last_administrator(uow, assignment, now)
        await _end_assignment(uow, assignment, max(assignment.valid_from, now))
    for delegation in await session.scalars(
        select(Delegation).where(
            Delegation.to_person_id == person.id,
            or_(Delegation.valid_to.is_(None), Delegation.valid_to > now),
        )
    ):
        delegation.valid_to = max(delegation.valid_from, now)
        await record(uow, ev.DelegationRevoked(delegation_id=delegation.id, revoked_at=delegation.valid_to))
    await record(uow, ev.PersonDeactivated(person_id=person.id, deactivated_at=now))
    return person


# ---- role assignments ----------------------------------------------------------------------------
async def add_assignment(uow: UnitOfWork, cmd: AssignRole) -> RoleAssignment:
    session = uow.session
    valid_from = cmd.valid_from or uow.clock()
    role = parse_role(cmd.role)
    check_validity(valid_from, cmd.valid_to)
    person = await session.get(Person, cmd.person_id)
    if person is None:
        raise ValidationFailed("Personen finns inte", errors=[FieldError("person_id", "finns inte")])
    unit = await session.get(OrgUnit, cmd.unit_id)
    if unit is None:
        raise ValidationFailed("Enheten finns inte", errors=[FieldError("unit_id", "finns inte")])
    check_unit_open(unit.valid_to)
    if not person.active:
        raise OrgConflict("Personen är inaktiverad")
    r = RoleAssignment
    overlapping = await session.scalar(
        select(r.id).where(
            r.person_id == person.id,
            r.role == role.value,
            r.unit_id == unit.id,
            r.acting.is_(cmd.acting),
            or_(r.valid_to.is_(None), r.valid_to > valid_from),
            *([r.valid_from < cmd.valid_to] if cmd.valid_to is not None else []),
        )
    )
    if overlapping is not None:
        raise AlreadyExists("Personen har redan rollen för enheten under perioden")
    assignment = RoleAssignment(
        id=new_id(),
        person_id=person.id,
        role=role.value,
        unit_id=unit.id,
        valid_from=valid_from,
        valid_to=cmd.valid_to,
        acting=cmd.acting,
    )
    session.add(assignment)
    await record(
        uow,
        ev.RoleAssigned(
            assignment_id=assignment.id,
            person_id=assignment.person_id,
            role=assignment.role,
            unit_id=assignment.unit_id,
            valid_from=assignment.valid_from,
            valid_to=assignment.valid_to,
            acting=assignment.acting,
        ),
    )
    await information_dues.open_for_role(uow, assignment)
    return assignment


async def _end_assignment(uow: UnitOfWork, assignment: RoleAssignment, ended_at: datetime) -> None:
    assignment.valid_to = ended_at
    await record(
        uow,
        ev.RoleEnded(assignment_id=assignment.id, person_id=assignment.person_id, ended_at=ended_at),
    )
    await information_dues.cancel_for_role(uow, assignment)


async def _guard_last_administrator(uow: UnitOfWork, assignment: RoleAssignment, ended_at: datetime) -> None:
    """The organisation keeps at least one systemadministrator for the whole of it (the root)."""
    if assignment.role != Role.SYSTEMADMINISTRATOR:
        return
    root = await uow.session.get(OrgUnit, assignment.unit_id)
    if root is None or root.parent_id is not None:
        return
    r = RoleAssignment
    others = await uow.session.scalar(
        select(func.count())
        .select_from(r)
        .join(Person, Person.id == r.person_id)
        .where(
            r.role == Role.SYSTEMADMINISTRATOR.value,
            r.unit_id == root.id,
            r.id != assignment.id,
            r.person_id != assignment.person_id,
            Person.active.is_(True),
            r.valid_from <= ended_at,
            or_(r.valid_to.is_(None), r.valid_to > ended_at),
        )
    )
    if not others:
        raise InvalidTransition("Organisationen måste ha kvar en systemadministratör för hela organisationen")


async def end(uow: UnitOfWork, cmd: EndRole) -> RoleAssignment:
    assignment = await uow.session.get(RoleAssignment, cmd.assignment_id)
    if assignment is None:
        raise NotFound("Rolltilldelningen finns inte")
    now = uow.clock()
    ended_at = cmd.ended_at or max(now, assignment.valid_from)  # a planned one ends before it begins
    check_end(assignment.valid_from, assignment.valid_to, ended_at, now)
    await _guard_last_administrator(uow, assignment, ended_at)
    await _end_assignment(uow, assignment, ended_at)
    return assignment


# ---- first start ---------------------------------------------------------------------------------
async def bootstrap(
    uow: UnitOfWork, *, organisation_name: str, admin_subject: str, admin_email: str, admin_name: str
) -> uuid.UUID:
    """First start: a root nämnd and its systemadministrator. Does nothing when a root exists."""
    root = await uow.session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).limit(1))
    if root is not None:
        return root.id
    root = await add_unit(uow, CreateUnit(name=organisation_name, level=UnitLevel.NAMND, parent_id=None))
    person, _ = await add_person(
        uow, RegisterPerson(name=admin_name, email=admin_email, subject=admin_subject)
    )
    await add_assignment(uow, AssignRole(person_id=person.id, role=Role.SYSTEMADMINISTRATOR, unit_id=root.id))
    await uow.commit()
    return root.id
