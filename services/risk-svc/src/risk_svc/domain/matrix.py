"""The 4 × 4 risk matrix: sannolikhet × konsekvens, each cell with its value, band and risks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from risk_svc.domain.model import BandThresholds, RiskBand, band_for, risk_value

T = TypeVar("T")


@dataclass
class MatrixCell(Generic[T]):
    probability: int
    consequence: int
    risk_value: int
    band: RiskBand
    items: list[T] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)


def build_matrix(entries: Iterable[tuple[int, int, T]], thresholds: BandThresholds) -> list[MatrixCell[T]]:
    """All 16 cells, highest probability first and consequence rising within a row (as drawn)."""
    cells = {
        (p, c): MatrixCell[T](p, c, risk_value(p, c), band_for(risk_value(p, c), thresholds))
        for p in range(4, 0, -1)
        for c in range(1, 5)
    }
    for probability, consequence, item in entries:
        cells[(probability, consequence)].items.append(item)
    return list(cells.values())
