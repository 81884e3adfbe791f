"""Investigation content required by SOSFS 2011:5 5 kap (docs/domain.md 3): what must be written before the
investigation can be completed, and how each entry is recorded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from deviation_svc.domain.model import CauseArea, RuleViolation


class Method(StrEnum):
    STANDARD = "standard"
    FORENKLAD = "forenklad"  # a short ställningstagande when there is clearly no missförhållande
    LEX_SARAH = "lex_sarah"
    HANDELSEANALYS = "handelseanalys"


class Section(StrEnum):
    WHAT_HAPPENED = "what_happened"  # what happened, when it occurred
    CONSEQUENCES = "consequences"  # actual and possible consequences
    NOTICED = "noticed"  # when and how it was noticed
    CAUSES = "causes"  # identified causes, each with a cause area
    EARLIER_EVENTS = "earlier_events"  # earlier similar events and why it recurred
    RECURRENCE_RISK = "recurrence_risk"  # risk that it happens again
    MEASURES = "measures"  # remedial measures with dates
    OTHER = "other"  # other findings


SECTION_LABELS: dict[Section, str] = {
    Section.WHAT_HAPPENED: "vad som hänt",
    Section.CONSEQUENCES: "konsekvenser",
    Section.NOTICED: "när och hur det upptäcktes",
    Section.CAUSES: "orsaker",
    Section.EARLIER_EVENTS: "tidigare liknande händelser",
    Section.RECURRENCE_RISK: "risk för upprepning",
    Section.MEASURES: "åtgärder",
    Section.OTHER: "övrigt",
}


class EntryKind(StrEnum):
    FACT = "fact"
    ASSESSMENT = "assessment"


# SOSFS 2011:5 5 kap: every one of these must be documented; a simplified investigation
# (a ställningstagande that there is clearly none) needs what happened and its consequences.
REQUIRED_SECTIONS: dict[Method, tuple[Section, ...]] = {
    Method.FORENKLAD: (Section.WHAT_HAPPENED, Section.CONSEQUENCES),
    **{
        m: (
            Section.WHAT_HAPPENED,
            Section.CONSEQUENCES,
            Section.NOTICED,
            Section.CAUSES,
            Section.EARLIER_EVENTS,
            Section.RECURRENCE_RISK,
            Section.MEASURES,
        )
        for m in (Method.STANDARD, Method.LEX_SARAH, Method.HANDELSEANALYS)
    },
}


@dataclass(frozen=True)
class EntryFacts:
    section: Section
    cause_area: CauseArea | None


def check_entry(section: Section, cause_area: CauseArea | None) -> None:
    """A cause names its cause area (system causes, not blame); other sections have none."""
    if section is Section.CAUSES and cause_area is None:
        raise RuleViolation("En orsak anger sitt orsaksområde", "cause_area")
    if section is not Section.CAUSES and cause_area is not None:
        raise RuleViolation("Bara en orsak har ett orsaksområde", "cause_area")


def missing_sections(method: Method, entries: Iterable[EntryFacts]) -> list[Section]:
    written = {e.section for e in entries}
    return [s for s in REQUIRED_SECTIONS[method] if s not in written]


def check_complete(method: Method, entries: Iterable[EntryFacts], conclusion: str) -> list[CauseArea]:
    """The investigation may complete when every required section is written and it concludes;
    returns the cause areas found (for the event)."""
    entries = list(entries)
    missing = missing_sections(method, entries)
    if missing:
        raise RuleViolation(
            "Utredningen saknar innehåll som SOSFS 2011:5 kräver: "
            + ", ".join(SECTION_LABELS[s] for s in missing),
            state=True,
        )
    if not conclusion.strip():
        raise RuleViolation("Utredningen avslutas med ett ställningstagande", "conclusion")
    return sorted({e.cause_area for e in entries if e.cause_area is not None})
