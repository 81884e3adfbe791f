"""Organisation rules in plain Python: the unit levels and how they nest, changes over time, roles."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from platform_shared.errors import RuleViolation
from platform_shared.roles import Role


class UnitLevel(StrEnum):
    NAMND = "namnd"
    FORVALTNING = "forvaltning"
    AVDELNING = "avdelning"
    VERKSAMHETSOMRADE = "verksamhetsomrade"
    ENHET = "enhet"


class Law(StrEnum):
    SOL = "SoL"
    LSS = "LSS"
    HSL = "HSL"
    LVU = "LVU"
    LVM = "LVM"


_RANK = {
    UnitLevel.NAMND: 0,
    UnitLevel.FORVALTNING: 1,
    UnitLevel.AVDELNING: 2,
    UnitLevel.VERKSAMHETSOMRADE: 2,
    UnitLevel.ENHET: 3,
}


class OrgRuleViolation(RuleViolation, ValueError):
    """Bad input for a rule (422 /problems/validation): names the field."""

    def __init__(self, field: str, message: str) -> None:
        RuleViolation.__init__(self, message, field)


class OrgConflict(RuleViolation, ValueError):
    """Not allowed in the object's present state (409 /problems/invalid-transition), e.g. a change to a
    closed unit."""

    def __init__(self, message: str) -> None:
        RuleViolation.__init__(self, message, state=True)


def check_parent_level(parent: UnitLevel | None, child: UnitLevel) -> None:
    """A unit sits below its parent: nämnd > förvaltning > avdelning/verksamhetsområde > enhet."""
    if parent is None:
        if child is not UnitLevel.NAMND:
            raise OrgRuleViolation("parent_id", "Bara en nämnd kan ligga överst i organisationen")
        return
    if _RANK[child] <= _RANK[parent]:
        raise OrgRuleViolation("level", f"Nivån {child.value} kan inte ligga under nivån {parent.value}")


def check_validity(valid_from: datetime, valid_to: datetime | None) -> None:
    if valid_to is not None and valid_to <= valid_from:
        raise OrgRuleViolation("valid_to", "Slutdatum ska vara efter startdatum")


def check_effective_date(
    field: str, at: datetime, *, not_before: datetime, now: datetime, future_allowed: bool
) -> None:
    """A change to the organisation takes effect after what it changes, and (for changes every
    replica applies at once: moves, renames, laws) not in the future."""
    if at < not_before:
        raise OrgRuleViolation(field, f"Datumet får inte vara före {not_before.isoformat()}")
    if not future_allowed and at > now:
        raise OrgRuleViolation(field, "Datumet får inte ligga i framtiden")


def check_unit_open(valid_to: datetime | None) -> None:
    """A closed unit is kept for history and changes no more: no renames, moves, children or roles."""
    if valid_to is not None:
        raise OrgConflict("Enheten är avvecklad")


def check_not_own_subtree(unit_id: uuid.UUID, new_parent_ancestry: list[uuid.UUID]) -> None:
    """A unit cannot be moved under itself or under one of its own descendants."""
    if unit_id in new_parent_ancestry:
        raise OrgRuleViolation(
            "parent_id", "En enhet kan inte flyttas under sig själv eller sina egna underenheter"
        )


def check_children_closed(open_children: int) -> None:
    """A unit closes after its children: move or close them first."""
    if open_children:
        raise OrgConflict(f"Enheten har {open_children} öppna underenheter: flytta eller avveckla dem först")


def check_end(valid_from: datetime, valid_to: datetime | None, ended_at: datetime, now: datetime) -> None:
    """An assignment or a delegation can be ended or cut short while it has not ended; never
    lengthened, never ended before it began."""
    if valid_to is not None and valid_to <= now:
        raise OrgConflict(f"Avslutad redan {valid_to.isoformat()}")
    if ended_at < valid_from:
        raise OrgRuleViolation("ended_at", "Slutet får inte vara före starten")
    if valid_to is not None and ended_at >= valid_to:
        raise OrgRuleViolation(
            "ended_at", f"Slutar redan {valid_to.isoformat()}: ett slutdatum kan inte förlänga perioden"
        )


# Titles that share a role identifier (docs/domain.md 8: kvalitetsledare also covers utvecklingsledare).
ROLE_ALIASES: dict[str, Role] = {"utvecklingsledare": Role.KVALITETSLEDARE}
ACTING_PREFIX = "tf."


def parse_role(value: str) -> Role:
    """A role identifier (platform_shared.roles) or one of its aliases."""
    name = value.strip().lower()
    if name in ROLE_ALIASES:
        return ROLE_ALIASES[name]
    try:
        return Role(name)
    except ValueError as exc:
        raise OrgRuleViolation("role", f"Okänd roll: {value}") from exc


def parse_role_spec(spec: str) -> tuple[Role, str, bool]:
    """`role@unitcode`, `tf.role@unitcode` for an acting (tf.) assignment: (role, unit code, acting)."""
    text = spec.strip()
    acting = text.lower().startswith(ACTING_PREFIX)
    if acting:
        text = text[len(ACTING_PREFIX) :].strip()
    role, at, code = text.partition("@")
    if not at or not role.strip() or not code.strip():
        raise OrgRuleViolation("roles", f"{spec} ska skrivas roll@enhetskod")
    return parse_role(role), code.strip(), acting
