"""Risk rules in plain Python: the 4×4 matrix, risk value and bands (domain.md 6), states (4.2)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Probability(IntEnum):
    """Sannolikhet."""

    MYCKET_LITEN = 1  # ≈ yearly
    LITEN = 2  # monthly
    STOR = 3  # weekly
    MYCKET_STOR = 4  # daily


class Consequence(IntEnum):
    """Konsekvens."""

    MINDRE = 1
    MATTLIG = 2
    BETYDANDE = 3
    KATASTROFAL = 4


class RiskBand(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


class RiskStatus(StrEnum):
    IDENTIFIED = "identified"
    ASSESSED = "assessed"
    PRIORITISED = "prioritised"
    HANDLED_IN_OPERATIONS = "handled_in_operations"
    FOLLOWED_UP = "followed_up"
    CLOSED = "closed"


class RuleViolation(ValueError):
    """A domain rule refused the input; `field` names the input at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class BandThresholds:
    """Lowest risk value of each band above `low`; thresholds are per tenant (domain.md 6)."""

    medium_from: int = 4
    high_from: int = 8
    very_high_from: int = 12


DEFAULT_THRESHOLDS = BandThresholds()


def _scale(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
        raise RuleViolation(f"{field} must be an integer from 1 to 4", field)
    return value


def risk_value(probability: int, consequence: int) -> int:
    """risk_value = sannolikhet × konsekvens ∈ {1, 2, 3, 4, 6, 8, 9, 12, 16}."""
    return _scale(probability, "probability") * _scale(consequence, "consequence")


def band_for(value: int, thresholds: BandThresholds = DEFAULT_THRESHOLDS) -> RiskBand:
    """Default bands: 1–3 low, 4–6 medium, 8–9 high, 12–16 very high."""
    if not 1 <= value <= 16:
        raise RuleViolation("risk_value must be from 1 to 16", "risk_value")
    if value >= thresholds.very_high_from:
        return RiskBand.VERY_HIGH
    if value >= thresholds.high_from:
        return RiskBand.HIGH
    if value >= thresholds.medium_from:
        return RiskBand.MEDIUM
    return RiskBand.LOW


@dataclass(frozen=True)
class Assessment:
    probability: int
    consequence: int
    risk_value: int
    band: RiskBand


def assess(probability: int, consequence: int, thresholds: BandThresholds = DEFAULT_THRESHOLDS) -> Assessment:
    value = risk_value(probability, consequence)
    return Assessment(probability, consequence, value, band_for(value, thresholds))
