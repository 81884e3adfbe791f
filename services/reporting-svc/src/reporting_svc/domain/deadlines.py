"""When a missed deadline stops being overdue: the step it waited for was taken (late), or the case
ended. The producing services announce DeadlineMissed; reporting learns of the late step from the
case's own events."""

from __future__ import annotations

RESOLVED_BY: dict[str, frozenset[str]] = {
    "DeviationReceived": frozenset({"receive"}),
    "InvestigationStarted": frozenset({"investigation_start"}),
    "InvestigationCompleted": frozenset({"investigation_complete"}),
    "IvoNotificationSent": frozenset({"ivo_lex_sarah", "ivo_lex_maria"}),
    "IvoInvestigationSent": frozenset({"ivo_investigation"}),
    "NamndInformed": frozenset({"namnd_informed"}),
    "ActionCompleted": frozenset({"actions_due"}),
    "ComplaintAcknowledged": frozenset({"complaint_acknowledge"}),
    "ComplaintResponded": frozenset({"complaint_response"}),
    "DataBreachReportedToImy": frozenset({"imy_notification"}),
    "DataSubjectsInformed": frozenset({"data_subjects_informed"}),
    "RiskAnalysisCompleted": frozenset({"risk_analysis_yearly"}),
    "ControlPerformed": frozenset({"control_performed"}),
}

# The case is over: none of its deadlines is overdue any more.
ENDS_CASE = frozenset(
    {"DeviationClosed", "DeviationVoided", "ComplaintClosed", "DataBreachClosed", "RiskClosed"}
)


def rules_resolved_by(event_type: str) -> frozenset[str] | None:
    """The deadline rules an event meets; None: every rule of the case (it ended)."""
    if event_type in ENDS_CASE:
        return None
    return RESOLVED_BY.get(event_type, frozenset())
