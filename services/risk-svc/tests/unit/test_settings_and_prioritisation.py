from __future__ import annotations

import pytest

from risk_svc.domain.model import BandThresholds, RiskBand, RuleViolation, assess
from risk_svc.domain.risks import RiskStatus, handle_in_unit, prioritise
from risk_svc.domain.settings import DEFAULT_SETTINGS, PriorityRule, TenantSettings


def wrong_state(refused: RuleViolation) -> bool:
    """Refused as a step the object's state does not allow (409), not as bad input (422)."""
    return refused.state


def test_default_settings_are_the_domain_defaults() -> None:
    doc = DEFAULT_SETTINGS.to_document()
    assert doc["bands"] == {"medium_from": 4, "high_from": 8, "very_high_from": 12}
    assert doc["prioritisation"] == {"min_risk_value": 8, "min_consequence": 4}
    assert doc["yearly_analysis_levels"] is None


def test_tenant_band_thresholds_are_data_and_change_the_band_of_a_value() -> None:
    kalmar_like = DEFAULT_SETTINGS.merged({"bands": {"high_from": 9, "very_high_from": 12}})
    assert assess(2, 4, kalmar_like.bands).band is RiskBand.MEDIUM  # 8 is high by default
    assert assess(2, 4).band is RiskBand.HIGH
    stored = TenantSettings.from_document(kalmar_like.to_document())
    assert stored == kalmar_like


@pytest.mark.parametrize(
    "bands",
    [{"medium_from": 8, "high_from": 8}, {"very_high_from": 17}, {"medium_from": 1}, {"medium_from": 9}],
)
def test_band_thresholds_must_rise_within_1_to_16(bands: dict[str, int]) -> None:
    with pytest.raises(RuleViolation) as err:
        DEFAULT_SETTINGS.merged({"bands": bands})
    assert err.value.field == "bands"


@pytest.mark.parametrize(
    ("value", "consequence", "proposed"),
    [(8, 2, True), (9, 3, True), (6, 3, False), (4, 4, True), (3, 3, False), (16, 4, True)],
)
def test_default_rule_proposes_prioritisation_at_value_8_or_consequence_4(
    value: int, consequence: int, proposed: bool
) -> None:
    assert PriorityRule().proposes(value, consequence) is proposed


def test_tenant_rule_kristianstad_like_value_8_or_consequence_3() -> None:
    rule = DEFAULT_SETTINGS.merged({"prioritisation": {"min_consequence": 3}}).prioritisation
    assert rule.proposes(6, 3) and not rule.proposes(6, 2)


def test_tenant_rule_may_drop_one_arm_but_not_both() -> None:
    only_value = DEFAULT_SETTINGS.merged({"prioritisation": {"min_risk_value": 12, "min_consequence": None}})
    assert not only_value.prioritisation.proposes(9, 4)
    assert only_value.prioritisation.proposes(12, 3)
    with pytest.raises(RuleViolation):
        DEFAULT_SETTINGS.merged({"prioritisation": {"min_risk_value": None, "min_consequence": None}})


def test_unknown_settings_and_levels_are_refused_naming_them() -> None:
    with pytest.raises(RuleViolation) as err:
        DEFAULT_SETTINGS.merged({"colours": {}})
    assert err.value.field == "colours"
    with pytest.raises(RuleViolation) as err:
        DEFAULT_SETTINGS.merged({"yearly_analysis_levels": ["enhet", "kommun"]})
    assert err.value.field == "yearly_analysis_levels"
    narrowed = DEFAULT_SETTINGS.merged({"yearly_analysis_levels": ["enhet"]})
    assert narrowed.owes_yearly_analysis("enhet") and not narrowed.owes_yearly_analysis("namnd")


def test_prioritising_a_risk_the_rule_proposes_needs_no_motivation() -> None:
    assert prioritise(RiskStatus.ASSESSED, PriorityRule(), 9, 3, None) is RiskStatus.PRIORITISED


def test_prioritising_against_the_rule_needs_a_motivation() -> None:
    with pytest.raises(RuleViolation) as err:
        prioritise(RiskStatus.ASSESSED, PriorityRule(), 6, 3, "  ")
    assert err.value.field == "motivation"
    assert (
        prioritise(RiskStatus.ASSESSED, PriorityRule(), 6, 3, "Politiskt prioriterat")
        is RiskStatus.PRIORITISED
    )


def test_handling_in_unit_a_risk_the_rule_proposes_needs_a_motivation() -> None:
    with pytest.raises(RuleViolation):
        handle_in_unit(RiskStatus.ASSESSED, PriorityRule(), 12, 3, None)
    assert handle_in_unit(RiskStatus.ASSESSED, PriorityRule(), 4, 2, None) is RiskStatus.HANDLED_IN_UNIT


def test_only_an_assessed_risk_is_prioritised() -> None:
    with pytest.raises(RuleViolation, check=wrong_state):
        prioritise(RiskStatus.IDENTIFIED, PriorityRule(), None, None, "x")
    with pytest.raises(RuleViolation, check=wrong_state):
        prioritise(RiskStatus.CLOSED, PriorityRule(), 16, 4, None)


def test_band_thresholds_check_is_part_of_the_value_object() -> None:
    assert BandThresholds(3, 6, 9).check() == BandThresholds(3, 6, 9)


def test_the_plan_adoption_window_is_a_setting_of_one_to_twelve_months() -> None:
    assert DEFAULT_SETTINGS.plan_adoption_window_months == 6
    assert DEFAULT_SETTINGS.to_document()["plan_adoption_window_months"] == 6
    assert DEFAULT_SETTINGS.merged({"plan_adoption_window_months": 3}).plan_adoption_window_months == 3
    for wrong in (0, 13, "6"):
        with pytest.raises(RuleViolation) as err:
            DEFAULT_SETTINGS.merged({"plan_adoption_window_months": wrong})
        assert err.value.field == "plan_adoption_window_months"
