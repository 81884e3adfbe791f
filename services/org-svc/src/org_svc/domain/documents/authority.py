"""Who adopts which document: by kind and scope, kept as tenant data with the seeds' defaults.

Defaults (seed 001 §2.1–2.5, seed 003 §4.1–4.5): riktlinjer and policies of principal importance are
adopted by the nämnd (recorded with meeting date and §); förvaltningsövergripande documents by the
socialchef or förvaltningschef; verksamhetsövergripande by the verksamhetschef (an avdelning's by its
avdelningschef); the unit's own rutiner by the enhetschef. A smaller revision of a document the nämnd
adopted may be decided by the socialchef (seed 000 §4).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from org_svc.domain.documents.kinds import KIND_TITLES, SCOPE_TITLES, DocumentKind, Scope
from org_svc.domain.model import OrgRuleViolation
from platform_shared.decisions import Decision
from platform_shared.roles import Role

NAMND = "namnd"  # the nämnd decides, as a body (platform_shared.decisions)

DEFAULT_DECIDERS: dict[Scope, tuple[str, ...]] = {
    Scope.PRINCIPAL: (NAMND,),
    Scope.FORVALTNING: (Role.SOCIALCHEF.value, Role.FORVALTNINGSCHEF.value),
    Scope.VERKSAMHET: (Role.VERKSAMHETSCHEF.value, Role.AVDELNINGSCHEF.value),
    Scope.ENHET: (Role.ENHETSCHEF.value,),
}
DEFAULT_MINOR_REVISION_DECIDERS: tuple[str, ...] = (Role.SOCIALCHEF.value, Role.FORVALTNINGSCHEF.value)

DECIDER_TITLES: dict[str, str] = {
    NAMND: "nämnden",
    Role.SOCIALCHEF.value: "socialchef",
    Role.FORVALTNINGSCHEF.value: "förvaltningschef",
    Role.VERKSAMHETSCHEF.value: "verksamhetschef",
    Role.AVDELNINGSCHEF.value: "avdelningschef",
    Role.ENHETSCHEF.value: "enhetschef",
    Role.MAS.value: "medicinskt ansvarig sjuksköterska",
}


def check_deciders(deciders: tuple[str, ...]) -> None:
    """Tenant data names the nämnd or roles that decide in their own name, at least one."""
    if not deciders:
        raise OrgRuleViolation("deciders", "Ange vem som beslutar")
    unknown = [d for d in deciders if d not in DECIDER_TITLES]
    if unknown:
        raise OrgRuleViolation("deciders", f"Kan inte besluta om styrdokument: {', '.join(unknown)}")


@dataclass(frozen=True)
class DecisionAuthority:
    """The tenant's rules: a kind-specific override wins over a scope override, which wins over
    the default."""

    by_scope: Mapping[Scope, tuple[str, ...]] = field(default_factory=dict)
    by_kind_and_scope: Mapping[tuple[DocumentKind, Scope], tuple[str, ...]] = field(default_factory=dict)
    minor_revision_deciders: tuple[str, ...] = DEFAULT_MINOR_REVISION_DECIDERS

    def deciders(self, kind: DocumentKind, scope: Scope) -> tuple[str, ...]:
        return (
            self.by_kind_and_scope.get((kind, scope)) or self.by_scope.get(scope) or DEFAULT_DECIDERS[scope]
        )

    def allowed(self, kind: DocumentKind, scope: Scope, *, minor_revision: bool) -> tuple[str, ...]:
        deciders = self.deciders(kind, scope)
        if minor_revision and NAMND in deciders:
            return (*deciders, *(d for d in self.minor_revision_deciders if d not in deciders))
        return deciders

    def check(
        self,
        kind: DocumentKind,
        scope: Scope,
        decision: Decision,
        *,
        minor_revision: bool = False,
        has_published_version: bool = False,
    ) -> None:
        """The decision comes from one who may adopt this kind at this scope. A revision is minor
        only when a version is already in force (a document's first version never is)."""
        if minor_revision and not has_published_version:
            raise OrgRuleViolation(
                "minor_revision", "Första versionen av ett dokument är ingen mindre revidering"
            )
        allowed = self.allowed(kind, scope, minor_revision=minor_revision)
        if decision.decided_by not in allowed:
            who = " eller ".join(DECIDER_TITLES.get(d, d) for d in allowed)
            raise OrgRuleViolation(
                "decision",
                f"{KIND_TITLES[kind]} {SCOPE_TITLES[scope]} beslutas av {who}",
            )


def check_decider_covers(decision: Decision, ancestors_of_each_unit: Iterable[Collection[uuid.UUID]]) -> None:
    """The deciding role (or the nämnd) is held for every unit the document applies to: its unit is
    the unit itself or above it. An enhetschef does not adopt a rutin for another enhet."""
    if any(decision.unit_id not in ancestors for ancestors in ancestors_of_each_unit):
        raise OrgRuleViolation(
            "decision", "Beslutsfattaren ansvarar inte för alla enheter som dokumentet gäller för"
        )
