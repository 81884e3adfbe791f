from __future__ import annotations

import pytest

from deviation_svc.domain.model import (
    DeviationType,
    HslOutcome,
    LexSarahDegree,
    RuleViolation,
    Status,
    check_ivo_decision,
    ivo_required,
)

SERIOUS = {
    LexSarahDegree.ALLVARLIGT_MISSFORHALLANDE,
    LexSarahDegree.PATAGLIG_RISK_ALLVARLIGT,
    HslOutcome.ALLVARLIG_VARDSKADA,
    HslOutcome.RISK_ALLVARLIG_VARDSKADA,
}


@pytest.mark.parametrize("degree", list(LexSarahDegree))
def test_lex_sarah_requires_ivo_anmalan_only_for_serious_degrees(degree: LexSarahDegree) -> None:
    assert ivo_required(DeviationType.LEX_SARAH, degree) is (degree in SERIOUS)


@pytest.mark.parametrize("outcome", list(HslOutcome))
def test_lex_maria_requires_ivo_anmalan_only_for_serious_vardskada(outcome: HslOutcome) -> None:
    assert ivo_required(DeviationType.HSL, outcome) is (outcome in SERIOUS)


def test_ordinary_avvikelse_never_requires_ivo() -> None:
    assert not ivo_required(DeviationType.AVVIKELSE, LexSarahDegree.ALLVARLIGT_MISSFORHALLANDE)


def test_ivo_decision_rejects_a_degree_of_the_other_law() -> None:
    with pytest.raises(RuleViolation) as err:
        check_ivo_decision(DeviationType.LEX_SARAH, Status.RECEIVED, HslOutcome.ALLVARLIG_VARDSKADA)
    assert err.value.field == "degree" and not err.value.state


def test_ivo_decision_rejects_a_non_serious_degree() -> None:
    with pytest.raises(RuleViolation) as err:
        check_ivo_decision(DeviationType.LEX_SARAH, Status.RECEIVED, LexSarahDegree.MISSFORHALLANDE)
    assert err.value.field == "degree"


@pytest.mark.parametrize(
    "status", [Status.RECEIVED, Status.INVESTIGATING, Status.DECIDED, Status.ACTIONS, Status.FOLLOW_UP]
)
def test_ivo_anmalan_may_be_decided_from_receipt_until_the_case_closes(status: Status) -> None:
    kind = check_ivo_decision(DeviationType.LEX_SARAH, status, LexSarahDegree.PATAGLIG_RISK_ALLVARLIGT)
    assert kind.value == "lex_sarah"


def test_ivo_anmalan_is_not_decided_on_an_unreceived_report() -> None:
    with pytest.raises(RuleViolation) as err:
        check_ivo_decision(
            DeviationType.LEX_SARAH, Status.REPORTED, LexSarahDegree.ALLVARLIGT_MISSFORHALLANDE
        )
    assert err.value.state


def test_an_ordinary_avvikelse_has_no_ivo_duty_until_reclassified() -> None:
    with pytest.raises(RuleViolation) as err:
        check_ivo_decision(
            DeviationType.AVVIKELSE, Status.RECEIVED, LexSarahDegree.ALLVARLIGT_MISSFORHALLANDE
        )
    assert err.value.state


def test_ivo_decision_not_possible_on_a_closed_case() -> None:
    with pytest.raises(RuleViolation) as err:
        check_ivo_decision(DeviationType.HSL, Status.CLOSED, HslOutcome.ALLVARLIG_VARDSKADA)
    assert err.value.state
