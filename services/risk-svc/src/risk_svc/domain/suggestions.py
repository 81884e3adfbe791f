"""What a risk analysis should look at, proposed from the unit's own history (SOSFS 2011:9 5 kap:
compile and analyse reports, complaints and synpunkter for patterns and trends).

Proposed: deviation and complaint categories that recur or rise (the shared rule,
platform_shared.patterns), severe events (Lex Sarah/Lex Maria escalations, severity at or above the
tenant's threshold), missed deadlines, failed or missed controls, egenkontroller with shortcomings,
and risks still open from earlier work; each with the figures behind it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from platform_shared.deadlines.rules import LAW_DEFAULTS
from platform_shared.patterns import PatternKind, classify
from risk_svc.domain.risks import RiskSource
from risk_svc.domain.settings import SuggestionRule

UNCATEGORISED = "okategoriserad"


class SuggestionKind(StrEnum):
    PATTERN = "pattern"  # a category recurring or rising
    SEVERE_EVENTS = "severe_events"
    MISSED_DEADLINES = "missed_deadlines"
    FAILED_CONTROLS = "failed_controls"
    SELF_ASSESSMENT = "self_assessment_shortcomings"
    OPEN_RISK = "open_risk"


@dataclass(frozen=True)
class Window:
    start: date  # inclusive
    end: date  # exclusive

    def __contains__(self, day: date) -> bool:
        return self.start <= day < self.end


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def lookback(anchor: date, period_months: int, periods: int) -> list[Window]:
    """`periods` windows of `period_months` whole months, oldest first, the last ending with the
    anchor's month (an analysis on 25 Nov with quarters: …, Jun–Aug, Sep–Nov)."""
    end = _add_months(date(anchor.year, anchor.month, 1), 1)
    windows: list[Window] = []
    for _ in range(periods):
        start = _add_months(end, -period_months)
        windows.insert(0, Window(start, end))
        end = start
    return windows


@dataclass(frozen=True)
class DeviationFact:
    id: uuid.UUID
    unit_id: uuid.UUID
    type: str | None
    category: str | None
    occurred_on: date
    severity: int | None = None
    escalation: str | None = None  # lex_sarah | lex_maria


@dataclass(frozen=True)
class ComplaintFact:
    id: uuid.UUID
    unit_id: uuid.UUID
    kind: str | None
    category: str | None
    received_on: date


@dataclass(frozen=True)
class MissedDeadlineFact:
    id: uuid.UUID
    unit_id: uuid.UUID
    rule: str
    object_type: str
    object_id: uuid.UUID
    due_on: date


@dataclass(frozen=True)
class ControlFact:
    id: uuid.UUID
    unit_id: uuid.UUID
    row_id: uuid.UUID
    risk_id: uuid.UUID | None
    risk_reference: str | None
    activity: str
    due_date: date
    performed: bool
    with_findings: bool
    findings: int


@dataclass(frozen=True)
class SelfAssessmentFact:
    id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    area: str
    comparison: bool
    completed_on: date
    below_reference: int


@dataclass(frozen=True)
class OpenRiskFact:
    id: uuid.UUID
    reference: str
    unit_id: uuid.UUID
    title: str
    status: str
    source: str | None
    risk_value: int | None


@dataclass
class History:
    """The unit subtree's history as risk-svc knows it (read model of deviation events + own data)."""

    deviations: list[DeviationFact] = field(default_factory=list)
    complaints: list[ComplaintFact] = field(default_factory=list)
    missed_deadlines: list[MissedDeadlineFact] = field(default_factory=list)
    controls: list[ControlFact] = field(default_factory=list)
    self_assessments: list[SelfAssessmentFact] = field(default_factory=list)
    open_risks: list[OpenRiskFact] = field(default_factory=list)


@dataclass(frozen=True)
class Suggestion:
    key: str  # stable: a risk made from it records the key, and the suggestion shows as taken
    kind: SuggestionKind
    source: RiskSource
    unit_id: uuid.UUID
    title: str
    category: str | None
    figures: dict[str, Any]
    deviation_ids: tuple[uuid.UUID, ...] = ()
    complaint_ids: tuple[uuid.UUID, ...] = ()
    control_ids: tuple[uuid.UUID, ...] = ()
    risk_id: uuid.UUID | None = None


_KIND_WORDS = {PatternKind.RISING: "ökande", PatternKind.RECURRING: "återkommande"}
# Complaints that signal a risk; beröm and förbättringsförslag do not.
RISK_COMPLAINT_KINDS = frozenset({"klagomal", "synpunkt"})


def _pattern_suggestions(
    what: str,
    noun: str,
    source: RiskSource,
    items: Iterable[tuple[uuid.UUID, uuid.UUID, str | None, date]],
    windows: Sequence[Window],
    rule: SuggestionRule,
) -> list[Suggestion]:
    counts: dict[tuple[uuid.UUID, str], list[int]] = defaultdict(lambda: [0] * len(windows))
    current_ids: dict[tuple[uuid.UUID, str], list[uuid.UUID]] = defaultdict(list)
    for item_id, unit_id, category, day in items:
        for index, window in enumerate(windows):
            if day in window:
                key = (unit_id, category or UNCATEGORISED)
                counts[key][index] += 1
                if index == len(windows) - 1:
                    current_ids[key].append(item_id)
    found = []
    for (unit_id, category), series in sorted(counts.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        kinds = classify(series, rule.pattern_thresholds())
        if not kinds:
            continue
        earlier = series[:-1]
        words = " och ".join(_KIND_WORDS[k] for k in kinds)
        ids = tuple(sorted(current_ids[(unit_id, category)]))
        found.append(
            Suggestion(
                key=f"pattern:{what}:{unit_id}:{category}",
                kind=SuggestionKind.PATTERN,
                source=source,
                unit_id=unit_id,
                title=f"{words.capitalize()} {noun} i kategorin {category}",
                category=category,
                figures={
                    "pattern": [k.value for k in kinds],
                    "current": series[-1],
                    "baseline": round(sum(earlier) / len(earlier), 2) if earlier else 0.0,
                    "periods": [
                        {"from": w.start.isoformat(), "to": w.end.isoformat(), "count": n}
                        for w, n in zip(windows, series, strict=True)
                    ],
                },
                deviation_ids=ids if what == "deviation" else (),
                complaint_ids=ids if what == "complaint" else (),
            )
        )
    return found


def _severe(history: History, span: Window, rule: SuggestionRule) -> list[Suggestion]:
    groups: dict[tuple[uuid.UUID, str], list[DeviationFact]] = defaultdict(list)
    for d in history.deviations:
        serious = d.escalation is not None or (d.severity is not None and d.severity >= rule.severe_from)
        if serious and d.occurred_on in span:
            groups[(d.unit_id, d.category or UNCATEGORISED)].append(d)
    return [
        Suggestion(
            key=f"severe:{unit_id}:{category}",
            kind=SuggestionKind.SEVERE_EVENTS,
            source=RiskSource.AVVIKELSER,
            unit_id=unit_id,
            title=f"Allvarliga händelser i kategorin {category}",
            category=category,
            figures={
                "count": len(events),
                "lex_sarah": sum(e.escalation == "lex_sarah" for e in events),
                "lex_maria": sum(e.escalation == "lex_maria" for e in events),
                f"severity_{rule.severe_from}_or_more": sum(
                    e.severity is not None and e.severity >= rule.severe_from for e in events
                ),
                "from": span.start.isoformat(),
                "to": span.end.isoformat(),
            },
            deviation_ids=tuple(sorted(e.id for e in events)),
        )
        for (unit_id, category), events in sorted(groups.items(), key=lambda kv: (str(kv[0][0]), kv[0][1]))
    ]


def _missed_deadlines(history: History, span: Window) -> list[Suggestion]:
    groups: dict[tuple[uuid.UUID, str, str], list[MissedDeadlineFact]] = defaultdict(list)
    for m in history.missed_deadlines:
        if m.due_on in span:
            groups[(m.unit_id, m.rule, m.object_type)].append(m)
    found = []
    for (unit_id, rule_id, object_type), misses in sorted(groups.items(), key=lambda kv: str(kv[0])):
        rule = LAW_DEFAULTS.get(rule_id)
        ids = tuple(sorted({m.object_id for m in misses}))
        found.append(
            Suggestion(
                key=f"deadlines:{unit_id}:{rule_id}",
                kind=SuggestionKind.MISSED_DEADLINES,
                source=RiskSource.KLAGOMAL if object_type == "complaint" else RiskSource.AVVIKELSER,
                unit_id=unit_id,
                title=f"Missade tidsfrister: {rule.title if rule else rule_id}",
                category=None,
                figures={"count": len(misses), "rule": rule_id, "object_type": object_type},
                deviation_ids=ids if object_type == "deviation" else (),
                complaint_ids=ids if object_type == "complaint" else (),
            )
        )
    return found


def _failed_controls(history: History, span: Window, anchor: date) -> list[Suggestion]:
    groups: dict[uuid.UUID, list[ControlFact]] = defaultdict(list)
    for c in history.controls:
        if c.due_date in span and c.due_date < anchor:
            groups[c.row_id].append(c)
    found = []
    for row_id, controls in sorted(groups.items(), key=lambda kv: str(kv[0])):
        failed = [c for c in controls if c.with_findings or not c.performed]
        if not failed:
            continue
        first = controls[0]
        found.append(
            Suggestion(
                key=f"controls:{row_id}",
                kind=SuggestionKind.FAILED_CONTROLS,
                source=RiskSource.INTERNKONTROLL,
                unit_id=first.unit_id,
                title=f"Brister i internkontrollen: {first.activity}",
                category=None,
                figures={
                    "controls_due": len(controls),
                    "with_findings": sum(c.with_findings for c in controls),
                    "missed": sum(not c.performed for c in controls),
                    "findings": sum(c.findings for c in controls),
                    "risk_reference": first.risk_reference,
                },
                control_ids=tuple(c.id for c in sorted(failed, key=lambda c: c.due_date)),
                risk_id=first.risk_id,
            )
        )
    return found


def _self_assessments(history: History, span: Window) -> list[Suggestion]:
    return [
        Suggestion(
            key=f"self_assessment:{s.id}",
            kind=SuggestionKind.SELF_ASSESSMENT,
            source=RiskSource.JAMFORELSER if s.comparison else RiskSource.GRANSKNING,
            unit_id=s.unit_id,
            title=f"Brister i egenkontroll: {s.area}",
            category=None,
            figures={"reference": s.reference, "indicators_below_reference": s.below_reference},
        )
        for s in sorted(history.self_assessments, key=lambda s: s.completed_on)
        if s.completed_on in span
    ]


def _open_risks(history: History) -> list[Suggestion]:
    return [
        Suggestion(
            key=f"open_risk:{r.id}",
            kind=SuggestionKind.OPEN_RISK,
            source=RiskSource(r.source) if r.source else RiskSource.GRANSKNING,
            unit_id=r.unit_id,
            title=f"Kvarstående risk {r.reference}: {r.title}",
            category=None,
            figures={"status": r.status, "risk_value": r.risk_value},
            risk_id=r.id,
        )
        for r in sorted(history.open_risks, key=lambda r: (-(r.risk_value or 0), r.reference))
    ]


def suggest(history: History, rule: SuggestionRule, anchor: date) -> list[Suggestion]:
    """Every proposal for an analysis made on `anchor`, strongest signals first."""
    windows = lookback(anchor, rule.period_months, rule.periods)
    span = Window(windows[0].start, windows[-1].end)
    deviations = ((d.id, d.unit_id, d.category, d.occurred_on) for d in history.deviations)
    complaints = (
        (c.id, c.unit_id, c.category, c.received_on)
        for c in history.complaints
        if c.kind is None or c.kind in RISK_COMPLAINT_KINDS
    )
    return [
        *_pattern_suggestions("deviation", "avvikelser", RiskSource.AVVIKELSER, deviations, windows, rule),
        *_pattern_suggestions("complaint", "klagomål", RiskSource.KLAGOMAL, complaints, windows, rule),
        *_severe(history, span, rule),
        *_failed_controls(history, span, anchor),
        *_missed_deadlines(history, span),
        *_self_assessments(history, span),
        *_open_risks(history),
    ]
