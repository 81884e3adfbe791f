"""Organisation rules in plain Python: the unit levels and how they nest, role validity."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

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


class OrgRuleViolation(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def check_parent_level(parent: UnitLevel | None, child: UnitLevel) -> None:
    """A unit sits below its parent: nämnd > förvaltning > avdelning/verksamhetsområde > enhet."""
    if parent is None:
        if child is not UnitLevel.NAMND:
            raise OrgRuleViolation("parent_id", "Only a nämnd can be a root unit")
        return
    if _RANK[child] <= _RANK[parent]:
        raise OrgRuleViolation("level", f"A {child.value} cannot be placed under a {parent.value}")


def check_validity(valid_from: datetime, valid_to: datetime | None) -> None:
    if valid_to is not None and valid_to <= valid_from:
        raise OrgRuleViolation("valid_to", "valid_to must be after valid_from")


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as exc:
        raise OrgRuleViolation("role", f"Unknown role '{value}'") from exc
