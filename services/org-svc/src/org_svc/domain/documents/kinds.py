"""What a governing document is, and the scope it applies at (which decides who adopts it)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from org_svc.domain.model import OrgRuleViolation, UnitLevel


class DocumentKind(StrEnum):
    POLICY = "policy"
    RIKTLINJE = "riktlinje"
    PROCESS = "process"
    RUTIN = "rutin"
    INSTRUKTION = "instruktion"
    CHECKLISTA = "checklista"
    MALL = "mall"


KIND_TITLES: dict[DocumentKind, str] = {
    DocumentKind.POLICY: "Policy",
    DocumentKind.RIKTLINJE: "Riktlinje",
    DocumentKind.PROCESS: "Processbeskrivning",
    DocumentKind.RUTIN: "Rutin",
    DocumentKind.INSTRUKTION: "Instruktion",
    DocumentKind.CHECKLISTA: "Checklista",
    DocumentKind.MALL: "Mall",
}


class Scope(StrEnum):
    """How far a document reaches: it decides who adopts it (seed 001 §2.2–2.5, seed 003 §4)."""

    PRINCIPAL = "principal"  # av principiell vikt: the nämnd
    FORVALTNING = "forvaltning"  # förvaltningsövergripande
    VERKSAMHET = "verksamhet"  # verksamhetsövergripande (a verksamhetsområde or an avdelning)
    ENHET = "enhet"  # the unit's own rutiner


SCOPE_TITLES: dict[Scope, str] = {
    Scope.PRINCIPAL: "av principiell vikt",
    Scope.FORVALTNING: "förvaltningsövergripande",
    Scope.VERKSAMHET: "verksamhetsövergripande",
    Scope.ENHET: "för enheten",
}

_SCOPE_OF_LEVEL: dict[UnitLevel, Scope] = {
    UnitLevel.NAMND: Scope.FORVALTNING,
    UnitLevel.FORVALTNING: Scope.FORVALTNING,
    UnitLevel.VERKSAMHETSOMRADE: Scope.VERKSAMHET,
    UnitLevel.AVDELNING: Scope.VERKSAMHET,
    UnitLevel.ENHET: Scope.ENHET,
}


_WIDTH = [Scope.PRINCIPAL, Scope.FORVALTNING, Scope.VERKSAMHET, Scope.ENHET]


def scope_of(levels: Iterable[UnitLevel], *, principal: bool) -> Scope:
    """A document's scope follows the highest unit it applies to (a rutin for two enheter in
    different verksamhetsområden is still an enhetsrutin; one for a verksamhetsområde is
    verksamhetsövergripande), unless it is of principal importance: the nämnd adopts those."""
    if principal:
        return Scope.PRINCIPAL
    scopes = [_SCOPE_OF_LEVEL[level] for level in levels]
    if not scopes:
        raise OrgRuleViolation("unit_ids", "Ange minst en enhet som dokumentet gäller för")
    return min(scopes, key=_WIDTH.index)
