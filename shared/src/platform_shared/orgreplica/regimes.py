"""Which reporting duty (Lex Sarah, Lex Maria) a unit's laws put it under: plain Python, usable by
domain modules."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Regime(StrEnum):
    """Which reporting duty a unit's laws put it under."""

    LEX_SARAH = "lex_sarah"  # SoL, LSS, LVU, LVM (SoL 27 kap, LSS 24 b §, SOSFS 2011:5)
    LEX_MARIA = "lex_maria"  # HSL: PSL 3 kap 5 §


LEX_SARAH_LAWS = frozenset({"SoL", "LSS", "LVU", "LVM"})
LEX_MARIA_LAWS = frozenset({"HSL"})


def lex_regimes(laws: Iterable[str]) -> frozenset[Regime]:
    """Lex Sarah applies to work under SoL, LSS, LVU and LVM; Lex Maria to health care under HSL.
    A unit with both (an äldreboende under SoL and HSL) is under both."""
    held = set(laws)
    found: set[Regime] = set()
    if held & LEX_SARAH_LAWS:
        found.add(Regime.LEX_SARAH)
    if held & LEX_MARIA_LAWS:
        found.add(Regime.LEX_MARIA)
    return frozenset(found)
