"""What every command needs: the unit of work, the caller with the authorizer, and the service's
components (cipher, deadlines, auditor, attachment store, settings). Plus the shared load-and-check
sequence: visible (else 404) → permitted (else 403) → If-Match (else 412) → allowed now (else 409)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from deviation_svc.adapters.attachments import AttachmentStore
from deviation_svc.adapters.orm import Complaint, DataBreach, Deviation, DeviationAction
from deviation_svc.config import DeviationSettings
from deviation_svc.domain.lifecycle import Step, actions_for, require_step
from deviation_svc.domain.model import DeviationType, RuleViolation, Status
from platform_shared.access import Action, Authorizer, Principal, Target, principal_for
from platform_shared.api.deps import check_version
from platform_shared.audit import Auditor
from platform_shared.crypto import FieldCipher
from platform_shared.deadlines.store import Deadlines
from platform_shared.errors import (
    FieldError,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.directory import OrgDirectory


@dataclass(frozen=True)
class Components:
    settings: DeviationSettings
    cipher: FieldCipher
    deadlines: Deadlines
    auditor: Auditor
    attachments: AttachmentStore


@dataclass(frozen=True)
class Caller:
    principal: Principal
    authz: Authorizer
    directory: OrgDirectory

    @property
    def id(self) -> uuid.UUID:
        return self.principal.person_id

    async def can(self, action: Action, target: Target | uuid.UUID) -> bool:
        return await self.authz.can(self.principal, action, target)

    async def require(self, action: Action, target: Target | uuid.UUID) -> None:
        await self.authz.require(self.principal, action, target)

    async def can_any(self, actions: tuple[Action, ...], target: Target) -> bool:
        return any([await self.can(action, target) for action in actions])

    async def require_any(self, actions: tuple[Action, ...], target: Target) -> None:
        if not await self.can_any(actions[:-1], target):
            await self.require(actions[-1], target)


@dataclass
class Ctx:
    uow: UnitOfWork
    caller: Caller
    parts: Components

    def now(self) -> datetime:
        return self.uow.clock()

    async def audit(self, object_type: str, object_id: uuid.UUID, action: str) -> None:
        await self.parts.auditor.record(self.uow, self.caller.principal, object_type, object_id, action)


def domain_error(err: RuleViolation) -> InvalidTransition | ValidationFailed:
    if err.state:
        return InvalidTransition(err.message)
    return ValidationFailed(err.message, errors=[FieldError(err.field or "body", err.message)])


P = ParamSpec("P")
T = TypeVar("T")


def checked(check: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a domain rule, turning its refusal into the API's error (409 or 422)."""
    try:
        return check(*args, **kwargs)
    except RuleViolation as err:
        raise domain_error(err) from err


def check_patch(changes: dict[str, object], editable: frozenset[str], required: frozenset[str]) -> None:
    """PATCH: only editable fields; a required one cannot be emptied."""
    errors = [FieldError(f, "not editable with PATCH") for f in sorted(set(changes) - editable)]
    errors += [FieldError(f, "cannot be null") for f in sorted(required & set(changes)) if changes[f] is None]
    if errors:
        raise ValidationFailed("Invalid PATCH", errors=errors)


def case_target(d: Deviation, assigned: Iterable[uuid.UUID | None] = ()) -> Target:
    """Reporter as owner; the investigator (and, for reading, action responsibles) as assigned."""
    ids = {i for i in (d.investigator_id, *assigned) if i is not None}
    return Target(
        unit_id=d.unit_id, case_type=d.type, owner_ids=frozenset({d.reporter_id}), assigned_ids=frozenset(ids)
    )


async def responsibles(session: AsyncSession, deviation_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.scalars(
        select(DeviationAction.responsible_id).where(
            DeviationAction.deviation_id == deviation_id, DeviationAction.responsible_id.is_not(None)
        )
    )
    return [r for r in rows.all() if r is not None]


async def may_read(ctx: Ctx, d: Deviation) -> bool:
    """Its reporter, a reader in scope, its investigator or someone responsible for one of its actions."""
    return await ctx.caller.can(Action.CASE_READ, case_target(d, await responsibles(ctx.uow.session, d.id)))


async def visible_deviation(ctx: Ctx, deviation_id: uuid.UUID) -> Deviation:
    """The deviation if the caller may read it; else 404."""
    d = await ctx.uow.session.get(Deviation, deviation_id)
    if d is None or not await may_read(ctx, d):
        raise NotFound("Deviation not found")
    return d


async def load_for_step(
    ctx: Ctx,
    deviation_id: uuid.UUID,
    step: Step,
    if_match: int | None = None,
    *,
    assigned: Iterable[uuid.UUID | None] = (),
) -> Deviation:
    """Load, locked, for a command: 404 → 403 → 412 → 409, in that order; nothing is written.

    `assigned`: people assigned to what the step acts on (an action's responsible). Someone who may
    take the step only as its assignee (a medarbetare completing her action) finds the case even
    though she may not read it (the matrix gives her CASE_ACTIONS 'assigned', CASE_READ 'own')."""
    d = await ctx.uow.session.get(Deviation, deviation_id, with_for_update=True)
    if d is None:
        raise NotFound("Deviation not found")
    actions = checked(actions_for, step, DeviationType(d.type))
    if not await may_read(ctx, d):
        mine = frozenset(i for i in assigned if i is not None)
        as_assignee = Target(unit_id=d.unit_id, case_type=d.type, assigned_ids=mine)
        if not (mine and await ctx.caller.can_any(actions, as_assignee)):
            raise NotFound("Deviation not found")
    await ctx.caller.require_any(actions, case_target(d, assigned))
    check_version(if_match, d.version)
    checked(require_step, step, Status(d.status))
    return d


def touch(d: Deviation, ctx: Ctx) -> None:
    """Every change to a case moves its version (and ETag)."""
    d.updated_at = ctx.now()


async def person_principal(ctx: Ctx, person_id: uuid.UUID) -> Principal | None:
    """Another active person as the authorizer sees them (roles and delegations now), or None."""
    person = await ctx.caller.directory.person(person_id)
    if person is None or not person.active:
        return None
    return await principal_for(ctx.caller.directory, person.subject, ctx.now())


async def require_person(ctx: Ctx, person_id: uuid.UUID, field: str) -> Principal:
    found = await person_principal(ctx, person_id)
    if found is None:
        raise ValidationFailed("Unknown person", errors=[FieldError(field, "no such active person")])
    return found


CaseT = TypeVar("CaseT", Complaint, DataBreach)


def other_case_target(obj: Complaint | DataBreach) -> Target:
    if isinstance(obj, Complaint):
        return Target(unit_id=obj.unit_id, case_type="complaint", owner_ids=frozenset({obj.registered_by}))
    return Target(unit_id=obj.unit_id, case_type="data_breach", owner_ids=frozenset({obj.reported_by}))


async def load_case(
    ctx: Ctx,
    model: type[CaseT],
    object_id: uuid.UUID,
    action: Action | None,
    if_match: int | None = None,
    *,
    lock: bool = True,
) -> CaseT:
    """A complaint or data breach: visible (else 404) → permitted (else 403) → If-Match (else 412)."""
    obj = await ctx.uow.session.get(model, object_id, with_for_update=lock)
    if obj is None or not await ctx.caller.can(Action.CASE_READ, other_case_target(obj)):
        raise NotFound(f"{'Complaint' if model is Complaint else 'Data breach'} not found")
    if action is not None:
        await ctx.caller.require(action, other_case_target(obj))
    check_version(if_match, obj.version)
    return obj
