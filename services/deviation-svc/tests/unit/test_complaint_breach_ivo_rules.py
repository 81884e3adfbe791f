from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from deviation_svc.domain import deadlines
from deviation_svc.domain.breaches import (
    BreachFacts,
    BreachRisk,
    BreachStatus,
    BreachStep,
    imy_required,
    subjects_must_be_informed,
)
from deviation_svc.domain.breaches import (
    next_status as breach_next,
)
from deviation_svc.domain.complaints import (
    ComplaintFacts,
    ComplaintStatus,
    ComplaintStep,
    check_escalation_type,
    deadline_rules,
    guarantee_list,
    next_status,
)
from deviation_svc.domain.ivo import IvoState, check_investigation_sent, check_namnd_informed, check_sent
from deviation_svc.domain.lifecycle import Step
from deviation_svc.domain.model import DeviationType, IvoKind, RuleViolation

C = ComplaintStatus
NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def _c(
    status: ComplaintStatus, anonymous: bool = False, ack: bool = False, resp: bool = False
) -> ComplaintFacts:
    return ComplaintFacts(status=status, anonymous=anonymous, acknowledged=ack, responded=resp)


def test_a_complaint_goes_mottagen_kvitterad_under_utredning_besvarad_avslutad() -> None:
    assert next_status(ComplaintStep.ACKNOWLEDGE, _c(C.MOTTAGEN)) is C.KVITTERAD
    assert next_status(ComplaintStep.START_INVESTIGATION, _c(C.KVITTERAD, ack=True)) is C.UNDER_UTREDNING
    assert next_status(ComplaintStep.RESPOND, _c(C.UNDER_UTREDNING, ack=True)) is C.BESVARAD
    assert next_status(ComplaintStep.CLOSE, _c(C.BESVARAD, ack=True, resp=True)) is C.AVSLUTAD


def test_an_anonymous_complainant_gets_no_acknowledgement_and_no_reply() -> None:
    with pytest.raises(RuleViolation):
        next_status(ComplaintStep.ACKNOWLEDGE, _c(C.MOTTAGEN, anonymous=True))
    with pytest.raises(RuleViolation):
        next_status(ComplaintStep.RESPOND, _c(C.UNDER_UTREDNING, anonymous=True))
    assert next_status(ComplaintStep.CLOSE, _c(C.UNDER_UTREDNING, anonymous=True)) is C.AVSLUTAD
    assert deadline_rules(anonymous=True) == ()


def test_a_named_complainant_is_answered_before_the_complaint_closes() -> None:
    with pytest.raises(RuleViolation) as err:
        next_status(ComplaintStep.CLOSE, _c(C.UNDER_UTREDNING, ack=True))
    assert err.value.state
    assert deadline_rules(anonymous=False) == ("complaint_acknowledge", "complaint_response")


def test_an_escalated_complaint_stays_open_for_its_reply() -> None:
    assert next_status(ComplaintStep.ESCALATE, _c(C.KVITTERAD, ack=True)) is C.ESKALERAD
    assert next_status(ComplaintStep.RESPOND, _c(C.ESKALERAD, ack=True)) is C.BESVARAD
    assert next_status(ComplaintStep.ACKNOWLEDGE, _c(C.ESKALERAD)) is C.ESKALERAD


def test_a_complaint_escalates_only_to_lex_sarah_or_hsl() -> None:
    check_escalation_type(DeviationType.LEX_SARAH)
    check_escalation_type(DeviationType.HSL)
    with pytest.raises(RuleViolation):
        check_escalation_type(DeviationType.AVVIKELSE)


# --- data breaches ------------------------------------------------------------------------------

B = BreachStatus


def _b(status: BreachStatus, risk: BreachRisk | None = None, **kw: object) -> BreachFacts:
    base: dict[str, object] = {"imy_reported": False, "subjects_informed": False, "not_informed_reason": None}
    return BreachFacts(status=status, risk=risk, **{**base, **kw})  # type: ignore[arg-type]


def test_imy_is_notified_unless_the_breach_is_unlikely_to_risk_rights() -> None:
    assert not imy_required(BreachRisk.INGEN_TROLIG)
    assert imy_required(BreachRisk.RISK) and imy_required(BreachRisk.HOG_RISK)


def test_data_subjects_are_informed_only_when_the_risk_is_high() -> None:
    assert subjects_must_be_informed(BreachRisk.HOG_RISK)
    assert not subjects_must_be_informed(BreachRisk.RISK)


def test_a_notifiable_breach_is_not_remedied_before_imy_is_notified() -> None:
    with pytest.raises(RuleViolation) as err:
        breach_next(BreachStep.REMEDY, _b(B.BEDOMD, BreachRisk.RISK))
    assert "IMY" in err.value.message
    assert breach_next(BreachStep.REMEDY, _b(B.ANMALD_IMY, BreachRisk.RISK, imy_reported=True)) is B.ATGARDAD


def test_a_high_risk_breach_needs_the_subjects_informed_or_a_reason_why_not() -> None:
    facts = _b(B.ANMALD_IMY, BreachRisk.HOG_RISK, imy_reported=True)
    with pytest.raises(RuleViolation):
        breach_next(BreachStep.REMEDY, facts)
    reason = _b(B.ANMALD_IMY, BreachRisk.HOG_RISK, imy_reported=True, not_informed_reason="Oproportionerligt")
    assert breach_next(BreachStep.REMEDY, reason) is B.ATGARDAD


def test_a_breach_without_risk_is_documented_and_closed_without_notification() -> None:
    assert breach_next(BreachStep.ASSESS, _b(B.RAPPORTERAD)) is B.BEDOMD
    assert breach_next(BreachStep.REMEDY, _b(B.BEDOMD, BreachRisk.INGEN_TROLIG)) is B.ATGARDAD
    assert breach_next(BreachStep.CLOSE, _b(B.ATGARDAD, BreachRisk.INGEN_TROLIG)) is B.AVSLUTAD


def test_a_breach_must_be_assessed_before_imy_is_notified() -> None:
    with pytest.raises(RuleViolation) as err:
        breach_next(BreachStep.REPORT_TO_IMY, _b(B.RAPPORTERAD))
    assert err.value.state


# --- IVO steps after the decision ---------------------------------------------------------------


def _ivo(**kw: object) -> IvoState:
    base: dict[str, object] = {
        "decided": True,
        "sent_at": None,
        "investigation_sent_at": None,
        "namnd_informed_at": None,
        "investigation_completed": False,
    }
    return IvoState(**{**base, **kw})  # type: ignore[arg-type]


def test_the_anmalan_is_sent_once_and_not_before_it_is_decided() -> None:
    check_sent(_ivo(), NOW, False, NOW)
    with pytest.raises(RuleViolation):
        check_sent(_ivo(decided=False), NOW, False, NOW)
    with pytest.raises(RuleViolation):
        check_sent(_ivo(sent_at=NOW), NOW, False, NOW)
    with pytest.raises(RuleViolation) as err:
        check_sent(_ivo(), NOW + timedelta(days=1), False, NOW)
    assert err.value.field == "sent_at"


def test_only_a_completed_investigation_is_attached_or_sent_to_ivo() -> None:
    with pytest.raises(RuleViolation):
        check_sent(_ivo(), NOW, True, NOW)
    with pytest.raises(RuleViolation):
        check_investigation_sent(_ivo(sent_at=NOW), NOW, NOW)
    check_investigation_sent(_ivo(sent_at=NOW, investigation_completed=True), NOW, NOW)


def test_the_investigation_follows_the_anmalan() -> None:
    with pytest.raises(RuleViolation) as err:
        check_investigation_sent(_ivo(investigation_completed=True), NOW, NOW)
    assert "anmälan" in err.value.message


def test_the_namnd_is_informed_once() -> None:
    check_namnd_informed(_ivo(), NOW, NOW)
    with pytest.raises(RuleViolation):
        check_namnd_informed(_ivo(namnd_informed_at=NOW), NOW, NOW)


# --- which deadlines apply ----------------------------------------------------------------------


def test_only_a_lex_sarah_report_is_held_to_genast() -> None:
    assert deadlines.held_to_genast(DeviationType.LEX_SARAH)
    assert not deadlines.held_to_genast(DeviationType.AVVIKELSE)
    assert not deadlines.held_to_genast(DeviationType.HSL)
    assert deadlines.ON_REPORT.open == ("receive",)


def test_receiving_meets_the_receive_deadline_and_starts_the_investigation_clock() -> None:
    change = deadlines.on_step(Step.RECEIVE)
    assert change.meet == ("receive",) and change.open == ("investigation_start",)


def test_the_ivo_decision_starts_the_anmalan_and_investigation_clocks_of_its_law() -> None:
    assert deadlines.on_step(Step.IVO_DECISION, IvoKind.LEX_SARAH).open == (
        "ivo_lex_sarah",
        "ivo_investigation",
    )
    assert deadlines.on_step(Step.IVO_DECISION, IvoKind.LEX_MARIA).open == (
        "ivo_lex_maria",
        "ivo_investigation",
    )


def test_sending_the_anmalan_starts_the_namnd_clock_unless_already_informed() -> None:
    sent = deadlines.on_ivo_sent(IvoKind.LEX_SARAH, investigation_attached=True, namnd_informed=False)
    assert sent.meet == ("ivo_lex_sarah", "ivo_investigation") and sent.open == ("namnd_informed",)
    assert deadlines.on_ivo_sent(IvoKind.LEX_MARIA, False, True).open == ()


def test_voiding_or_closing_ends_every_open_deadline() -> None:
    assert deadlines.on_step(Step.VOID).cancel_all and deadlines.on_step(Step.CLOSE).cancel_all


def test_a_complaint_names_each_guarantee_once_in_the_order_given() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    assert guarantee_list([b, a, b]) == [b, a]
