"""Deny-by-default authorisation from a permission matrix kept as data.

action -> roles; a role's scope is its unit and that unit's subtree.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from platform_shared.errors import Forbidden
from platform_shared.orgreplica.directory import OrgDirectory, ScopedRole
from platform_shared.roles import Role


class Action(StrEnum):
    ORG_READ = "org.read"
    ORG_MANAGE = "org.manage"
    DEVIATION_READ = "deviation.read"
    IVO_DECISION_LEX_SARAH = "deviation.ivo_decision.lex_sarah"
    IVO_DECISION_LEX_MARIA = "deviation.ivo_decision.lex_maria"
    RISK_MANAGE = "risk.manage"
    RISK_READ = "risk.read"
    REPORTS_READ = "reports.read"


_MANAGERS = {
    Role.SOCIALCHEF,
    Role.FORVALTNINGSCHEF,
    Role.VERKSAMHETSCHEF,
    Role.AVDELNINGSCHEF,
    Role.ENHETSCHEF,
}

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.ORG_READ: frozenset(Role),
    Action.ORG_MANAGE: frozenset({Role.SYSTEMADMINISTRATOR}),
    Action.DEVIATION_READ: frozenset(_MANAGERS | {Role.MAS, Role.SAS, Role.KVALITETSLEDARE}),
    Action.IVO_DECISION_LEX_SARAH: frozenset({Role.SOCIALCHEF, Role.FORVALTNINGSCHEF}),
    Action.IVO_DECISION_LEX_MARIA: frozenset({Role.MAS}),
    Action.RISK_MANAGE: frozenset(_MANAGERS | {Role.MAS, Role.KVALITETSLEDARE}),
    Action.RISK_READ: frozenset(
        _MANAGERS | {Role.MAS, Role.KVALITETSLEDARE, Role.CONTROLLER, Role.NAMND_LEDAMOT}
    ),
    Action.REPORTS_READ: frozenset(
        _MANAGERS
        | {
            Role.MAS,
            Role.SAS,
            Role.KVALITETSLEDARE,
            Role.VERKSAMHETSUTVECKLARE,
            Role.CONTROLLER,
            Role.NAMND_LEDAMOT,
        }
    ),
}


@dataclass(frozen=True)
class Principal:
    person_id: uuid.UUID
    subject: str
    name: str
    roles: tuple[ScopedRole, ...] = field(default_factory=tuple)

    @property
    def is_staff(self) -> bool:
        """Has an active role somewhere: enough to report a deviation for any unit."""
        return bool(self.roles)

    def roles_for(self, action: Action) -> list[ScopedRole]:
        allowed = PERMISSIONS[action]
        return [r for r in self.roles if r.role in allowed]


def permits(roles: Iterable[ScopedRole], action: Action, unit_ancestry: Iterable[uuid.UUID]) -> bool:
    allowed = PERMISSIONS[action]
    ancestry = set(unit_ancestry)
    return any(r.role in allowed and r.unit_id in ancestry for r in roles)


class Authorizer:
    def __init__(self, directory: OrgDirectory) -> None:
        self._directory = directory

    async def can(self, principal: Principal, action: Action, unit_id: uuid.UUID) -> bool:
        if not principal.roles_for(action):
            return False
        return permits(principal.roles, action, await self._directory.ancestors_and_self(unit_id))

    async def require(self, principal: Principal, action: Action, unit_id: uuid.UUID) -> None:
        if not await self.can(principal, action, unit_id):
            raise Forbidden(f"Din roll ger inte behörighet till '{action}' för denna enhet")

    async def visible_units(self, principal: Principal, action: Action) -> set[uuid.UUID]:
        """Every unit in the subtrees the principal's roles cover for `action`."""
        units: set[uuid.UUID] = set()
        for scoped in principal.roles_for(action):
            units.update(await self._directory.subtree(scoped.unit_id))
        return units
