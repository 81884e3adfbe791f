"""Bulk import of an organisation: plan against the organisation as it is (domain/imports.py), then
carry the plan out in one transaction, every change an event. A dry run plans and reports only."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

from org_svc.adapters.orm import OrgUnit, Person, RoleAssignment, SystemClient
from org_svc.domain import imports as plan_
from org_svc.service_layer import handlers
from org_svc.service_layer.access import IMPORTS, require_grant
from org_svc.service_layer.context import CommandCtx
from platform_shared.access import Action
from platform_shared.messaging.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ImportOrganisation:
    units: Sequence[Mapping[str, Any]]
    people: Sequence[Mapping[str, Any]]
    end_missing_roles: bool = False
    dry_run: bool = False


async def _manageable(ctx: CommandCtx) -> frozenset[uuid.UUID] | None:
    """The units the importer may change (None: all)."""
    require_grant(ctx, Action.ORG_MANAGE, IMPORTS)
    visibility = await ctx.caller.visibility(Action.ORG_MANAGE)
    if visibility.everything:
        return None
    return frozenset(u for units in visibility.units.values() for u in units)


async def import_organisation(ctx: CommandCtx, cmd: ImportOrganisation) -> plan_.ImportPlan:
    manageable = await _manageable(ctx)
    uow = ctx.uow
    snapshot = await _snapshot(uow, manageable)
    plan = plan_.plan_import(cmd.units, cmd.people, snapshot, end_missing_roles=cmd.end_missing_roles)
    if cmd.dry_run or not plan.operations:
        return plan
    await _carry_out(uow, plan.operations, snapshot)
    await ctx.commit()
    return plan


async def _snapshot(uow: UnitOfWork, manageable: frozenset[uuid.UUID] | None) -> plan_.OrgSnapshot:
    session = uow.session
    now = uow.clock()
    units = {
        u.id: plan_.ExistingUnit(
            u.id, u.code, u.name, u.level, u.parent_id, tuple(u.laws), closed=u.valid_to is not None
        )
        for u in await session.scalars(select(OrgUnit))
    }
    roles: dict[uuid.UUID, list[plan_.ExistingRole]] = {}
    for a in await session.scalars(
        select(RoleAssignment).where(or_(RoleAssignment.valid_to.is_(None), RoleAssignment.valid_to > now))
    ):
        roles.setdefault(a.person_id, []).append(plan_.ExistingRole(a.id, a.role, a.unit_id, a.acting))
    people = {
        p.subject: plan_.ExistingPerson(
            p.id, p.subject, p.email, p.name, p.active, tuple(roles.get(p.id, ()))
        )
        for p in await session.scalars(select(Person))
    }
    clients = frozenset(await session.scalars(select(SystemClient.subject)))
    return plan_.OrgSnapshot(units, people, clients, manageable)


async def _carry_out(uow: UnitOfWork, operations: list[plan_.Operation], snapshot: plan_.OrgSnapshot) -> None:
    created: dict[str, uuid.UUID] = {}
    people = {subject: p.id for subject, p in snapshot.people.items()}

    def unit(ref: plan_.UnitRef) -> uuid.UUID:
        return ref if isinstance(ref, uuid.UUID) else created[ref]

    for op in operations:
        match op:
            case plan_.CreateUnitOp():
                new = await handlers.add_unit(
                    uow, handlers.CreateUnit(op.name, op.level, unit(op.parent), op.code, op.laws)
                )
                created[op.code] = new.id
            case plan_.RenameUnitOp():
                await handlers.change_unit(uow, handlers.UpdateUnit(op.unit_id, name=op.name))
            case plan_.ChangeLawsOp():
                await handlers.change_unit(uow, handlers.UpdateUnit(op.unit_id, laws=op.laws))
            case plan_.MoveUnitOp():
                await handlers.move(uow, handlers.MoveUnit(op.unit_id, unit(op.parent)))
            case plan_.RegisterPersonOp():
                person, _ = await handlers.add_person(
                    uow, handlers.RegisterPerson(name=op.name, email=op.email, subject=op.subject)
                )
                people[op.subject] = person.id
            case plan_.UpdatePersonOp():
                await handlers.change_person(
                    uow, handlers.UpdatePerson(op.person_id, name=op.name, email=op.email)
                )
            case plan_.AssignRoleOp():
                await handlers.add_assignment(
                    uow,
                    handlers.AssignRole(people[op.subject], op.role.value, unit(op.unit), acting=op.acting),
                )
            case plan_.EndRoleOp():
                await handlers.end(uow, handlers.EndRole(op.assignment_id))
