"""What is counted: each read model ("subject"), the date it is counted by, the dimensions a table can be
broken down by, the values derived from the facts (tier, state) and the cells of the monthly
pre-aggregate that a fact contributes to. Plain Python over plain mappings."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from platform_shared.timeutil import local_date
from reporting_svc.domain.periods import month_start

Row = Mapping[str, Any]
Cell = tuple[date, uuid.UUID, str, str]  # (local month, unit, dimension, value)

TOTAL = "total"  # the dimension every counted fact has one cell in


class Tier(StrEnum):
    """docs/domain.md 2.4: A goes to IVO and the nämnd at once, B and C are compiled in the reports."""

    A = "a"
    B = "b"
    C = "c"
    NOT_ASSESSED = "ej_bedomd"


TIER_A = frozenset(
    {
        "allvarligt_missforhallande",
        "pataglig_risk_allvarligt",
        "allvarlig_vardskada",
        "risk_allvarlig_vardskada",
    }
)
TIER_B = frozenset({"missforhallande", "pataglig_risk_missforhallande", "vardskada", "risk_vardskada"})


def tier_of(deviation_type: str | None, degree: str | None) -> Tier:
    """A: (risk for) allvarligt missförhållande or allvarlig vårdskada; B: (risk for) missförhållande
    or vårdskada; C: other avvikelser and the lower degrees. A Lex Sarah or HSL report without a
    decided degree is not assessed yet."""
    if degree in TIER_A:
        return Tier.A
    if degree in TIER_B:
        return Tier.B
    if degree is None and deviation_type in ("lex_sarah", "hsl"):
        return Tier.NOT_ASSESSED
    return Tier.C


def _deviation_derived(row: Row) -> dict[str, Any]:
    return {"tier": tier_of(row.get("type"), row.get("degree")).value}


def _risk_derived(row: Row) -> dict[str, Any]:
    return {"registered_at": row.get("identified_at") or row.get("assessed_at")}


def _ivo_derived(row: Row) -> dict[str, Any]:
    return {"status": "sent" if row.get("sent_at") else "decided"}


def _deadline_derived(row: Row) -> dict[str, Any]:
    return {"state": "resolved" if row.get("resolved_at") else "open"}


def _information_derived(row: Row) -> dict[str, Any]:
    """in_time / late once met; not_yet until then (after the due day: not informed in time)."""
    if row.get("met_on") is not None:
        return {"state": "in_time" if row.get("on_time") else "late"}
    return {"state": "not_yet"}


def _no_derived(_: Row) -> dict[str, Any]:
    return {}


def _never(_: Row) -> bool:
    return False


@dataclass(frozen=True)
class Subject:
    name: str
    table: str
    key: str  # primary key column
    date_field: str  # a fact is counted in the period holding this (local) date
    dimensions: Mapping[str, str]  # API name -> column
    title: str  # Swedish
    derive: Callable[[Row], dict[str, Any]] = _no_derived
    excluded: Callable[[Row], bool] = _never  # e.g. a voided deviation is not counted at all

    def complete(self, row: Row) -> dict[str, Any]:
        """The row with its derived columns filled in."""
        merged = dict(row)
        merged.update(self.derive(merged))
        return merged

    def cells(self, row: Row | None) -> set[Cell]:
        """The monthly pre-aggregate cells a fact adds one to (none when not counted)."""
        if row is None or self.excluded(row):
            return set()
        when = row.get(self.date_field)
        if not isinstance(when, datetime):
            return set()
        month = month_start(local_date(when))
        unit = row["unit_id"]
        found = {(month, unit, TOTAL, "")}
        for dimension, column in self.dimensions.items():
            found.add((month, unit, dimension, dimension_value(row.get(column))))
        return found


def dimension_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return str(value)


def cell_deltas(subject: Subject, old: Row | None, new: Row | None) -> dict[Cell, int]:
    """+1 for cells the new state adds, -1 for cells it leaves: applying it twice changes nothing more
    than applying it once, because a repeat has old == new."""
    before, after = subject.cells(old), subject.cells(new)
    deltas = dict.fromkeys(after - before, 1)
    deltas.update(dict.fromkeys(before - after, -1))
    return deltas


SUBJECTS: dict[str, Subject] = {
    s.name: s
    for s in (
        Subject(
            "deviations",
            "deviation_fact",
            "deviation_id",
            "reported_at",
            {
                "type": "type",
                "category": "category",
                "severity": "severity",
                "degree": "degree",
                "status": "status",
                "tier": "tier",
            },
            "Avvikelser",
            derive=_deviation_derived,
            excluded=lambda row: row.get("status") == "voided",
        ),
        Subject(
            "complaints",
            "complaint_fact",
            "complaint_id",
            "received_at",
            {
                "kind": "kind",
                "category": "category",
                "status": "status",
                "channel": "channel",
                "complainant_type": "complainant_type",
            },
            "Klagomål och synpunkter",
        ),
        Subject(
            "proposals",
            "proposal_fact",
            "proposal_id",
            "submitted_at",
            {"status": "status", "outcome": "outcome"},
            "Förbättringsförslag",
        ),
        Subject(
            "data_breaches",
            "breach_fact",
            "breach_id",
            "reported_at",
            {"status": "status", "risk": "risk", "imy_required": "imy_required"},
            "Personuppgiftsincidenter",
        ),
        Subject(
            "risks",
            "risk_fact",
            "risk_id",
            "registered_at",
            {"status": "status", "band": "band", "source": "source", "risk_value": "risk_value"},
            "Risker",
            derive=_risk_derived,
        ),
        Subject(
            "controls",
            "control_fact",
            "control_id",
            "performed_at",
            {"result": "result", "kind": "kind"},
            "Internkontroll: genomförda kontroller",
        ),
        Subject(
            "control_findings",
            "control_finding_fact",
            "finding_id",
            "recorded_at",
            {},
            "Internkontroll: iakttagelser",
        ),
        Subject(
            "self_assessments",
            "self_assessment_fact",
            "assessment_id",
            "completed_at",
            {"area": "area", "method": "method", "result": "result"},
            "Egenkontroller",
        ),
        Subject(
            "risk_analyses",
            "risk_analysis_fact",
            "analysis_id",
            "completed_at",
            {"trigger": "trigger"},
            "Riskanalyser",
        ),
        Subject(
            "ivo_notifications",
            "ivo_fact",
            "deviation_id",
            "decided_at",
            {"kind": "kind", "degree": "degree", "status": "status"},
            "Anmälningar till IVO",
            derive=_ivo_derived,
        ),
        Subject(
            "information_dues",
            "information_due_fact",
            "due_id",
            "due_at",
            {"item": "item_key", "state": "state", "reason": "reason"},
            "Informationsplikt: information till medarbetare",
            derive=_information_derived,
            excluded=lambda row: bool(row.get("cancelled")),
        ),
        Subject(
            "deadlines",
            "deadline_fact",
            "deadline_id",
            "due_at",
            {"rule": "rule", "object_type": "object_type", "state": "state"},
            "Missade tidsfrister",
            derive=_deadline_derived,
            excluded=lambda row: row.get("missed_at") is None,
        ),
    )
}


def subject(name: str) -> Subject:
    return SUBJECTS[name]
