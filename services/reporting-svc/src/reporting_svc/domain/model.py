"""Reporting rules in plain Python: report periods, summary counting, escalation notices in Swedish."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class RuleViolation(ValueError):
    """A domain rule refused the input; `field` names the input at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def check_period(first: date, last: date) -> None:
    """A report period is the inclusive local dates first..last; it cannot end before it starts."""
    if first > last:
        raise RuleViolation("'from' must not be after 'to'", "from")


@dataclass(frozen=True)
class Summary:
    total: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    by_unit: dict[uuid.UUID, int] = field(default_factory=dict)


def summarise(counts: Iterable[tuple[str, uuid.UUID, int]]) -> Summary:
    """Rows of (deviation type, unit the report was made for, count) into totals per type and unit."""
    by_type: Counter[str] = Counter()
    by_unit: Counter[uuid.UUID] = Counter()
    for deviation_type, unit_id, n in counts:
        by_type[deviation_type] += n
        by_unit[unit_id] += n
    return Summary(total=sum(by_type.values()), by_type=dict(by_type), by_unit=dict(by_unit))


class EscalationLaw(StrEnum):
    LEX_SARAH = "lex_sarah"
    LEX_MARIA = "lex_maria"


class NotificationKind(StrEnum):
    LEX_SARAH_FILE_ANMALAN = "lex_sarah_file_anmalan"  # to the decision-maker: file with IVO, inform nämnd
    LEX_SARAH_ANMALAN_DECIDED = "lex_sarah_anmalan_decided"  # to kvalitetsledare: for their overview
    LEX_MARIA_FILE_ANMALAN = "lex_maria_file_anmalan"
    LEX_MARIA_ANMALAN_DECIDED = "lex_maria_anmalan_decided"


_DEGREE_TEXT = {
    "allvarligt_missforhallande": "ett allvarligt missförhållande",
    "pataglig_risk_allvarligt": "en påtaglig risk för ett allvarligt missförhållande",
    "allvarlig_vardskada": "en allvarlig vårdskada",
    "risk_allvarlig_vardskada": "risk för en allvarlig vårdskada",
}

_LAW_TEXT = {EscalationLaw.LEX_SARAH: "lex Sarah", EscalationLaw.LEX_MARIA: "lex Maria"}

_INVESTIGATION_TEXT = {
    EscalationLaw.LEX_SARAH: "Utredningen fortsätter och skickas till IVO när den är klar.",
    EscalationLaw.LEX_MARIA: "Bifoga utredningen eller skicka den till IVO snarast därefter.",
}


@dataclass(frozen=True)
class Notice:
    recipient_id: uuid.UUID
    kind: NotificationKind
    title: str
    body: str


def escalation_notices(
    law: EscalationLaw,
    reference: str,
    degree: str,
    decided_by: uuid.UUID,
    kvalitetsledare: Iterable[uuid.UUID],
) -> list[Notice]:
    """Who is told that an IVO anmälan was decided, and what (domain.md 2.3, 5 #6/#8/#9, 8.1).

    The decision-maker gets the task: file the anmälan through IVO:s e-tjänst and inform the nämnd.
    Every kvalitetsledare whose scope covers the unit is told of the decision. One notice per person;
    a decision-maker who is also kvalitetsledare gets the task only.
    """
    law_text = _LAW_TEXT[law]
    degree_text = _DEGREE_TEXT.get(degree, degree)
    file_kind, decided_kind = (
        (NotificationKind.LEX_SARAH_FILE_ANMALAN, NotificationKind.LEX_SARAH_ANMALAN_DECIDED)
        if law is EscalationLaw.LEX_SARAH
        else (NotificationKind.LEX_MARIA_FILE_ANMALAN, NotificationKind.LEX_MARIA_ANMALAN_DECIDED)
    )
    notices = [
        Notice(
            recipient_id=decided_by,
            kind=file_kind,
            title=f"Gör anmälan till IVO enligt {law_text}: {reference}",
            body=(
                f"Du har beslutat att avvikelse {reference} ska anmälas till IVO enligt {law_text} "
                f"({degree_text}). Gör anmälan snarast via IVO:s e-tjänst och informera nämnden om "
                f"anmälan. {_INVESTIGATION_TEXT[law]}"
            ),
        )
    ]
    seen = {decided_by}
    for person_id in kvalitetsledare:
        if person_id in seen:
            continue
        seen.add(person_id)
        notices.append(
            Notice(
                recipient_id=person_id,
                kind=decided_kind,
                title=f"Anmälan till IVO enligt {law_text} beslutad: {reference}",
                body=(
                    f"Beslut har fattats att avvikelse {reference} ska anmälas till IVO enligt {law_text} "
                    f"({degree_text}). Beslutsfattaren gör anmälan via IVO:s e-tjänst och informerar "
                    "nämnden. Följ upp ärendet i kvalitetsarbetet."
                ),
            )
        )
    return notices
