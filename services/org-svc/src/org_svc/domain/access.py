"""Rules for what org-svc hands out: delegations (delegationsordning) and integration clients."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable

from org_svc.domain.model import OrgRuleViolation, parse_role
from platform_shared.permissions import CLIENT_OPERATIONS, DELEGABLE, Action, delegation_owners
from platform_shared.roles import Role


def check_delegation(
    decision_type: str, from_role: str, to_person_id: uuid.UUID | None, to_role: str | None
) -> tuple[Role, Role | None]:
    """A delegable decision, delegated by a role that owns it, to exactly one person or one other
    role. Returns (from_role, to_role)."""
    if decision_type not in DELEGABLE:
        known = ", ".join(sorted(DELEGABLE))
        raise OrgRuleViolation("decision_type", f"Beslutstypen kan inte delegeras (möjliga: {known})")
    owner = parse_role(from_role)
    if owner not in delegation_owners(decision_type):
        owners = ", ".join(sorted(r.value for r in delegation_owners(decision_type)))
        raise OrgRuleViolation(
            "from_role", f"Beslutstypen {decision_type} tillhör {owners}, inte {owner.value}"
        )
    if (to_person_id is None) == (to_role is None):
        raise OrgRuleViolation("to_person_id", "Delegera till antingen en person eller en roll, inte båda")
    delegate = parse_role(to_role) if to_role is not None else None
    if delegate is not None and delegate is owner:
        raise OrgRuleViolation("to_role", "En roll kan inte delegera till sig själv")
    return owner, delegate


def check_client_operations(operations: Iterable[str]) -> list[str]:
    """Permission-matrix actions a system client may be allowed (platform_shared.permissions
    CLIENT_OPERATIONS); decisions, administration and the audit log stay with people."""
    chosen: list[str] = []
    for op in operations:
        try:
            action = Action(op)
        except ValueError as exc:
            raise OrgRuleViolation("operations", f"Okänd operation: {op}") from exc
        if action not in CLIENT_OPERATIONS:
            allowed = ", ".join(sorted(a.value for a in CLIENT_OPERATIONS))
            raise OrgRuleViolation(
                "operations", f"Operationen {op} är inte för systemklienter (tillåtna: {allowed})"
            )
        if action.value not in chosen:
            chosen.append(action.value)
    if not chosen:
        raise OrgRuleViolation("operations", "Ange minst en operation")
    return chosen


def dev_client_subject(name: str, client_id: uuid.UUID) -> str:
    """The token subject of a client registered without one (dev auth mode): `client:<name>-<id>`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "client"
    return f"client:{slug}-{client_id.hex[-8:]}"
