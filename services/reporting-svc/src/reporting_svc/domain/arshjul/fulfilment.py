"""What fulfils an activity: the owning service's event that shows the work was done (a report
adopted, an analysis completed, a plan adopted, a meeting held, a review done, information given).

Reports and plans name their year: they fulfil the activity of that kind, unit and year. Meetings,
egenkontroller, reviews and information carry only a date: they fulfil the earliest open activity
of the kind at the unit whose window they fall in (after the one before it was due), late or not.
Activities of kind `own`, and any activity whose evidence no service sends yet, are marked done by
hand.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from platform_shared.timeutil import local_date
from reporting_svc.domain.arshjul.activities import Activity, ActivityKind

FIRST_WINDOW = timedelta(days=183)  # how early the first dated evidence of a kind in a year may come


class EvidenceKind(StrEnum):
    REPORT_ADOPTED = (
        "report_adopted"  # reporting-svc's own reports (T1, T2, VB, KB, PSB, kvalitetsråd; VP later)
    )
    RISK_ANALYSIS_COMPLETED = "risk_analysis_completed"  # RiskAnalysisCompleted (yearly)
    CONTROL_PLAN_ADOPTED = "control_plan_adopted"  # ControlPlanAdopted
    SELF_ASSESSMENT_COMPLETED = "self_assessment_completed"  # SelfAssessmentCompleted
    MEETING_HELD = "meeting_held"  # a kvalitetsråd held (issue 14's meetings)
    DOCUMENT_REVIEWED = "document_reviewed"  # DocumentReviewed, DocumentVersionPublished
    INFORMATION_GIVEN = "information_given"  # InformationGiven


@dataclass(frozen=True)
class Evidence:
    kind: EvidenceKind
    unit_id: uuid.UUID
    occurred_on: date
    source_type: str  # the event type (or the report) that shows it
    source_id: uuid.UUID
    year: int | None = None
    report_type: str | None = None  # t1 | t2 | vb | kb | psb | vp | kvalitetsrad
    tertial: int | None = None
    method: str | None = None  # an egenkontroll's method (brukarundersokning …)
    item_key: str | None = None  # an information item
    target_id: uuid.UUID | None = None  # the document reviewed


@dataclass(frozen=True)
class _Rule:
    evidence: EvidenceKind
    report_type: str | None = None
    by_year: bool = False  # matched on the year it concerns, not on a date window
    decided_above: bool = False  # adopted for the level it reports to (the nämnd's internkontrollplan)


_REPORT_TYPES_BY_TERTIAL = {1: "t1", 2: "t2"}
BRUKARUNDERSOKNING = "brukarundersokning"
LEX_SARAH_ITEM = "lex_sarah_rapporteringsskyldighet"

RULES: dict[ActivityKind, tuple[_Rule, ...]] = {
    ActivityKind.TERTIALRAPPORT: (_Rule(EvidenceKind.REPORT_ADOPTED, "t*", by_year=True),),
    ActivityKind.VERKSAMHETSBERATTELSE: (_Rule(EvidenceKind.REPORT_ADOPTED, "vb", by_year=True),),
    ActivityKind.KVALITETSBERATTELSE: (_Rule(EvidenceKind.REPORT_ADOPTED, "kb", by_year=True),),
    ActivityKind.PATIENTSAKERHETSBERATTELSE: (_Rule(EvidenceKind.REPORT_ADOPTED, "psb", by_year=True),),
    ActivityKind.VERKSAMHETSPLAN: (_Rule(EvidenceKind.REPORT_ADOPTED, "vp", by_year=True),),
    ActivityKind.RISKANALYS: (_Rule(EvidenceKind.RISK_ANALYSIS_COMPLETED, by_year=True),),
    ActivityKind.INTERNKONTROLLPLAN: (
        _Rule(EvidenceKind.CONTROL_PLAN_ADOPTED, by_year=True, decided_above=True),
    ),
    ActivityKind.EGENKONTROLL: (_Rule(EvidenceKind.SELF_ASSESSMENT_COMPLETED),),
    ActivityKind.BRUKARUNDERSOKNING: (_Rule(EvidenceKind.SELF_ASSESSMENT_COMPLETED),),
    ActivityKind.KVALITETSRAD: (
        _Rule(EvidenceKind.MEETING_HELD),
        _Rule(EvidenceKind.REPORT_ADOPTED, "kvalitetsrad"),
    ),
    ActivityKind.LEDNINGSSYSTEM_REVIEW: (_Rule(EvidenceKind.DOCUMENT_REVIEWED),),
    ActivityKind.INFORMATION_DUTY: (_Rule(EvidenceKind.INFORMATION_GIVEN),),
    ActivityKind.OWN: (),
}


def _rule_matches(rule: _Rule, activity: Activity, evidence: Evidence) -> bool:
    if rule.evidence is not evidence.kind:
        return False
    units = {activity.unit_id}
    if rule.decided_above and activity.reports_to_unit_id is not None:
        units.add(activity.reports_to_unit_id)
    if evidence.unit_id not in units:
        return False
    if rule.report_type == "t*":
        if evidence.report_type != _REPORT_TYPES_BY_TERTIAL.get(activity.tertial or 0):
            return False
    elif rule.report_type is not None and evidence.report_type != rule.report_type:
        return False
    if rule.by_year and evidence.year != activity.period_year:
        return False
    return _detail_matches(activity, evidence)


def _detail_matches(activity: Activity, evidence: Evidence) -> bool:
    if activity.kind is ActivityKind.BRUKARUNDERSOKNING:
        return evidence.method == BRUKARUNDERSOKNING
    if activity.kind is ActivityKind.EGENKONTROLL:
        return evidence.method != BRUKARUNDERSOKNING
    if activity.kind is ActivityKind.LEDNINGSSYSTEM_REVIEW:
        return activity.target_id is not None and evidence.target_id == activity.target_id
    if activity.kind is ActivityKind.INFORMATION_DUTY:
        return evidence.item_key == LEX_SARAH_ITEM and evidence.method == "group"
    if activity.kind is ActivityKind.KVALITETSRAD and evidence.kind is EvidenceKind.REPORT_ADOPTED:
        return evidence.year == activity.period_year and evidence.tertial == activity.tertial
    return True


def fulfils(activity: Activity, evidence: Evidence) -> bool:
    """Does this evidence show that this activity was done (whatever its date)?"""
    return any(_rule_matches(rule, activity, evidence) for rule in RULES[activity.kind])


def _dated(activity: Activity, evidence: Evidence) -> bool:
    return not any(r.by_year for r in RULES[activity.kind] if r.evidence is evidence.kind)


def _window_start(activity: Activity, same_kind: list[Activity]) -> date:
    earlier = [a.due_on for a in same_kind if a.due_on < activity.due_on and not a.cancelled]
    return max(earlier) + timedelta(days=1) if earlier else activity.due_on - FIRST_WINDOW


def assign(evidence: Evidence, activities: Iterable[Activity]) -> Activity | None:
    """The activity this evidence fulfils, if any: the earliest open one it matches; for dated
    evidence, the earliest whose window has opened by the evidence's date."""
    candidates = sorted(
        (a for a in activities if not a.cancelled and a.fulfilled_on is None and fulfils(a, evidence)),
        key=lambda a: (a.due_on, str(a.id)),
    )
    if not candidates:
        return None
    first = candidates[0]
    if not _dated(first, evidence):
        return first
    all_of_kind = [a for a in activities if a.kind is first.kind and a.unit_id == first.unit_id]
    for activity in candidates:
        if _window_start(activity, all_of_kind) <= evidence.occurred_on:
            return activity
    return None


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return local_date(value)
    if isinstance(value, date):
        return value
    return local_date(datetime.fromisoformat(str(value)))


@dataclass(frozen=True)
class _Source:
    kind: EvidenceKind
    unit: str  # the payload fields holding the unit, the date and the id
    on: str
    id: str
    extra: tuple[tuple[str, str], ...] = ()  # Evidence field ← payload field


_SOURCES: dict[str, _Source] = {
    "RiskAnalysisCompleted": _Source(
        EvidenceKind.RISK_ANALYSIS_COMPLETED, "unit_id", "completed_at", "analysis_id", (("year", "year"),)
    ),
    "ControlPlanAdopted": _Source(
        EvidenceKind.CONTROL_PLAN_ADOPTED, "unit_id", "adopted_at", "plan_id", (("year", "year"),)
    ),
    "SelfAssessmentCompleted": _Source(
        EvidenceKind.SELF_ASSESSMENT_COMPLETED,
        "unit_id",
        "completed_at",
        "assessment_id",
        (("method", "method"),),
    ),
    "DocumentReviewed": _Source(
        EvidenceKind.DOCUMENT_REVIEWED,
        "owner_unit_id",
        "reviewed_on",
        "review_id",
        (("target_id", "document_id"),),
    ),
    "DocumentVersionPublished": _Source(
        EvidenceKind.DOCUMENT_REVIEWED,
        "owner_unit_id",
        "published_at",
        "version_id",
        (("target_id", "document_id"),),
    ),
    "KvalitetsradHeld": _Source(
        EvidenceKind.MEETING_HELD, "unit_id", "meeting_on", "meeting_id"
    ),  # the day it met
    "InformationGiven": _Source(
        EvidenceKind.INFORMATION_GIVEN,
        "unit_id",
        "given_on",
        "record_id",
        (("item_key", "item_key"), ("method", "method")),
    ),
}
# The events reporting must consume for the årshjul (beyond its projections).
FULFILLING_EVENT_TYPES = tuple(_SOURCES)


def evidence_from_event(event_type: str, facts: Mapping[str, Any]) -> Evidence | None:
    """Evidence from another service's event (its payload's `model_dump()`); None when the event
    fulfils no activity (a risk analysis before a change is not the yearly one)."""
    source = _SOURCES.get(event_type)
    if source is None or (event_type == "RiskAnalysisCompleted" and facts.get("trigger") != "arlig"):
        return None
    extra = {field: facts.get(name) for field, name in source.extra}
    return Evidence(
        source.kind, facts[source.unit], _day(facts[source.on]), event_type, facts[source.id], **extra
    )


def evidence_from_report(
    *,
    report_id: uuid.UUID,
    report_type: str,
    unit_id: uuid.UUID,
    year: int,
    tertial: int | None,
    adopted_on: date,
) -> Evidence:
    """reporting-svc's own report, adopted (reporting emits no ReportAdopted event yet: its service
    layer calls this in the adopting transaction)."""
    return Evidence(
        EvidenceKind.REPORT_ADOPTED,
        unit_id,
        adopted_on,
        "ReportAdopted",
        report_id,
        year=year,
        report_type=report_type,
        tertial=tertial,
    )
