"""Org commands: load, check the rules, change, emit — one UnitOfWork, one commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from org_svc.adapters.orm import OrgUnit, Person, RoleAssignment, replica
from org_svc.domain.model import (
    Law,
    OrgRuleViolation,
    UnitLevel,
    check_parent_level,
    check_validity,
    parse_role,
)
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.org import OrgUnitCreated, PersonRegistered, RoleAssigned
from platform_shared.errors import Conflict, FieldError, NotFound, ValidationFailed
from platform_shared.ids import new_id
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.projector import ReplicaProjector


@dataclass(frozen=True)
class CreateUnit:
    name: str
    level: UnitLevel
    parent_id: uuid.UUID | None
    code: str | None = None
    laws: tuple[Law, ...] = ()
    valid_from: datetime | None = None


@dataclass(frozen=True)
class RegisterPerson:
    name: str
    email: str
    subject: str


@dataclass(frozen=True)
class AssignRole:
    person_id: uuid.UUID
    role: str
    unit_id: uuid.UUID
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    acting: bool = False
    extra: dict[str, str] = field(default_factory=dict)


_replica = ReplicaProjector(replica)


async def record(uow: UnitOfWork, event: EventPayload) -> None:
    """Emit an org event and apply it to org-svc's own replica in the same transaction."""
    uow.emit(event)
    await _replica.apply(uow.session, event)


def _invalid(err: OrgRuleViolation) -> ValidationFailed:
    return ValidationFailed(err.message, errors=[FieldError(err.field, err.message)])


async def create_unit(uow: UnitOfWork, cmd: CreateUnit) -> OrgUnit:
    session = uow.session
    parent = await session.get(OrgUnit, cmd.parent_id) if cmd.parent_id else None
    if cmd.parent_id and parent is None:
        raise ValidationFailed("Parent unit not found", errors=[FieldError("parent_id", "not found")])
    try:
        check_parent_level(UnitLevel(parent.level) if parent else None, cmd.level)
    except OrgRuleViolation as err:
        raise _invalid(err) from err
    if cmd.code and await session.scalar(select(OrgUnit.id).where(OrgUnit.code == cmd.code)):
        raise Conflict(f"A unit with code '{cmd.code}' already exists")
    unit = OrgUnit(
        id=new_id(),
        parent_id=cmd.parent_id,
        name=cmd.name,
        code=cmd.code,
        level=cmd.level.value,
        laws=[law.value for law in cmd.laws],
        valid_from=cmd.valid_from or uow.clock(),
    )
    session.add(unit)
    await record(
        uow,
        OrgUnitCreated(
            unit_id=unit.id,
            parent_id=unit.parent_id,
            name=unit.name,
            code=unit.code,
            level=unit.level,
            laws=unit.laws,
            valid_from=unit.valid_from,
        ),
    )
    await uow.commit()
    return unit


async def register_person(uow: UnitOfWork, cmd: RegisterPerson) -> tuple[Person, bool]:
    """Idempotent on the identity provider's subject: (person, created)."""
    session = uow.session
    existing = await session.scalar(select(Person).where(Person.subject == cmd.subject))
    if existing is not None:
        return existing, False
    person = Person(id=new_id(), subject=cmd.subject, email=cmd.email, name=cmd.name, active=True)
    session.add(person)
    await record(
        uow,
        PersonRegistered(person_id=person.id, subject=person.subject, email=person.email, name=person.name),
    )
    await uow.commit()
    return person, True


async def assign_role(uow: UnitOfWork, cmd: AssignRole) -> RoleAssignment:
    session = uow.session
    try:
        role = parse_role(cmd.role)
        valid_from = cmd.valid_from or uow.clock()
        check_validity(valid_from, cmd.valid_to)
    except OrgRuleViolation as err:
        raise _invalid(err) from err
    if await session.get(Person, cmd.person_id) is None:
        raise NotFound("Person not found")
    if await session.get(OrgUnit, cmd.unit_id) is None:
        raise ValidationFailed("Unit not found", errors=[FieldError("unit_id", "not found")])
    assignment = RoleAssignment(
        id=new_id(),
        person_id=cmd.person_id,
        role=role.value,
        unit_id=cmd.unit_id,
        valid_from=valid_from,
        valid_to=cmd.valid_to,
        acting=cmd.acting,
    )
    session.add(assignment)
    await record(
        uow,
        RoleAssigned(
            assignment_id=assignment.id,
            person_id=assignment.person_id,
            role=assignment.role,
            unit_id=assignment.unit_id,
            valid_from=assignment.valid_from,
            valid_to=assignment.valid_to,
            acting=assignment.acting,
        ),
    )
    await uow.commit()
    return assignment


async def bootstrap(
    uow: UnitOfWork, *, organisation_name: str, admin_subject: str, admin_email: str, admin_name: str
) -> uuid.UUID:
    """First start: a root nämnd and its systemadministrator. Does nothing when a root exists."""
    root = await uow.session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).limit(1))
    if root is not None:
        return root.id
    root = await create_unit(uow, CreateUnit(name=organisation_name, level=UnitLevel.NAMND, parent_id=None))
    person, _ = await register_person(
        uow, RegisterPerson(name=admin_name, email=admin_email, subject=admin_subject)
    )
    await assign_role(uow, AssignRole(person_id=person.id, role="systemadministrator", unit_id=root.id))
    return root.id
