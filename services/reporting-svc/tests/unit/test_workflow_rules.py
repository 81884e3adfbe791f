from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from platform_shared.ids import new_id
from reporting_svc.domain.deadlines import rules_resolved_by
from reporting_svc.domain.model import RuleViolation
from reporting_svc.domain.notifications import (
    EscalationLaw,
    NotificationKind,
    closed_notice,
    deadline_notices,
    escalation_notices,
    handed_back_notices,
    ivo_reminder_notice,
    manager_above,
    new_report_notices,
)
from reporting_svc.domain.report_templates import FIGURES, TEMPLATES, figure_keys
from reporting_svc.domain.reports import (
    ReportCommand,
    ReportStatus,
    ReportType,
    check_editable,
    due_date,
    freezes_figures,
    goes_to_namnd,
    next_status,
    report_period,
)
from reporting_svc.domain.settings import TenantSettings
from reporting_svc.domain.webhooks import (
    Subscription,
    check_event_types,
    new_secret,
    next_attempt_at,
    signed_headers,
    wants,
)

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)

# --- notifications ------------------------------------------------------------------------------


def test_the_namnd_is_informed_of_an_ivo_anmalan_once_per_person() -> None:
    chef, kl, member = new_id(), new_id(), new_id()
    notices = escalation_notices(
        EscalationLaw.LEX_SARAH,
        "AVV-2026-000001",
        "allvarligt_missforhallande",
        chef,
        [kl],
        [member, kl, chef],
    )
    assert [(n.recipient_id, n.kind) for n in notices] == [
        (chef, NotificationKind.LEX_SARAH_FILE_ANMALAN),
        (kl, NotificationKind.LEX_SARAH_ANMALAN_DECIDED),
        (member, NotificationKind.LEX_SARAH_NAMND_INFORMATION),
    ]
    assert "nämnden" in notices[2].body.lower() and "AVV-2026-000001" in notices[2].title


def test_an_ivo_reminder_tells_the_decision_maker_the_anmalan_is_not_recorded_as_sent() -> None:
    chef = new_id()
    notice = ivo_reminder_notice(EscalationLaw.LEX_MARIA, "AVV-2026-000009", chef, NOW, 2)
    assert notice.recipient_id == chef
    assert notice.kind is NotificationKind.LEX_MARIA_REMINDER
    assert "Påminnelse 2" in notice.title and "5 mars 2026 kl. 13.00" in notice.body
    assert "IVO:s e-tjänst" in notice.body


def test_a_new_report_goes_to_the_enhetschef_but_not_to_a_reporter_telling_themselves() -> None:
    chef, other = new_id(), new_id()
    (notice,) = new_report_notices("AVV-2026-000003", "lex_sarah", "Solgården", [chef, other], other)
    assert notice.recipient_id == chef
    assert notice.kind is NotificationKind.DEVIATION_REPORTED
    assert "Solgården" in notice.title and "lex Sarah" in notice.body


def test_a_missed_deadline_goes_to_the_responsible_person_and_the_manager_above() -> None:
    person, manager = new_id(), new_id()
    notices = deadline_notices(
        missed=True,
        rule_title="Ta emot rapporten",
        reference="AVV-2026-000004",
        due_at=NOW,
        responsible=[person],
        managers=[manager, person],
    )
    assert [(n.recipient_id, n.kind) for n in notices] == [
        (person, NotificationKind.DEADLINE_MISSED),
        (manager, NotificationKind.DEADLINE_MISSED_MANAGER),
    ]
    (soon,) = deadline_notices(
        missed=False, rule_title="x", reference=None, due_at=NOW, responsible=[person], managers=[manager]
    )
    assert soon.kind is NotificationKind.DEADLINE_APPROACHING


def test_the_manager_above_is_the_unit_chef_for_staff_and_the_next_chef_up_for_a_chef() -> None:
    staff, unit_chef, area_chef, social_chef, mas = (new_id() for _ in range(5))
    chain = [
        [(staff, "medarbetare"), (unit_chef, "enhetschef")],
        [(area_chef, "verksamhetschef")],
        [(social_chef, "socialchef"), (mas, "mas")],
    ]
    assert manager_above(chain, [staff]) == [unit_chef]
    assert manager_above(chain, [unit_chef]) == [area_chef]
    assert manager_above(chain, [area_chef]) == [social_chef]
    assert manager_above(chain, [mas]) == [social_chef]
    assert manager_above(chain, []) == [unit_chef]
    assert manager_above(chain, [social_chef]) == []


def test_a_closed_deviation_tells_its_reporter_only() -> None:
    reporter = new_id()
    (notice,) = closed_notice("AVV-2026-000005", reporter)
    assert notice.recipient_id == reporter and "avslutad" in notice.title
    assert closed_notice("AVV-2026-000005", None) == []


def test_a_missed_deadline_is_resolved_by_its_late_step_or_the_end_of_the_case() -> None:
    assert rules_resolved_by("DeviationReceived") == {"receive"}
    assert rules_resolved_by("IvoNotificationSent") == {"ivo_lex_sarah", "ivo_lex_maria"}
    assert rules_resolved_by("DeviationClosed") is None
    assert rules_resolved_by("DeviationReported") == frozenset()


# --- reports ------------------------------------------------------------------------------------


def test_report_lifecycle_is_draft_reviewed_adopted_reported_to_namnd() -> None:
    status = ReportStatus.DRAFT
    for command, expected in (
        (ReportCommand.REVIEW, ReportStatus.REVIEWED),
        (ReportCommand.REOPEN, ReportStatus.DRAFT),
        (ReportCommand.REVIEW, ReportStatus.REVIEWED),
        (ReportCommand.ADOPT, ReportStatus.ADOPTED),
        (ReportCommand.REPORT_TO_NAMND, ReportStatus.REPORTED_TO_NAMND),
    ):
        status = next_status(status, command)
        assert status is expected
    with pytest.raises(RuleViolation) as err:
        next_status(ReportStatus.DRAFT, ReportCommand.ADOPT)
    assert err.value.state


def test_only_adoption_freezes_figures_and_only_a_draft_is_edited() -> None:
    assert [c for c in ReportCommand if freezes_figures(c)] == [ReportCommand.ADOPT]
    check_editable(ReportStatus.DRAFT)
    for status in (ReportStatus.REVIEWED, ReportStatus.ADOPTED, ReportStatus.REPORTED_TO_NAMND):
        with pytest.raises(RuleViolation):
            check_editable(status)


def test_report_periods_and_the_patientsakerhetsberattelse_due_by_1_march() -> None:
    assert report_period(ReportType.T1, 2026) == (date(2026, 1, 1), date(2026, 4, 30))
    assert report_period(ReportType.T2, 2026) == (date(2026, 5, 1), date(2026, 8, 31))
    assert report_period(ReportType.KB, 2025) == (date(2025, 1, 1), date(2025, 12, 31))
    assert report_period(ReportType.KVALITETSRAD, 2026, 3) == (date(2026, 9, 1), date(2026, 12, 31))
    assert due_date(ReportType.PSB, 2025) == date(2026, 3, 1)
    with pytest.raises(RuleViolation):
        report_period(ReportType.KB, 2026, 2)


def test_reports_for_the_namnd_are_public_kvalitetsrad_material_is_internal() -> None:
    assert goes_to_namnd(ReportType.T1) and goes_to_namnd(ReportType.PSB)
    assert not goes_to_namnd(ReportType.KVALITETSRAD)


def test_every_template_section_names_known_figures_and_follows_the_kvalitetsrad_agenda() -> None:
    for report_type in ReportType:
        assert set(figure_keys(report_type)) <= set(FIGURES)
    headings = [s.heading for s in TEMPLATES[ReportType.KVALITETSRAD]]
    assert headings[:5] == [
        "Måluppfyllelse",
        "Klagomål, synpunkter och beröm",
        "Internkontroll (risk- och väsentlighetsanalys, genomförda kontroller)",
        "Fel och brister SoL/LSS",
        "Avvikelser HSL",
    ]


def test_tenant_settings_are_checked_when_changed() -> None:
    assert TenantSettings().changed(suppression_threshold=3).suppression_threshold == 3
    with pytest.raises(RuleViolation):
        TenantSettings().changed(suppression_threshold=1)
    with pytest.raises(RuleViolation):
        TenantSettings().changed(pattern_rise_factor=1.0)


# --- webhooks -----------------------------------------------------------------------------------


def test_webhook_signature_is_verified_by_the_standard_webhooks_reference_library() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    body = json.dumps({"type": "LexSarahEscalated", "reference": "AVV-2026-000001", "ort": "Åre"}).encode()
    now = datetime.now(UTC)
    headers = signed_headers(secret, "msg_01", now, body)
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(secret).verify(body, headers) == json.loads(body)
    with pytest.raises(Exception):  # noqa: B017 - the library's own verification error
        Webhook(new_secret()).verify(body, headers)


def test_webhook_retries_back_off_exponentially_and_give_up_after_the_last_attempt() -> None:
    times = [next_attempt_at(n, NOW, max_attempts=4, base_s=10, cap_s=25) for n in range(1, 5)]
    assert times[:3] == [
        NOW + timedelta(seconds=10),
        NOW + timedelta(seconds=20),
        NOW + timedelta(seconds=25),
    ]
    assert times[3] is None


def test_a_subscription_gets_its_event_types_for_its_unit_and_below() -> None:
    unit, child, other = new_id(), new_id(), new_id()
    sub = Subscription(new_id(), frozenset({"DeviationReported"}), unit, True)
    assert wants(sub, "DeviationReported", [child, unit])
    assert not wants(sub, "DeviationReported", [other])
    assert not wants(sub, "DeviationClosed", [unit])
    assert not wants(sub, "DeviationReported", None)
    everywhere = Subscription(new_id(), frozenset({"DeviationReported"}), None, True)
    assert wants(everywhere, "DeviationReported", None)
    assert not wants(
        Subscription(new_id(), frozenset({"DeviationReported"}), None, False), "DeviationReported", None
    )
    with pytest.raises(RuleViolation):
        check_event_types(["NoSuchEvent"], ["DeviationReported"])


# --- deployment --------------------------------------------------------------------------------


def test_a_process_runs_only_the_consumer_groups_it_is_given(tmp_path: Any) -> None:
    from reporting_svc.app import build_runtime
    from reporting_svc.config import ReportingSettings

    def groups(value: str) -> set[str]:
        settings = ReportingSettings(
            database_url=f"sqlite+aiosqlite:///{tmp_path}/r.sqlite",
            dev_key_dir=str(tmp_path),
            consumer_groups=value,
        )
        return {c.spec.group for c in build_runtime(settings).consumers}

    assert groups("projections,notifications") == {
        "reporting.org-replica",
        "reporting.projections",
        "reporting.notifications",
    }
    assert groups("projections") == {"reporting.org-replica", "reporting.projections"}
    with pytest.raises(ValueError):
        _ = ReportingSettings(consumer_groups="everything").groups


def test_a_step_refused_in_the_reports_state_names_the_states_by_their_swedish_labels() -> None:
    with pytest.raises(RuleViolation) as refused:
        next_status(ReportStatus.DRAFT, ReportCommand.ADOPT)
    assert refused.value.state
    assert refused.value.detail == "Rapporten kan fastställas först i status Granskad; den är Utkast"


def test_socialchef_notified_of_lex_maria_and_told_to_inform_the_namnd() -> None:
    mas, socialchef, kl = new_id(), new_id(), new_id()
    notices = escalation_notices(
        EscalationLaw.LEX_MARIA, "AVV-2026-000003", "allvarlig_vardskada", mas, [kl], socialchefs=[socialchef]
    )
    assert [(n.recipient_id, n.kind) for n in notices] == [
        (mas, NotificationKind.LEX_MARIA_FILE_ANMALAN),
        (socialchef, NotificationKind.LEX_MARIA_INFORM_NAMND),
        (kl, NotificationKind.LEX_MARIA_ANMALAN_DECIDED),
    ]
    assert "socialchefen informerar nämnden" in notices[0].body
    assert "Informera nämnden" in notices[1].body and "registrera" in notices[1].body


def test_a_socialchef_who_decided_lex_sarah_gets_the_task_once() -> None:
    socialchef = new_id()
    notices = escalation_notices(
        EscalationLaw.LEX_SARAH,
        "AVV-2026-000004",
        "allvarligt_missforhallande",
        socialchef,
        [],
        socialchefs=[socialchef],
    )
    assert [(n.recipient_id, n.kind) for n in notices] == [
        (socialchef, NotificationKind.LEX_SARAH_FILE_ANMALAN)
    ]


def test_a_lex_sarah_hand_back_tells_the_reporter_and_the_socialchef_not_the_one_who_did_it() -> None:
    reporter, socialchef, sas = new_id(), new_id(), new_id()
    notices = handed_back_notices("AVV-2026-000005", reporter, [socialchef, sas], sas)
    assert [n.recipient_id for n in notices] == [reporter, socialchef]
    assert all(n.kind is NotificationKind.LEX_SARAH_HANDED_BACK for n in notices)
    assert all("AVV-2026-000005" in n.title for n in notices)
