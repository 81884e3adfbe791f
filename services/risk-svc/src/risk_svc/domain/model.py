"""Risk scoring in plain Python: the 4×4 matrix, its Swedish labels, risk value, bands (docs/domain.md 6)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

from platform_shared.errors import RuleViolation

__all__ = [
    "CONSEQUENCE_LABELS",
    "DEFAULT_THRESHOLDS",
    "PROBABILITY_LABELS",
    "Assessment",
    "BandThresholds",
    "Consequence",
    "Probability",
    "RiskBand",
    "RuleViolation",  # a refused rule: bad input (422) or, with state=True, the wrong state (409)
    "assess",
    "band_for",
    "risk_value",
]


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


PROBABILITY_LABELS: dict[int, str] = {
    1: "mycket liten (ungefär en gång per år)",
    2: "liten (månadsvis)",
    3: "stor (veckovis)",
    4: "mycket stor (dagligen)",
}

CONSEQUENCE_LABELS: dict[int, str] = {
    1: "mindre (obehag, obetydlig skada)",
    2: "måttlig (övergående skada, ökat vårdbehov)",
    3: "betydande (bestående måttlig funktionsnedsättning)",
    4: "katastrofal (död, livshotande, bestående stor funktionsnedsättning)",
}


class RiskBand(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


@dataclass(frozen=True)
class BandThresholds:
    """Lowest risk value of each band above `low`; thresholds are per tenant (docs/domain.md 6)."""

    medium_from: int = 4
    high_from: int = 8
    very_high_from: int = 12

    def check(self) -> BandThresholds:
        if not 1 < self.medium_from < self.high_from < self.very_high_from <= 16:
            raise RuleViolation(
                "Gränserna för riskklasserna ska stiga från medel till hög till mycket hög, högst 16", "bands"
            )
        return self


DEFAULT_THRESHOLDS = BandThresholds()


SCALE_LABELS = {"probability": "Sannolikheten", "consequence": "Konsekvensen"}


def _scale(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
        raise RuleViolation(f"{SCALE_LABELS[field]} anges som ett heltal från 1 till 4", field)
    return value


def risk_value(probability: int, consequence: int) -> int:
    """risk_value = sannolikhet × konsekvens ∈ {1, 2, 3, 4, 6, 8, 9, 12, 16}."""
    return _scale(probability, "probability") * _scale(consequence, "consequence")


def band_for(value: int, thresholds: BandThresholds = DEFAULT_THRESHOLDS) -> RiskBand:
    """Default bands: 1–3 low, 4–6 medium, 8–9 high, 12–16 very high."""
    if not 1 <= value <= 16:
        raise RuleViolation("Riskvärdet ska vara mellan 1 och 16", "risk_value")
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
