from __future__ import annotations

import uuid
from datetime import date

import pytest

from risk_svc.domain.control_plans import ControlKind, check_row_kind
from risk_svc.domain.guarantees import (
    AREA_TITLES,
    GuaranteeInput,
    GuaranteeStatus,
    ValueArea,
    areas_without_guarantee,
    check_guarantee,
    check_named_in_complaint,
    check_withdraw,
    follow_up,
)
from risk_svc.domain.indicators import IndicatorStatus
from risk_svc.domain.model import RuleViolation

START = date(2026, 1, 1)


def wrong_state(refused: RuleViolation) -> bool:
    """Refused as a step the object's state does not allow (409), not as bad input (422)."""
    return refused.state


def test_the_seven_areas_of_the_national_vardegrund_have_swedish_titles() -> None:
    assert [AREA_TITLES[a] for a in ValueArea] == [
        "Privatliv och kroppslig integritet",
        "Självbestämmande",
        "Individanpassning och delaktighet",
        "God kvalitet",
        "Gott bemötande",
        "Trygghet",
        "Meningsfullhet",
    ]


def test_a_guarantee_says_concretely_what_the_person_can_expect() -> None:
    check_guarantee(
        GuaranteeInput(ValueArea.TRYGGHET, "Kontaktman", "Du får en kontaktman inom två veckor.", START)
    )
    with pytest.raises(RuleViolation) as empty:
        check_guarantee(GuaranteeInput(ValueArea.TRYGGHET, "Kontaktman", " ", START))
    assert empty.value.field == "commitment"
    with pytest.raises(RuleViolation) as ends:
        check_guarantee(
            GuaranteeInput(ValueArea.TRYGGHET, "Kontaktman", "Inom två veckor", START, date(2025, 1, 1))
        )
    assert ends.value.field == "valid_to"


def test_a_complaint_names_a_guarantee_only_where_and_when_it_applied() -> None:
    check_named_in_complaint(GuaranteeStatus.ACTIVE, START, None, date(2026, 3, 1), unit_in_scope=True)
    with pytest.raises(RuleViolation):
        check_named_in_complaint(GuaranteeStatus.ACTIVE, START, None, date(2026, 3, 1), unit_in_scope=False)
    with pytest.raises(RuleViolation):
        check_named_in_complaint(GuaranteeStatus.ACTIVE, START, None, date(2025, 12, 31), unit_in_scope=True)
    with pytest.raises(RuleViolation):
        check_named_in_complaint(GuaranteeStatus.WITHDRAWN, START, None, date(2026, 3, 1), unit_in_scope=True)


def test_a_withdrawn_guarantee_is_withdrawn_once() -> None:
    assert check_withdraw(GuaranteeStatus.ACTIVE) is GuaranteeStatus.WITHDRAWN
    with pytest.raises(RuleViolation, check=wrong_state):
        check_withdraw(GuaranteeStatus.WITHDRAWN)


def test_areas_without_a_guarantee_are_shown_as_gaps() -> None:
    gaps = areas_without_guarantee([ValueArea.TRYGGHET, ValueArea.GOTT_BEMOTANDE])
    assert ValueArea.TRYGGHET not in gaps and len(gaps) == 5


def test_a_guarantee_is_followed_by_its_indicators_and_the_complaints_that_name_it_as_not_kept() -> None:
    g = uuid.uuid4()
    received = [date(2026, 2, 3), date(2026, 3, 9), date(2026, 5, 2)]
    result = follow_up(
        g, received, date(2026, 1, 1), date(2026, 4, 30), {uuid.uuid4(): IndicatorStatus.BETWEEN}
    )
    assert (result.complaints_not_kept, result.indicator_status, result.attention) == (
        2,
        IndicatorStatus.BETWEEN,
        True,
    )
    quiet = follow_up(g, [], date(2026, 1, 1), date(2026, 4, 30), {uuid.uuid4(): IndicatorStatus.OVER_TARGET})
    assert not quiet.attention
    below = follow_up(
        g, [], date(2026, 1, 1), date(2026, 4, 30), {uuid.uuid4(): IndicatorStatus.UNDER_THRESHOLD}
    )
    assert below.attention


def test_an_internkontroll_row_controls_a_prioritised_risk() -> None:
    check_row_kind(ControlKind.INTERNKONTROLL, True, None, ())
    with pytest.raises(RuleViolation) as refused:
        check_row_kind(ControlKind.INTERNKONTROLL, False, "privat", ())
    assert refused.value.field == "risk_id"


def test_a_provider_follow_up_is_planned_for_a_unit_in_private_regi() -> None:
    check_row_kind(ControlKind.AVTALSUPPFOLJNING, False, "privat", ("SoL",))
    for regi in ("egen", None):
        with pytest.raises(RuleViolation) as refused:
            check_row_kind(ControlKind.AVTALSUPPFOLJNING, False, regi, ("SoL",))
        assert refused.value.field == "unit_id"


def test_the_mas_supervises_health_care_at_a_private_provider() -> None:
    check_row_kind(ControlKind.MAS_TILLSYN, False, "privat", ("SoL", "HSL"))
    with pytest.raises(RuleViolation):
        check_row_kind(ControlKind.MAS_TILLSYN, False, "privat", ("SoL",))
