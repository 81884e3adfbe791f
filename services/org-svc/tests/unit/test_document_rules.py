from __future__ import annotations

import uuid
from datetime import date

import pytest

from org_svc.domain.documents.authority import DecisionAuthority, check_decider_covers, check_deciders
from org_svc.domain.documents.kinds import DocumentKind, Scope, scope_of
from org_svc.domain.documents.process_map import (
    Node,
    NodeKind,
    ProcessType,
    check_link,
    check_no_cycle,
    check_placed,
    check_placement,
    check_retire,
    move_to_position,
)
from org_svc.domain.documents.proposals import (
    ProposalSource,
    ProposalStatus,
    accept,
    reject,
    requests_from_event,
    settled_by_publication,
    withdraw,
    withdrawn_by_event,
)
from org_svc.domain.documents.review import (
    ReviewState,
    add_months,
    check_interval,
    check_review,
    next_review_on,
    owners_chef_starts_above,
    reminder_on,
    review_state,
)
from org_svc.domain.documents.versions import (
    VersionCommand,
    VersionStatus,
    check_content,
    check_editable,
    check_new_version_allowed,
    check_valid_from,
    next_number,
    next_status,
)
from org_svc.domain.model import OrgConflict, OrgRuleViolation, UnitLevel
from platform_shared.contracts.deviation import (
    ActionPlanned,
    ActionRejected,
    DeviationReported,
    DeviationVoided,
    ImprovementProposalAccepted,
)
from platform_shared.contracts.risk import RiskAssessed
from platform_shared.decisions import Decision
from platform_shared.roles import Role

NAMND, FORVALTNING, OMSORG, ENHET_A, ENHET_B = (uuid.uuid4() for _ in range(5))
PERSON = uuid.uuid4()
DAY = date(2026, 3, 12)


def by(role: Role, unit: uuid.UUID = ENHET_A) -> Decision:
    return Decision.by_role(role=role, person_id=PERSON, unit_id=unit, decided_on=DAY)


def by_namnd() -> Decision:
    return Decision.by_namnd(
        unit_id=NAMND, meeting_date=DAY, paragraph=85, recorded_by=PERSON, recorder_role=Role.KVALITETSLEDARE
    )


# --- kinds and scope ---------------------------------------------------------------------------


def test_a_documents_scope_follows_the_highest_unit_it_applies_to() -> None:
    assert scope_of([UnitLevel.ENHET, UnitLevel.ENHET], principal=False) is Scope.ENHET
    assert scope_of([UnitLevel.ENHET, UnitLevel.VERKSAMHETSOMRADE], principal=False) is Scope.VERKSAMHET
    assert scope_of([UnitLevel.AVDELNING], principal=False) is Scope.VERKSAMHET
    assert scope_of([UnitLevel.FORVALTNING, UnitLevel.ENHET], principal=False) is Scope.FORVALTNING
    assert scope_of([UnitLevel.NAMND], principal=False) is Scope.FORVALTNING


def test_a_document_of_principal_importance_is_the_namnds_whatever_its_reach() -> None:
    assert scope_of([UnitLevel.ENHET], principal=True) is Scope.PRINCIPAL


def test_a_document_applies_to_at_least_one_unit() -> None:
    with pytest.raises(OrgRuleViolation):
        scope_of([], principal=False)


# --- who may decide ----------------------------------------------------------------------------


def test_the_namnd_adopts_riktlinjer_of_principal_importance() -> None:
    rules = DecisionAuthority()
    rules.check(DocumentKind.RIKTLINJE, Scope.PRINCIPAL, by_namnd())
    with pytest.raises(OrgRuleViolation) as refused:
        rules.check(DocumentKind.RIKTLINJE, Scope.PRINCIPAL, by(Role.SOCIALCHEF, FORVALTNING))
    assert refused.value.message == "Riktlinje av principiell vikt beslutas av nämnden"


def test_the_socialchef_or_forvaltningschef_adopts_forvaltningsovergripande_documents() -> None:
    rules = DecisionAuthority()
    for role in (Role.SOCIALCHEF, Role.FORVALTNINGSCHEF):
        rules.check(DocumentKind.RIKTLINJE, Scope.FORVALTNING, by(role, FORVALTNING))
    with pytest.raises(OrgRuleViolation):
        rules.check(DocumentKind.RUTIN, Scope.FORVALTNING, by(Role.VERKSAMHETSCHEF, OMSORG))


def test_the_verksamhetschef_adopts_verksamhetsovergripande_documents() -> None:
    rules = DecisionAuthority()
    rules.check(DocumentKind.PROCESS, Scope.VERKSAMHET, by(Role.VERKSAMHETSCHEF, OMSORG))
    rules.check(DocumentKind.PROCESS, Scope.VERKSAMHET, by(Role.AVDELNINGSCHEF, OMSORG))
    with pytest.raises(OrgRuleViolation):
        rules.check(DocumentKind.PROCESS, Scope.VERKSAMHET, by(Role.ENHETSCHEF))


def test_the_enhetschef_adopts_the_units_own_rutiner() -> None:
    rules = DecisionAuthority()
    rules.check(DocumentKind.RUTIN, Scope.ENHET, by(Role.ENHETSCHEF))
    with pytest.raises(OrgRuleViolation) as refused:
        rules.check(DocumentKind.RUTIN, Scope.ENHET, by(Role.MAS))
    assert refused.value.message == "Rutin för enheten beslutas av enhetschef"


def test_tenant_rules_override_the_defaults_kind_before_scope() -> None:
    rules = DecisionAuthority(
        by_scope={Scope.ENHET: ("enhetschef", "verksamhetschef")},
        by_kind_and_scope={(DocumentKind.INSTRUKTION, Scope.ENHET): ("mas",)},
    )
    rules.check(DocumentKind.RUTIN, Scope.ENHET, by(Role.VERKSAMHETSCHEF, OMSORG))
    rules.check(DocumentKind.INSTRUKTION, Scope.ENHET, by(Role.MAS, FORVALTNING))
    with pytest.raises(OrgRuleViolation):
        rules.check(DocumentKind.INSTRUKTION, Scope.ENHET, by(Role.ENHETSCHEF))


def test_tenant_rules_name_only_the_namnd_or_roles_that_decide() -> None:
    check_deciders(("namnd", "socialchef"))
    for bad in ((), ("medarbetare",), ("namnd_ledamot",)):
        with pytest.raises(OrgRuleViolation):
            check_deciders(bad)


def test_a_minor_revision_of_a_namnd_document_may_be_decided_by_the_socialchef() -> None:
    rules = DecisionAuthority()
    socialchef = by(Role.SOCIALCHEF, FORVALTNING)
    rules.check(
        DocumentKind.RIKTLINJE, Scope.PRINCIPAL, socialchef, minor_revision=True, has_published_version=True
    )
    with pytest.raises(OrgRuleViolation):
        rules.check(DocumentKind.RIKTLINJE, Scope.PRINCIPAL, socialchef)


def test_a_documents_first_version_is_never_a_minor_revision() -> None:
    with pytest.raises(OrgRuleViolation) as refused:
        DecisionAuthority().check(
            DocumentKind.RIKTLINJE, Scope.PRINCIPAL, by(Role.SOCIALCHEF, FORVALTNING), minor_revision=True
        )
    assert refused.value.field == "minor_revision"


def test_the_decider_is_responsible_for_every_unit_the_document_applies_to() -> None:
    check_decider_covers(
        by(Role.VERKSAMHETSCHEF, OMSORG), [[ENHET_A, OMSORG, FORVALTNING], [ENHET_B, OMSORG]]
    )
    with pytest.raises(OrgRuleViolation):
        check_decider_covers(by(Role.ENHETSCHEF, ENHET_A), [[ENHET_A, OMSORG], [ENHET_B, OMSORG]])


# --- versions ----------------------------------------------------------------------------------


def test_a_version_goes_draft_review_decided_published_superseded() -> None:
    status = VersionStatus.DRAFT
    for command, expected in (
        (VersionCommand.SUBMIT, VersionStatus.REVIEW),
        (VersionCommand.DECIDE, VersionStatus.DECIDED),
        (VersionCommand.PUBLISH, VersionStatus.PUBLISHED),
        (VersionCommand.SUPERSEDE, VersionStatus.SUPERSEDED),
    ):
        status = next_status(status, command)
        assert status is expected


def test_a_version_cannot_skip_its_decision() -> None:
    with pytest.raises(OrgConflict):
        next_status(VersionStatus.DRAFT, VersionCommand.DECIDE)
    with pytest.raises(OrgConflict):
        next_status(VersionStatus.REVIEW, VersionCommand.PUBLISH)


def test_a_version_under_review_or_decided_may_go_back_to_draft_but_not_a_published_one() -> None:
    assert next_status(VersionStatus.REVIEW, VersionCommand.RETURN) is VersionStatus.DRAFT
    assert next_status(VersionStatus.DECIDED, VersionCommand.RETURN) is VersionStatus.DRAFT
    with pytest.raises(OrgConflict):
        next_status(VersionStatus.PUBLISHED, VersionCommand.RETURN)


def test_a_superseded_version_stays_superseded() -> None:
    for command in VersionCommand:
        with pytest.raises(OrgConflict):
            next_status(VersionStatus.SUPERSEDED, command)


def test_only_a_draft_is_edited() -> None:
    check_editable(VersionStatus.DRAFT)
    for status in (
        VersionStatus.REVIEW,
        VersionStatus.DECIDED,
        VersionStatus.PUBLISHED,
        VersionStatus.SUPERSEDED,
    ):
        with pytest.raises(OrgConflict):
            check_editable(status)


def test_one_version_at_a_time_is_in_the_works() -> None:
    check_new_version_allowed([VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED])
    with pytest.raises(OrgConflict):
        check_new_version_allowed([VersionStatus.PUBLISHED, VersionStatus.REVIEW])


def test_versions_are_numbered_one_up() -> None:
    assert next_number([]) == 1
    assert next_number([1, 3, 2]) == 4


def test_a_version_has_a_title_and_text_or_an_attached_file() -> None:
    check_content("Rutin för läkemedelshantering", "Så gör vi.", 0)
    check_content("Checklista", None, 1)
    with pytest.raises(OrgRuleViolation) as no_title:
        check_content("  ", "text", 0)
    assert no_title.value.field == "title"
    with pytest.raises(OrgRuleViolation) as empty:
        check_content("Rutin", "  ", 0)
    assert empty.value.field == "body"


def test_a_published_version_takes_effect_between_its_decision_and_its_publication() -> None:
    check_valid_from(DAY, DAY, DAY)
    with pytest.raises(OrgRuleViolation):
        check_valid_from(date(2026, 3, 11), DAY, DAY)
    with pytest.raises(OrgRuleViolation):
        check_valid_from(date(2026, 3, 14), DAY, date(2026, 3, 13))


# --- review cycle ------------------------------------------------------------------------------


def test_a_review_date_follows_from_the_interval() -> None:
    assert next_review_on(date(2026, 3, 12)) == date(2027, 3, 12)
    assert next_review_on(date(2026, 3, 12), 6) == date(2026, 9, 12)


def test_a_review_interval_ending_in_a_shorter_month_falls_on_its_last_day() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 5, 31), -3) == date(2026, 2, 28)


def test_a_review_interval_is_one_to_thirty_six_months() -> None:
    check_interval(1)
    check_interval(36)
    for months in (0, 37, -12):
        with pytest.raises(OrgRuleViolation):
            check_interval(months)


def test_the_owner_is_reminded_before_the_review_date_and_it_is_missed_after_it() -> None:
    due = date(2027, 3, 12)
    assert reminder_on(due) == date(2027, 2, 10)
    assert review_state(due, date(2027, 2, 9)) is ReviewState.CURRENT
    assert review_state(due, date(2027, 2, 10)) is ReviewState.DUE_SOON
    assert review_state(due, due) is ReviewState.DUE_SOON
    assert review_state(due, date(2027, 3, 13)) is ReviewState.OVERDUE


def test_a_review_is_of_the_version_in_force_and_dated_when_it_was_done() -> None:
    check_review(has_published_version=True, published_on=DAY, reviewed_on=DAY, today=DAY)
    with pytest.raises(OrgConflict):
        check_review(has_published_version=False, published_on=None, reviewed_on=DAY, today=DAY)
    with pytest.raises(OrgRuleViolation):
        check_review(has_published_version=True, published_on=DAY, reviewed_on=date(2026, 3, 11), today=DAY)
    with pytest.raises(OrgRuleViolation):
        check_review(has_published_version=True, published_on=DAY, reviewed_on=date(2026, 3, 13), today=DAY)


def test_a_missed_review_goes_to_the_chef_above_an_owner_who_is_chef_and_to_her_own_chef_otherwise() -> None:
    assert owners_chef_starts_above(Role.ENHETSCHEF)
    assert owners_chef_starts_above(Role.VERKSAMHETSCHEF)
    assert not owners_chef_starts_above(Role.MAS)
    assert not owners_chef_starts_above(Role.MEDARBETARE)


# --- process map -------------------------------------------------------------------------------


def node(kind: NodeKind, parent: uuid.UUID | None = None, position: int = 1, retired: bool = False) -> Node:
    return Node(uuid.uuid4(), kind, parent, position, retired)


def test_a_process_has_sub_processes_and_activities_and_an_activity_has_nothing_below_it() -> None:
    process = node(NodeKind.PROCESS)
    sub = node(NodeKind.SUBPROCESS, process.id)
    check_placement(NodeKind.PROCESS, ProcessType.HUVUDPROCESS, None)
    check_placement(NodeKind.SUBPROCESS, None, process)
    check_placement(NodeKind.SUBPROCESS, None, sub)
    check_placement(NodeKind.ACTIVITY, None, sub)
    for kind, parent in (
        (NodeKind.ACTIVITY, None),
        (NodeKind.SUBPROCESS, None),
        (NodeKind.PROCESS, process),
        (NodeKind.ACTIVITY, node(NodeKind.ACTIVITY)),
    ):
        with pytest.raises(OrgRuleViolation):
            check_placement(kind, ProcessType.STODPROCESS if kind is NodeKind.PROCESS else None, parent)


def test_only_a_top_level_process_has_a_process_type() -> None:
    with pytest.raises(OrgRuleViolation):
        check_placement(NodeKind.PROCESS, None, None)
    with pytest.raises(OrgRuleViolation):
        check_placement(NodeKind.SUBPROCESS, ProcessType.STODPROCESS, node(NodeKind.PROCESS))


def test_nothing_is_placed_under_a_retired_process() -> None:
    with pytest.raises(OrgConflict):
        check_placement(NodeKind.ACTIVITY, None, node(NodeKind.PROCESS, retired=True))


def test_a_process_cannot_be_moved_below_itself() -> None:
    top, middle, leaf = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    parents = {top: None, middle: top, leaf: middle}
    check_no_cycle(leaf, top, parents)
    with pytest.raises(OrgRuleViolation):
        check_no_cycle(top, leaf, parents)
    with pytest.raises(OrgRuleViolation):
        check_no_cycle(top, top, parents)


def test_activities_keep_their_order_when_one_is_moved() -> None:
    parent = uuid.uuid4()
    a, b, c = (node(NodeKind.ACTIVITY, parent, p) for p in (1, 2, 3))
    assert move_to_position([a, b, c], c.id, 1) == {c.id: 1, a.id: 2, b.id: 3}
    assert move_to_position([a, b, c], a.id, 99) == {b.id: 1, c.id: 2, a.id: 3}


def test_a_process_is_retired_only_when_nothing_hangs_below_it() -> None:
    process = node(NodeKind.PROCESS)
    check_retire(process, 0, 0)
    with pytest.raises(OrgConflict):
        check_retire(process, 1, 0)
    with pytest.raises(OrgConflict):
        check_retire(process, 0, 2)


def test_a_rutin_belongs_to_an_activity_and_a_process_description_to_a_process() -> None:
    activity, process, sub = node(NodeKind.ACTIVITY), node(NodeKind.PROCESS), node(NodeKind.SUBPROCESS)
    check_link(DocumentKind.RUTIN, activity)
    check_link(DocumentKind.PROCESS, process)
    check_link(DocumentKind.PROCESS, sub)
    check_link(DocumentKind.CHECKLISTA, activity)
    check_link(DocumentKind.RIKTLINJE, process)
    with pytest.raises(OrgRuleViolation):
        check_link(DocumentKind.RUTIN, process)
    with pytest.raises(OrgRuleViolation):
        check_link(DocumentKind.PROCESS, activity)


def test_a_rutin_is_published_in_its_place_in_the_process_map() -> None:
    check_placed(DocumentKind.RUTIN, 2)
    check_placed(DocumentKind.RIKTLINJE, 0)
    with pytest.raises(OrgRuleViolation):
        check_placed(DocumentKind.RUTIN, 0)


# --- revision proposals ------------------------------------------------------------------------


def test_a_deviation_naming_a_rutin_proposes_revising_it_once_per_rutin() -> None:
    deviation_id, rutin = uuid.uuid4(), uuid.uuid4()
    event = DeviationReported(
        deviation_id=deviation_id,
        reference="AVV-2026-000042",
        unit_id=ENHET_A,
        category="arbetssatt_rutiner",
        occurred_at="2026-03-01T08:00:00+01:00",  # type: ignore[arg-type]
        reported_at="2026-03-01T09:00:00+01:00",  # type: ignore[arg-type]
        document_ids=[rutin, rutin],
    )
    [request] = requests_from_event(event.event_type, event.model_dump())
    assert (request.document_id, request.source, request.source_id) == (
        rutin,
        ProposalSource.DEVIATION,
        deviation_id,
    )
    assert request.source_reference == "AVV-2026-000042"


def test_an_action_or_a_risk_proposes_revising_the_document_it_names() -> None:
    document, action_id, risk_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    planned = ActionPlanned(
        deviation_id=uuid.uuid4(),
        reference="AVV-2026-000007",
        unit_id=ENHET_A,
        action_id=action_id,
        planned_at="2026-03-02T10:00:00+01:00",  # type: ignore[arg-type]
        revises_document_id=document,
    )
    assessed = RiskAssessed(
        risk_id=risk_id,
        unit_id=ENHET_A,
        probability=3,
        consequence=3,
        risk_value=9,
        assessed_at="2026-03-02T10:00:00+01:00",  # type: ignore[arg-type]
        revises_document_id=document,
    )
    [from_action] = requests_from_event(planned.event_type, planned.model_dump())
    [from_risk] = requests_from_event(assessed.event_type, assessed.model_dump())
    assert (from_action.source, from_action.source_id) == (ProposalSource.ACTION, action_id)
    assert (from_risk.source, from_risk.source_id) == (ProposalSource.RISK, risk_id)


def test_events_that_name_no_document_propose_nothing() -> None:
    event = RiskAssessed(
        risk_id=uuid.uuid4(),
        unit_id=ENHET_A,
        probability=1,
        consequence=1,
        risk_value=1,
        assessed_at="2026-03-02T10:00:00+01:00",  # type: ignore[arg-type]
    )
    assert requests_from_event(event.event_type, event.model_dump()) == []


def test_a_voided_deviation_or_a_rejected_action_withdraws_its_open_proposals() -> None:
    deviation_id, action_id = uuid.uuid4(), uuid.uuid4()
    voided = DeviationVoided(
        deviation_id=deviation_id,
        reference="AVV-2026-000042",
        unit_id=ENHET_A,
        voided_at="2026-03-03T10:00:00+01:00",  # type: ignore[arg-type]
        voided_by=PERSON,
        document_ids=[uuid.uuid4()],
    )
    rejected = ActionRejected(
        deviation_id=deviation_id,
        reference="AVV-2026-000042",
        unit_id=ENHET_A,
        action_id=action_id,
        rejected_at="2026-03-03T10:00:00+01:00",  # type: ignore[arg-type]
        revises_document_id=uuid.uuid4(),
    )
    assert requests_from_event(voided.event_type, voided.model_dump()) == []
    assert withdrawn_by_event(voided.event_type, voided.model_dump()) == (
        ProposalSource.DEVIATION,
        deviation_id,
    )
    assert requests_from_event(rejected.event_type, rejected.model_dump()) == []
    assert withdrawn_by_event(rejected.event_type, rejected.model_dump()) == (
        ProposalSource.ACTION,
        action_id,
    )
    assert withdraw(ProposalStatus.OPEN) is ProposalStatus.WITHDRAWN
    assert withdraw(ProposalStatus.ACCEPTED) is None


def test_a_rejected_proposal_needs_a_motivation() -> None:
    assert reject(ProposalStatus.OPEN, "Rutinen följdes inte; den är tydlig") is ProposalStatus.REJECTED
    with pytest.raises(OrgRuleViolation):
        reject(ProposalStatus.OPEN, " ")
    with pytest.raises(OrgConflict):
        reject(ProposalStatus.DONE, "sent")


def test_accepted_proposals_are_done_when_a_new_version_is_published() -> None:
    assert accept(ProposalStatus.OPEN) is ProposalStatus.ACCEPTED
    with pytest.raises(OrgConflict):
        accept(ProposalStatus.REJECTED)
    assert settled_by_publication(ProposalStatus.ACCEPTED)
    assert not settled_by_publication(ProposalStatus.OPEN)


def test_a_forbattringsforslag_accepted_as_a_rutin_revision_proposes_revising_that_rutin() -> None:
    proposal_id, rutin = uuid.uuid4(), uuid.uuid4()
    accepted = ImprovementProposalAccepted(
        proposal_id=proposal_id,
        reference="FF-2026-000003",
        unit_id=ENHET_A,
        outcome="rutin_revision",
        document_id=rutin,
        accepted_at="2026-03-02T10:00:00+01:00",  # type: ignore[arg-type]
        assessed_by=PERSON,
    )
    [request] = requests_from_event(accepted.event_type, accepted.model_dump())
    assert (request.document_id, request.source, request.source_id, request.source_reference) == (
        rutin,
        ProposalSource.IMPROVEMENT,
        proposal_id,
        "FF-2026-000003",
    )
    as_action = accepted.model_copy(update={"outcome": "action", "document_id": None})
    assert requests_from_event(as_action.event_type, as_action.model_dump()) == []
