from __future__ import annotations

import pytest

from risk_svc.domain.matrix import build_matrix
from risk_svc.domain.model import BandThresholds, RiskBand, RuleViolation
from risk_svc.domain.self_assessments import (
    Figure,
    SelfAssessmentMethod,
    SelfAssessmentStatus,
    complete,
)


def wrong_state(refused: RuleViolation) -> bool:
    """Refused as a step the object's state does not allow (409), not as bad input (422)."""
    return refused.state


def test_the_matrix_has_sixteen_cells_with_their_values_and_bands() -> None:
    cells = build_matrix([(3, 3, "a"), (3, 3, "b"), (1, 4, "c")], BandThresholds())
    assert len(cells) == 16
    assert (cells[0].probability, cells[0].consequence) == (4, 1)
    by_cell = {(c.probability, c.consequence): c for c in cells}
    assert by_cell[(3, 3)].items == ["a", "b"] and by_cell[(3, 3)].risk_value == 9
    assert by_cell[(3, 3)].band is RiskBand.HIGH
    assert by_cell[(1, 4)].count == 1 and by_cell[(4, 4)].count == 0


def test_matrix_cells_are_coloured_with_the_tenants_thresholds() -> None:
    cells = build_matrix([], BandThresholds(3, 6, 9))
    by_cell = {(c.probability, c.consequence): c.band for c in cells}
    assert by_cell[(3, 3)] is RiskBand.VERY_HIGH and by_cell[(1, 3)] is RiskBand.MEDIUM


def test_a_comparison_egenkontroll_is_completed_with_figures() -> None:
    with pytest.raises(RuleViolation) as err:
        complete(SelfAssessmentStatus.DRAFT, SelfAssessmentMethod.KOLADA, [], "Analys")
    assert err.value.field == "figures"
    figure = Figure("U23471", 71.0, 80.0)
    assert complete(SelfAssessmentStatus.DRAFT, SelfAssessmentMethod.KOLADA, [figure], "Under riket") is (
        SelfAssessmentStatus.COMPLETED
    )
    assert complete(SelfAssessmentStatus.DRAFT, SelfAssessmentMethod.AKTGRANSKNING, [], "20 akter") is (
        SelfAssessmentStatus.COMPLETED
    )


def test_an_egenkontroll_needs_an_analysis_and_is_completed_once() -> None:
    with pytest.raises(RuleViolation):
        complete(SelfAssessmentStatus.DRAFT, SelfAssessmentMethod.ENKAT, [], " ")
    with pytest.raises(RuleViolation, check=wrong_state):
        complete(SelfAssessmentStatus.COMPLETED, SelfAssessmentMethod.ENKAT, [], "x")


def test_a_figure_is_below_its_reference_by_its_direction() -> None:
    assert Figure("nöjdhet", 71, 80).below_reference is True
    assert Figure("väntetid dagar", 40, 30, higher_is_better=False).below_reference is True
    assert Figure("väntetid dagar", 20, 30, higher_is_better=False).below_reference is False
    assert Figure("antal", 3).below_reference is None
