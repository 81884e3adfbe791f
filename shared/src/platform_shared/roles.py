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
