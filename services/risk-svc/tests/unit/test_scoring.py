from __future__ import annotations

import itertools

import pytest

from risk_svc.domain.model import (
    BandThresholds,
    RiskBand,
    RuleViolation,
    assess,
    band_for,
    risk_value,
)

SCALE = range(1, 5)


@pytest.mark.parametrize(("p", "c"), list(itertools.product(SCALE, SCALE)))
def test_risk_value_is_probability_times_consequence(p: int, c: int) -> None:
    assert risk_value(p, c) == p * c


def test_risk_values_of_the_4x4_matrix_are_the_nine_products() -> None:
    values = {risk_value(p, c) for p, c in itertools.product(SCALE, SCALE)}
    assert values == {1, 2, 3, 4, 6, 8, 9, 12, 16}


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (1, RiskBand.LOW),
        (2, RiskBand.LOW),
        (3, RiskBand.LOW),
        (4, RiskBand.MEDIUM),
        (6, RiskBand.MEDIUM),
        (8, RiskBand.HIGH),
        (9, RiskBand.HIGH),
        (12, RiskBand.VERY_HIGH),
        (16, RiskBand.VERY_HIGH),
    ],
)
def test_default_bands_are_low_1_3_medium_4_6_high_8_9_very_high_12_16(value: int, band: RiskBand) -> None:
    assert band_for(value) is band


def test_band_thresholds_can_be_set_per_tenant() -> None:
    sundsvall_like = BandThresholds(medium_from=3, high_from=6, very_high_from=9)
    assert band_for(3, sundsvall_like) is RiskBand.MEDIUM
    assert band_for(6, sundsvall_like) is RiskBand.HIGH
    assert band_for(9, sundsvall_like) is RiskBand.VERY_HIGH


@pytest.mark.parametrize(
    ("p", "c", "field"),
    [(0, 2, "probability"), (5, 2, "probability"), (2, 0, "consequence"), (2, 5, "consequence")],
)
def test_probability_and_consequence_outside_1_to_4_are_refused_naming_the_field(
    p: int, c: int, field: str
) -> None:
    with pytest.raises(RuleViolation) as err:
        risk_value(p, c)
    assert err.value.field == field


def test_assessment_carries_value_and_band() -> None:
    a = assess(3, 4)
    assert (a.risk_value, a.band) == (12, RiskBand.VERY_HIGH)
