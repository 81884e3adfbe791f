"""Adoption is a recorded decision (issue 12, docs/reporting.md "Who adopts what").

- Who decides: the nämnd adopts the förvaltning's reports (T1, T2, VB, KB, VP; a report for the
  nämnd's own unit too), recorded by the socialchef, förvaltningschef or a kvalitetsledare with the
  meeting date and §; a role fastställer the rest: the patientsäkerhetsberättelse by the MAS, a report
  below the förvaltning (an avdelning's or enhet's KB …) by the unit's own chef.
- When: a report that looks back (T1, T2, VB, KB, PSB, kvalitetsråd material) is adopted after its
  period has ended.
- What: every section of the template has its text.
- One adopted report per type, unit and period: adopting a new version supersedes the old one.

Plain Python: `platform_shared.decisions.Decision` is the decision; the service layer builds it from
the caller and the request and asks these rules.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from platform_shared.decisions import ROLE_TITLES, Decision, DecisionBody
from platform_shared.errors import Forbidden
from platform_shared.roles import Role
from reporting_svc.domain import formats
from reporting_svc.domain.model import RuleViolation
from reporting_svc.domain.report_templates import sections_of
from reporting_svc.domain.reports import TYPE_TITLES, ReportType

# Levels whose reports the nämnd adopts (the förvaltning's, and the nämnd's own).
NAMND_LEVELS = frozenset({"namnd", "forvaltning"})
# The chef who fastställer a report of a unit below the förvaltning.
CHEF_OF_LEVEL: dict[str, Role] = {
    "verksamhetsomrade": Role.VERKSAMHETSCHEF,
    "avdelning": Role.AVDELNINGSCHEF,
    "enhet": Role.ENHETSCHEF,
}
LOOKS_BACK = frozenset(
    {ReportType.T1, ReportType.T2, ReportType.VB, ReportType.KB, ReportType.PSB, ReportType.KVALITETSRAD}
)
EMPTY_TEXT = "Text saknas ännu."


@dataclass(frozen=True)
class Adopter:
    """Who adopts a report: the nämnd (body NAMND, role None) or one role (body ROLE)."""

    body: DecisionBody
    role: Role | None = None

    def describe(self) -> str:
        if self.body is DecisionBody.NAMND:
            return "nämnden"
        assert self.role is not None
        return ROLE_TITLES.get(self.role, self.role.value)


NAMND = Adopter(DecisionBody.NAMND)


def adopter_of(report_type: ReportType, unit_level: str) -> Adopter:
    """The patientsäkerhetsberättelse: the MAS (domain.md 8.2); the förvaltning's reports: the nämnd;
    a report of a unit below it: the unit's chef (an avdelning's KB by the avdelningschef …)."""
    if report_type is ReportType.PSB:
        return Adopter(DecisionBody.ROLE, Role.MAS)
    if unit_level in NAMND_LEVELS:
        if report_type is ReportType.KVALITETSRAD:  # internal material: the socialchef, not the nämnd
            return Adopter(DecisionBody.ROLE, Role.SOCIALCHEF)
        return NAMND
    return Adopter(DecisionBody.ROLE, CHEF_OF_LEVEL.get(unit_level, Role.ENHETSCHEF))


def decision_text(decision: Decision) -> str:
    """'Nämndens beslut 12 mars 2027 § 85 (dnr SN 2027/12)' or 'Fastställd av enhetschef 4 mars 2027'."""
    return decision.describe(role_phrase="Fastställd av")


def check_decider(adopter: Adopter, decision: Decision) -> None:
    """The decision is of the kind the report needs: the nämnd's (meeting and §) or the right role's.
    A nämnd member never decides alone: `Decision` refuses her role, and she holds no adopting grant."""
    if adopter.body is DecisionBody.NAMND and decision.body is not DecisionBody.NAMND:
        raise Forbidden(
            "Rapporten fastställs av nämnden: registrera nämndens beslut med sammanträdets datum och §"
        )
    if adopter.body is DecisionBody.ROLE and (
        decision.body is DecisionBody.NAMND or decision.role is not adopter.role
    ):
        raise Forbidden(f"Rapporten fastställs av {adopter.describe()}")


def check_period_ended(report_type: ReportType, last_day: date, decided_on: date) -> None:
    """A report that looks back is adopted once its period has ended (409)."""
    if report_type in LOOKS_BACK and decided_on <= last_day:
        raise RuleViolation(
            f"{TYPE_TITLES[report_type]} avser perioden till och med {formats.day(last_day)} och kan "
            f"fastställas tidigast {formats.day(date.fromordinal(last_day.toordinal() + 1))}",
            state=True,
        )


def empty_sections(report_type: ReportType, texts: Mapping[str, str]) -> list[str]:
    """The headings of the template's sections still without text (in template order)."""
    return [
        s.heading
        for s in sections_of(report_type)
        if not (text := (texts.get(s.key) or "").strip()) or text.startswith(EMPTY_TEXT)
    ]


def check_sections_written(report_type: ReportType, texts: Mapping[str, str]) -> None:
    """No report is adopted with a required section empty (409 listing them)."""
    missing = empty_sections(report_type, texts)
    if missing:
        raise RuleViolation(
            "Rapporten kan inte fastställas med tomma avsnitt: " + ", ".join(missing), state=True
        )


@dataclass(frozen=True)
class AdoptedVersion:
    """An adopted report of the same type, unit and period (the one a new adoption replaces)."""

    id: uuid.UUID
    superseded: bool


def superseded_by_adoption(report_id: uuid.UUID, same_period: Iterable[AdoptedVersion]) -> list[uuid.UUID]:
    """One adopted report per type, unit and period: adopting `report_id` replaces the ones in force
    (they are kept, marked as replaced)."""
    return [v.id for v in same_period if v.id != report_id and not v.superseded]


def check_in_force(superseded: bool) -> None:
    """A replaced version is kept for the record; it is not sent to the nämnd (409)."""
    if superseded:
        raise RuleViolation(
            "Rapporten är ersatt av en senare fastställd version och anmäls inte i nämnden", state=True
        )


def check_adoption(
    report_type: ReportType,
    unit_level: str,
    last_day: date,
    texts: Mapping[str, str],
    decision: Decision,
    today: date,
) -> None:
    """Every rule of an adoption, in the order a person fixes them: who, when, what."""
    check_decider(adopter_of(report_type, unit_level), decision)
    decision.check_not_after(today)
    check_period_ended(report_type, last_day, decision.decided_on)
    check_sections_written(report_type, texts)
