"""deviation-svc's events: deviations (avvikelse, lex_sarah, hsl), complaints, data breaches and
förbättringsförslag.

Each carries what reporting needs to count and time it (unit, type, category, severity, degree,
status after the step, timestamps, actor ids); never a description, name or personnummer.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.topics import DEVIATION_EVENTS


class _DeviationEvent(EventPayload):
    topic = DEVIATION_EVENTS
    deviation_id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    deviation_type: str | None = None  # avvikelse | lex_sarah | hsl
    category: str | None = None
    status: str | None = None  # the state after this step
    severity: int | None = None  # konsekvens 1–4 at this step (added: deviation-svc issue 4)
    # org-svc documents (rutiner) the case names as not followed (category arbetssatt_rutiner); each
    # becomes a revision proposal on the document (added: ledningssystem issue 13)
    document_ids: list[uuid.UUID] = []

    def aggregate_id(self) -> str:
        return str(self.deviation_id)


class DeviationReported(_DeviationEvent):
    event_type = "DeviationReported"
    occurred_at: datetime
    reported_at: datetime
    discovered_at: datetime | None = None
    reporter_id: uuid.UUID | None = None
    source_system: str | None = None
    severity: int | None = None  # konsekvens 1–4
    probability: int | None = None  # sannolikhet 1–4
    risk_value: int | None = None
    complaint_id: uuid.UUID | None = None  # when escalated from a complaint


class DeviationReceived(_DeviationEvent):
    event_type = "DeviationReceived"
    received_at: datetime
    received_by: uuid.UUID


class DeviationReclassified(_DeviationEvent):
    event_type = "DeviationReclassified"
    from_type: str
    to_type: str
    reclassified_at: datetime
    reclassified_by: uuid.UUID
    # the reporter, so she can be told when her Lex Sarah report is handed back (added: issue 12)
    reporter_id: uuid.UUID | None = None


class InvestigationStarted(_DeviationEvent):
    event_type = "InvestigationStarted"
    investigator_id: uuid.UUID
    method: str | None = None
    started_at: datetime


class InvestigationCompleted(_DeviationEvent):
    event_type = "InvestigationCompleted"
    completed_at: datetime
    cause_areas: list[str] = []


class DeviationDecided(_DeviationEvent):
    event_type = "DeviationDecided"
    degree: str
    ivo_required: bool
    decided_at: datetime
    decided_by: uuid.UUID


class _Escalated(_DeviationEvent):
    degree: str
    decided_by: uuid.UUID
    decided_at: datetime
    ivo_notification_id: uuid.UUID | None = None


class LexSarahEscalated(_Escalated):
    event_type = "LexSarahEscalated"


class LexMariaEscalated(_Escalated):
    event_type = "LexMariaEscalated"


class IvoNotificationSent(_DeviationEvent):
    event_type = "IvoNotificationSent"
    ivo_notification_id: uuid.UUID
    kind: str  # lex_sarah | lex_maria
    sent_at: datetime
    recorded_by: uuid.UUID
    investigation_attached: bool = False


class IvoInvestigationSent(_DeviationEvent):
    event_type = "IvoInvestigationSent"
    ivo_notification_id: uuid.UUID
    sent_at: datetime


class NamndInformed(_DeviationEvent):
    event_type = "NamndInformed"
    ivo_notification_id: uuid.UUID | None = None
    informed_at: datetime
    recorded_by: uuid.UUID


class _ActionEvent(_DeviationEvent):
    action_id: uuid.UUID
    horizon: str | None = None  # kort | lang
    responsible_id: uuid.UUID | None = None
    due_date: date | None = None
    revises_document_id: uuid.UUID | None = None  # the action is to revise this org-svc document


class ActionProposed(_ActionEvent):
    event_type = "ActionProposed"
    proposed_at: datetime


class ActionPlanned(_ActionEvent):
    event_type = "ActionPlanned"
    planned_at: datetime


class ActionCompleted(_ActionEvent):
    event_type = "ActionCompleted"
    completed_at: datetime


class ActionFollowedUp(_ActionEvent):
    event_type = "ActionFollowedUp"
    followed_up_at: datetime
    effective: bool | None = None


class ActionRejected(_ActionEvent):
    event_type = "ActionRejected"
    rejected_at: datetime


class DeviationClosed(_DeviationEvent):
    event_type = "DeviationClosed"
    closed_at: datetime
    closed_by: uuid.UUID
    reporter_id: uuid.UUID | None = None  # so the reporter can be told


class DeviationReopened(_DeviationEvent):
    event_type = "DeviationReopened"
    reopened_at: datetime
    reopened_by: uuid.UUID


class DeviationVoided(_DeviationEvent):
    event_type = "DeviationVoided"
    voided_at: datetime
    voided_by: uuid.UUID


# --- klagomål och synpunkter -----------------------------------------------------------------


class _ComplaintEvent(EventPayload):
    topic = DEVIATION_EVENTS
    complaint_id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    kind: str | None = None  # klagomal | synpunkt | berom | forbattringsforslag
    category: str | None = None
    status: str | None = None

    def aggregate_id(self) -> str:
        return str(self.complaint_id)


class ComplaintReceived(_ComplaintEvent):
    event_type = "ComplaintReceived"
    channel: str | None = None
    complainant_type: str | None = None
    received_at: datetime
    response_due_at: datetime | None = None
    registered_by: uuid.UUID | None = None
    # värdighetsgarantier the complaint names as not kept (added: issue 14)
    guarantee_ids: list[uuid.UUID] = []


class ComplaintAcknowledged(_ComplaintEvent):
    event_type = "ComplaintAcknowledged"
    acknowledged_at: datetime


class ComplaintInvestigationStarted(_ComplaintEvent):
    event_type = "ComplaintInvestigationStarted"
    started_at: datetime


class ComplaintResponded(_ComplaintEvent):
    event_type = "ComplaintResponded"
    responded_at: datetime


class ComplaintEscalated(_ComplaintEvent):
    event_type = "ComplaintEscalated"
    deviation_id: uuid.UUID
    escalated_at: datetime


class ComplaintClosed(_ComplaintEvent):
    event_type = "ComplaintClosed"
    closed_at: datetime


class ComplaintMovedToProposal(_ComplaintEvent):
    """A complaint of kind forbattringsforslag became an improvement proposal (same id): count it as a
    proposal from now on, no longer as a complaint."""

    event_type = "ComplaintMovedToProposal"
    proposal_id: uuid.UUID
    moved_at: datetime


# --- förbättringsförslag --------------------------------------------------------------------------


class _ProposalEvent(EventPayload):
    topic = DEVIATION_EVENTS
    proposal_id: uuid.UUID
    reference: str
    unit_id: uuid.UUID  # the unit whose chef assesses it now
    origin_unit_id: uuid.UUID | None = None  # where it was submitted (differs once forwarded)
    status: str | None = None  # submitted | forwarded | accepted | rejected | closed

    def aggregate_id(self) -> str:
        return str(self.proposal_id)


class ImprovementProposalSubmitted(_ProposalEvent):
    event_type = "ImprovementProposalSubmitted"
    submitted_at: datetime
    anonymous: bool = False
    proposer_id: uuid.UUID | None = None  # never set for an anonymous proposal
    moved_from_complaint_id: uuid.UUID | None = None


class ImprovementProposalForwarded(_ProposalEvent):
    event_type = "ImprovementProposalForwarded"
    from_unit_id: uuid.UUID
    forwarded_at: datetime
    forwarded_by: uuid.UUID


class ImprovementProposalAccepted(_ProposalEvent):
    event_type = "ImprovementProposalAccepted"
    outcome: str  # action | rutin_revision
    action_id: uuid.UUID | None = None
    responsible_id: uuid.UUID | None = None
    due_date: date | None = None
    document_id: uuid.UUID | None = None  # the rutin proposed for revision
    accepted_at: datetime
    assessed_by: uuid.UUID


class ImprovementProposalRejected(_ProposalEvent):
    event_type = "ImprovementProposalRejected"
    rejected_at: datetime
    assessed_by: uuid.UUID


class _ImprovementActionEvent(_ProposalEvent):
    action_id: uuid.UUID
    responsible_id: uuid.UUID | None = None
    due_date: date | None = None


class ImprovementActionCompleted(_ImprovementActionEvent):
    event_type = "ImprovementActionCompleted"
    completed_at: datetime


class ImprovementActionFollowedUp(_ImprovementActionEvent):
    event_type = "ImprovementActionFollowedUp"
    followed_up_at: datetime
    effective: bool | None = None


# --- personuppgiftsincidenter ----------------------------------------------------------------


class _BreachEvent(EventPayload):
    topic = DEVIATION_EVENTS
    breach_id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    status: str | None = None

    def aggregate_id(self) -> str:
        return str(self.breach_id)


class DataBreachReported(_BreachEvent):
    event_type = "DataBreachReported"
    occurred_at: datetime | None = None
    discovered_at: datetime
    reported_at: datetime
    imy_due_at: datetime | None = None


class DataBreachAssessed(_BreachEvent):
    event_type = "DataBreachAssessed"
    risk: str  # ingen_trolig | risk | hog_risk
    imy_required: bool
    subjects_must_be_informed: bool
    assessed_at: datetime


class DataBreachReportedToImy(_BreachEvent):
    event_type = "DataBreachReportedToImy"
    imy_reported_at: datetime


class DataSubjectsInformed(_BreachEvent):
    event_type = "DataSubjectsInformed"
    informed_at: datetime


class DataBreachRemedied(_BreachEvent):
    event_type = "DataBreachRemedied"
    remedied_at: datetime


class DataBreachClosed(_BreachEvent):
    event_type = "DataBreachClosed"
    closed_at: datetime
