"""The reports a nämnd receives (docs/domain.md 3 Report, 7): their kinds, periods, lifecycle
draft → reviewed → adopted → reported_to_namnd, and the rule that adopted figures are frozen."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum

from reporting_svc.domain.model import RuleViolation
from reporting_svc.domain.periods import Granularity, tertial_range, year_range

MAX_SECTION_CHARS = 20_000


class ReportType(StrEnum):
    T1 = "t1"  # tertialrapport 1 (januari–april)
    T2 = "t2"  # tertialrapport 2 (maj–augusti; delårsrapport per 31 augusti)
    VB = "vb"  # verksamhetsberättelse, kvalitetsdelen
    KB = "kb"  # kvalitetsberättelse (SOSFS 2011:9 7 kap.)
    PSB = "psb"  # patientsäkerhetsberättelse (PSL 3 kap. 10 §), senast 1 mars
    KVALITETSRAD = "kvalitetsrad"  # underlag till kvalitetsråd (T1, T2, VB or a whole year)
    VP = "vp"  # verksamhetsplan for the coming year (seed 004, seed 003 §7.2), adopted like the others


TYPE_TITLES: dict[ReportType, str] = {
    ReportType.T1: "Tertialrapport 1",
    ReportType.T2: "Tertialrapport 2",
    ReportType.VB: "Verksamhetsberättelse: kvalitet",
    ReportType.KB: "Kvalitetsberättelse",
    ReportType.PSB: "Patientsäkerhetsberättelse",
    ReportType.KVALITETSRAD: "Underlag till kvalitetsråd",
    ReportType.VP: "Verksamhetsplan",
}


class ReportStatus(StrEnum):
    DRAFT = "draft"
    REVIEWED = "reviewed"
    ADOPTED = "adopted"
    REPORTED_TO_NAMND = "reported_to_namnd"


STATUS_TITLES: dict[ReportStatus, str] = {
    ReportStatus.DRAFT: "Utkast",
    ReportStatus.REVIEWED: "Granskad",
    ReportStatus.ADOPTED: "Fastställd",
    ReportStatus.REPORTED_TO_NAMND: "Anmäld i nämnd",
}


class ReportCommand(StrEnum):
    REVIEW = "review"
    REOPEN = "reopen"  # back to draft for corrections, before adoption
    ADOPT = "adopt"
    REPORT_TO_NAMND = "report_to_namnd"


STEP_LABELS: dict[ReportCommand, str] = {
    ReportCommand.REVIEW: "granskas",
    ReportCommand.REOPEN: "öppnas igen",
    ReportCommand.ADOPT: "fastställas",
    ReportCommand.REPORT_TO_NAMND: "anmälas i nämnd",
}


_TRANSITIONS: dict[ReportCommand, tuple[ReportStatus, ReportStatus]] = {
    ReportCommand.REVIEW: (ReportStatus.DRAFT, ReportStatus.REVIEWED),
    ReportCommand.REOPEN: (ReportStatus.REVIEWED, ReportStatus.DRAFT),
    ReportCommand.ADOPT: (ReportStatus.REVIEWED, ReportStatus.ADOPTED),
    ReportCommand.REPORT_TO_NAMND: (ReportStatus.ADOPTED, ReportStatus.REPORTED_TO_NAMND),
}


def next_status(current: ReportStatus, command: ReportCommand) -> ReportStatus:
    source, target = _TRANSITIONS[command]
    if current is not source:
        raise RuleViolation(
            f"Rapporten kan {STEP_LABELS[command]} först i status {STATUS_TITLES[source]}; "
            f"den är {STATUS_TITLES[current]}",
            state=True,
        )
    return target


def freezes_figures(command: ReportCommand) -> bool:
    """Adoption freezes the figures: the adopted report keeps them whatever events come later."""
    return command is ReportCommand.ADOPT


def is_frozen(status: ReportStatus) -> bool:
    return status in (ReportStatus.ADOPTED, ReportStatus.REPORTED_TO_NAMND)


def check_editable(status: ReportStatus) -> None:
    """Text is written in the draft; a reviewed report is reopened first, an adopted one is final."""
    if status is not ReportStatus.DRAFT:
        raise RuleViolation(f"Bara ett utkast kan ändras; rapporten är {STATUS_TITLES[status]}", state=True)


def goes_to_namnd(report_type: ReportType) -> bool:
    """Reports a nämnd receives are public documents: their small cells are always suppressed.
    Kvalitetsråd material stays inside the organisation (suppressed for aggregate-only readers)."""
    return report_type is not ReportType.KVALITETSRAD


def report_period(report_type: ReportType, year: int, tertial: int | None = None) -> tuple[date, date]:
    if not 2000 <= year <= 2100:
        raise RuleViolation("Året ska vara 2000–2100", "year")
    if report_type is ReportType.T1:
        return tertial_range(year, 1)
    if report_type is ReportType.T2:
        return tertial_range(year, 2)
    if report_type is ReportType.KVALITETSRAD and tertial is not None:
        return tertial_range(year, tertial)
    if tertial is not None:
        raise RuleViolation("Tertial anges bara för underlag till kvalitetsråd", "tertial")
    return year_range(year)


def column_granularity(report_type: ReportType, tertial: int | None = None) -> Granularity:
    """Annual reports show each tertial beside the year's total; tertial reports one column."""
    if report_type in (ReportType.VB, ReportType.KB, ReportType.PSB) or (
        report_type is ReportType.KVALITETSRAD and tertial is None
    ):
        return Granularity.TERTIAL
    return Granularity.TOTAL


def due_date(report_type: ReportType, year: int) -> date | None:
    """The patientsäkerhetsberättelse is due by 1 March the year after (PSL 3 kap. 10 §, docs/domain.md 5
    #14); the others follow the local årshjul."""
    if report_type is ReportType.PSB:
        return date(year + 1, 3, 1)
    return None


def default_title(report_type: ReportType, year: int, tertial: int | None, unit_name: str) -> str:
    period = f"T{tertial} {year}" if tertial else str(year)
    if report_type in (ReportType.T1, ReportType.T2):
        return f"{TYPE_TITLES[report_type]} {year}: kvalitet, {unit_name}"
    return f"{TYPE_TITLES[report_type]} {period}, {unit_name}"


def check_sections(allowed: set[str], sections: Mapping[str, str]) -> None:
    for key, text in sections.items():
        if key not in allowed:
            raise RuleViolation(f"'{key}' är inget textavsnitt i denna rapport", f"sections.{key}")
        if len(text) > MAX_SECTION_CHARS:
            raise RuleViolation(f"Högst {MAX_SECTION_CHARS} tecken per avsnitt", f"sections.{key}")
