"""Egenkontroll outside the internkontrollplan: area, method, result, analysis and actions; comparisons
(Öppna jämförelser, Kolada, KKiK) are entered as figures against a reference value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from risk_svc.domain.model import RuleViolation


class SelfAssessmentMethod(StrEnum):
    OPPNA_JAMFORELSER = "oppna_jamforelser"
    KOLADA = "kolada"
    KKIK = "kkik"
    AKTGRANSKNING = "aktgranskning"
    BRUKARUNDERSOKNING = "brukarundersokning"
    ENKAT = "enkat"
    STICKPROV = "stickprov"
    LOGGKONTROLL = "loggkontroll"
    STATISTIK = "statistik"
    QUSTA = "qusta"
    OBSERVATION = "observation"
    ANNAN = "annan"


COMPARISON_METHODS = frozenset(
    {SelfAssessmentMethod.OPPNA_JAMFORELSER, SelfAssessmentMethod.KOLADA, SelfAssessmentMethod.KKIK}
)


class SelfAssessmentStatus(StrEnum):
    DRAFT = "draft"
    COMPLETED = "completed"


class SelfAssessmentResult(StrEnum):
    OK = "ok"
    BRISTER = "brister"


@dataclass(frozen=True)
class Figure:
    indicator: str
    value: float
    reference_value: float | None = None  # e.g. riket or similar municipalities
    higher_is_better: bool = True

    @property
    def below_reference(self) -> bool | None:
        """Worse than the reference value (None when there is none to compare with)."""
        if self.reference_value is None:
            return None
        if self.higher_is_better:
            return self.value < self.reference_value
        return self.value > self.reference_value


def check_open(status: SelfAssessmentStatus) -> None:
    if status is not SelfAssessmentStatus.DRAFT:
        raise RuleViolation("En slutförd egenkontroll kan inte ändras", state=True)


def complete(
    status: SelfAssessmentStatus, method: SelfAssessmentMethod, figures: Sequence[Figure], analysis: str
) -> SelfAssessmentStatus:
    """Completing records the result with an analysis; a comparison needs its figures."""
    check_open(status)
    if method in COMPARISON_METHODS and not figures:
        raise RuleViolation("En jämförelse (Öppna jämförelser, Kolada, KKiK) anges med nyckeltal", "figures")
    if not analysis.strip():
        raise RuleViolation("Analysen av resultatet krävs", "analysis")
    return SelfAssessmentStatus.COMPLETED
