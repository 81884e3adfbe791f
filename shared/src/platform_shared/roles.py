"""Role identifiers, the same in every service, token and file (docs/org-and-access.md §3)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SOCIALCHEF = "socialchef"
    FORVALTNINGSCHEF = "forvaltningschef"
    VERKSAMHETSCHEF = "verksamhetschef"
    AVDELNINGSCHEF = "avdelningschef"
    ENHETSCHEF = "enhetschef"
    MAS = "mas"
    SAS = "sas"
    KVALITETSLEDARE = "kvalitetsledare"
    VERKSAMHETSUTVECKLARE = "verksamhetsutvecklare"
    CONTROLLER = "controller"
    MEDARBETARE = "medarbetare"
    SYSTEMADMINISTRATOR = "systemadministrator"
    NAMND_LEDAMOT = "namnd_ledamot"
    MYNDIGHETSCHEF = "myndighetschef"  # head of a myndighet (myndighetsutövning), seed 003 §4.3
    STABSCHEF = "stabschef"  # planning, quality development and follow-up, seed 003 §4.9


# A role that holds exactly the grants of another (seed 003 §4.3, §4.9): the permission matrix copies
# the other role's column, so every action, also ones added later, treats them alike.
GRANTS_AS: dict[Role, Role] = {
    Role.MYNDIGHETSCHEF: Role.VERKSAMHETSCHEF,
    Role.STABSCHEF: Role.KVALITETSLEDARE,
}
