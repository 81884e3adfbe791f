"""Deny-by-default authorisation, decided in one place from the permission matrix (permissions.py)
and the org replica: roles and delegations of the caller, the unit tree as scope.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from platform_shared.errors import Forbidden
from platform_shared.orgreplica.directory import Delegation, OrgDirectory, ScopedRole
from platform_shared.permissions import ACTION_LABELS, DELEGABLE, PERMISSIONS, Action, Grant, Scope
from platform_shared.roles import Role

__all__ = ["Action", "Authorizer", "Principal", "Target", "Visibility", "principal_for"]


@dataclass(frozen=True)
class Principal:
    """The caller: a person (roles from the replica) or a registered integration client."""

    person_id: uuid.UUID
    subject: str
    name: str
    roles: tuple[ScopedRole, ...] = field(default_factory=tuple)
    delegations: tuple[Delegation, ...] = field(default_factory=tuple)
    is_client: bool = False
    client_units: tuple[uuid.UUID, ...] = ()
    client_operations: frozenset[str] = frozenset()

    @property
    def is_staff(self) -> bool:
        """Has an active role somewhere."""
        return bool(self.roles) or self.is_client

    def grants_for(self, action: Action) -> list[tuple[ScopedRole, Grant]]:
        table = PERMISSIONS[action]
        found: list[tuple[ScopedRole, Grant]] = []
        for scoped in self.roles:
            try:
                role = Role(scoped.role)
            except ValueError:
                continue
            found.extend((scoped, grant) for grant in table.get(role, ()))
        return found

    def delegations_for(self, action: Action) -> list[Delegation]:
        return [d for d in self.delegations if DELEGABLE.get(d.decision_type) == action]

    def may(self, action: Action) -> bool:
        """Holds some grant for the action (anywhere), a delegation, or a client operation."""
        if self.is_client:
            return action.value in self.client_operations
        return bool(self.grants_for(action) or self.delegations_for(action))


@dataclass(frozen=True)
class Target:
    """What an action is taken on: its unit, kind of case, and who owns or is assigned to it."""

    unit_id: uuid.UUID
    case_type: str | None = None
    owner_ids: frozenset[uuid.UUID] = frozenset()
    assigned_ids: frozenset[uuid.UUID] = frozenset()


@dataclass(frozen=True)
class Visibility:
    """Which objects a list may show: the SQL filter is built by each service from this."""

    everything: bool = False
    units: dict[frozenset[str] | None, set[uuid.UUID]] = field(default_factory=dict)  # case types -> units
    own: bool = False
    assigned: bool = False
    aggregate_only: bool = False

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.units or self.own or self.assigned)


class Authorizer:
    def __init__(self, directory: OrgDirectory) -> None:
        self._directory = directory

    async def can(self, principal: Principal, action: Action, target: Target | uuid.UUID) -> bool:
        if isinstance(target, uuid.UUID):
            target = Target(unit_id=target)
        if principal.is_client:
            return action.value in principal.client_operations and await self._within(
                principal.client_units, target.unit_id
            )
        ancestry: set[uuid.UUID] | None = None
        for scoped, grant in principal.grants_for(action):
            if not grant.admits(target.case_type):
                continue
            if grant.scope is Scope.ALL:
                return True
            if grant.scope is Scope.OWN and principal.person_id in target.owner_ids:
                return True
            if grant.scope is Scope.ASSIGNED and principal.person_id in target.assigned_ids:
                return True
            if grant.scope is Scope.SUBTREE:
                if ancestry is None:
                    ancestry = set(await self._directory.ancestors_and_self(target.unit_id))
                if scoped.unit_id in ancestry:
                    return True
        for delegation in principal.delegations_for(action):
            if ancestry is None:
                ancestry = set(await self._directory.ancestors_and_self(target.unit_id))
            if delegation.unit_id in ancestry:
                return True
        return False

    async def require(self, principal: Principal, action: Action, target: Target | uuid.UUID) -> None:
        if not await self.can(principal, action, target):
            raise Forbidden(f"Din roll ger inte behörighet att {ACTION_LABELS[action]} här")

    async def can_aggregate(self, principal: Principal, action: Action, unit_id: uuid.UUID) -> bool:
        """May see figures for this unit (an AGGREGATE grant counts, scoped by its role's unit)."""
        if await self.can(principal, action, unit_id):
            return True
        ancestry = set(await self._directory.ancestors_and_self(unit_id))
        return any(
            grant.scope is Scope.AGGREGATE and scoped.unit_id in ancestry
            for scoped, grant in principal.grants_for(action)
        )

    async def aggregate_units(self, principal: Principal, action: Action) -> set[uuid.UUID] | None:
        """Units whose figures the principal may see (None: all of them), from every grant's scope."""
        units: set[uuid.UUID] = set()
        for scoped, grant in principal.grants_for(action):
            if grant.scope is Scope.ALL:
                return None
            if grant.scope in (Scope.SUBTREE, Scope.AGGREGATE):
                units.update(await self._directory.subtree(scoped.unit_id))
        return units

    async def visibility(self, principal: Principal, action: Action) -> Visibility:
        if principal.is_client:
            if action.value not in principal.client_operations:
                return Visibility()
            units: set[uuid.UUID] = set()
            for unit in principal.client_units:
                units.update(await self._directory.subtree(unit))
            return Visibility(units={None: units})
        everything = False
        by_types: dict[frozenset[str] | None, set[uuid.UUID]] = {}
        own = assigned = aggregate = False
        for scoped, grant in principal.grants_for(action):
            if grant.scope is Scope.ALL:
                everything = True  # the matrix has no ALL grant narrowed to case types
            elif grant.scope is Scope.SUBTREE:
                by_types.setdefault(grant.case_types, set()).update(
                    await self._directory.subtree(scoped.unit_id)
                )
            elif grant.scope is Scope.OWN:
                own = True
            elif grant.scope is Scope.ASSIGNED:
                assigned = True
            elif grant.scope is Scope.AGGREGATE:
                aggregate = True
        for delegation in principal.delegations_for(action):
            by_types.setdefault(None, set()).update(await self._directory.subtree(delegation.unit_id))
        return Visibility(
            everything=everything,
            units=by_types,
            own=own,
            assigned=assigned,
            aggregate_only=aggregate and not (everything or by_types or own or assigned),
        )

    async def _within(self, roots: Iterable[uuid.UUID], unit_id: uuid.UUID) -> bool:
        ancestry = set(await self._directory.ancestors_and_self(unit_id))
        return any(root in ancestry for root in roots)


async def principal_for(directory: OrgDirectory, subject: str, at: datetime) -> Principal | None:
    """Who a token's subject is: an active person (roles and delegations in force at `at`, from the
    replica, never from token claims) or an active registered system client; None: neither."""
    found = await directory.caller(subject, at)
    if found is not None and found[0].active:
        person, roles, delegations = found
        return Principal(
            person_id=person.id,
            subject=person.subject,
            name=person.name,
            roles=tuple(roles),
            delegations=tuple(delegations),
        )
    client = await directory.client_by_subject(subject)
    if client is not None and client.active:
        return Principal(
            person_id=client.id,
            subject=client.subject,
            name=client.name,
            is_client=True,
            client_units=client.unit_ids,
            client_operations=client.operations,
        )
    return None
