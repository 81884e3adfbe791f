"""Report commands and views: create, edit text, review, adopt (figures frozen), report to the nämnd;
figures computed from the read models while a draft, the stored snapshot once adopted."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.decisions import Decision
from platform_shared.ids import new_id
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.orgreplica.tables import ReplicaTables
from platform_shared.private_files import write_private
from platform_shared.timeutil import utc_now
from reporting_svc.adapters.documents import DocumentSection, ReportDocument, slug, to_docx, to_pdf
from reporting_svc.adapters.exports import report_xlsx
from reporting_svc.adapters.orm import Report
from reporting_svc.domain import formats
from reporting_svc.domain.adoption import check_in_force, decision_text
from reporting_svc.domain.figures import RawFigure, Rendered, figure_from_json
from reporting_svc.domain.periods import Granularity
from reporting_svc.domain.report_templates import FIGURES, FigureKind, figure_keys, sections_of
from reporting_svc.domain.reports import (
    STATUS_TITLES,
    TYPE_TITLES,
    ReportCommand,
    ReportStatus,
    ReportType,
    check_editable,
    check_sections,
    column_granularity,
    default_title,
    freezes_figures,
    goes_to_namnd,
    is_frozen,
    next_status,
    report_period,
)
from reporting_svc.domain.settings import TenantSettings
from reporting_svc.domain.suppression import namnd_sees_anmalningar, suppression_rule_text
from reporting_svc.service_layer.figures import (
    FigureRequest,
    comparison_figure,
    control_status_figure,
    count_figure,
    lead_time_figure,
    pattern_figure,
    risk_matrix_figure,
)
from reporting_svc.service_layer.statistics import Statistics

PATTERN_PERIODS = 6
PATTERNS_IN_REPORT = 20  # the largest; the rest are counted in a note (all of them: GET /reports/patterns)


@dataclass(frozen=True)
class CreateReport:
    type: ReportType
    year: int
    unit_id: uuid.UUID
    tertial: int | None
    title: str | None
    created_by: uuid.UUID


def new_report(cmd: CreateReport, unit_name: str, now: datetime) -> Report:
    report_period(cmd.type, cmd.year, cmd.tertial)  # checks year and tertial
    return Report(
        id=new_id(),
        type=cmd.type.value,
        year=cmd.year,
        tertial=cmd.tertial,
        unit_id=cmd.unit_id,
        title=cmd.title or default_title(cmd.type, cmd.year, cmd.tertial, unit_name),
        status=ReportStatus.DRAFT.value,
        sections={},
        version=1,
        created_by=cmd.created_by,
        created_at=now,
        updated_at=now,
    )


def edit(report: Report, *, title: str | None, sections: dict[str, str] | None, now: datetime) -> None:
    check_editable(ReportStatus(report.status))
    if sections is not None:
        check_sections({s.key for s in sections_of(ReportType(report.type))}, sections)
        report.sections = {**(report.sections or {}), **sections}
    if title is not None:
        report.title = title
    report.updated_at = now


async def compute_figures(
    session: AsyncSession, replica: ReplicaTables, report: Report, settings: TenantSettings
) -> list[RawFigure]:
    """Every figure of the report's template, from the read models as they are now."""
    report_type = ReportType(report.type)
    first, last = report_period(report_type, report.year, report.tertial)
    granularity = column_granularity(report_type, report.tertial)
    keys = figure_keys(report_type)
    return await figures_for(session, replica, keys, first, last, report.unit_id, granularity, settings)


async def figures_for(
    session: AsyncSession,
    replica: ReplicaTables,
    keys: list[str],
    first: date,
    last: date,
    unit_id: uuid.UUID,
    granularity: Granularity,
    settings: TenantSettings,
) -> list[RawFigure]:
    """The figures `keys` (report_templates.FIGURES) of a unit's subtree for a period, as they are now
    (a report's template, a kvalitetsråd's agenda)."""
    stats = Statistics(session, replica)
    figures: list[RawFigure] = []
    for key in keys:
        spec = FIGURES[key]
        request = FigureRequest(first, last, spec.granularity or granularity, [unit_id], spec.filters)
        if spec.kind is FigureKind.RISK_MATRIX:
            figures.append(await risk_matrix_figure(session, stats, request, key=key, title=spec.title))
        elif spec.kind is FigureKind.CONTROL_STATUS:
            figures.append(await control_status_figure(stats, request, key=key, title=spec.title))
        elif spec.kind is FigureKind.COUNTS:
            figures.append(
                await count_figure(
                    stats,
                    request,
                    key=key,
                    title=spec.title,
                    subject=spec.subject,
                    by=spec.by,
                    only_values=spec.only_values,
                )
            )
        elif spec.kind is FigureKind.COMPARISON:
            total = FigureRequest(first, last, Granularity.TOTAL, [unit_id], spec.filters)
            figures.append(
                await comparison_figure(
                    stats, total, key=key, title=spec.title, subject=spec.subject, by=spec.by
                )
            )
        elif spec.kind is FigureKind.LEAD_TIMES:
            figures.append(await lead_time_figure(stats, request, key=key, title=spec.title))
        else:
            found = await pattern_figure(
                stats,
                key=key,
                title=spec.title,
                subject=spec.subject,
                last=last,
                granularity=Granularity.TERTIAL,
                periods=PATTERN_PERIODS,
                roots=[unit_id],
                thresholds=settings.pattern_thresholds,
            )
            figures.append(found.largest(PATTERNS_IN_REPORT))
    return figures


def snapshot(figures: list[RawFigure], threshold: int, at: datetime) -> dict[str, Any]:
    return {
        "computed_at": at.isoformat(),
        "threshold": threshold,
        "figures": [f.to_json() for f in figures],
    }


async def transition(
    session: AsyncSession,
    replica: ReplicaTables,
    report: Report,
    command: ReportCommand,
    *,
    by: uuid.UUID,
    now: datetime,
    settings: TenantSettings,
) -> None:
    """Move the report one step; adoption stores the figures as they are now (frozen)."""
    status = next_status(ReportStatus(report.status), command)
    if command is ReportCommand.REPORT_TO_NAMND:
        check_in_force(report.superseded_by is not None)
    report.status = status.value
    if freezes_figures(command):
        figures = await compute_figures(session, replica, report, settings)
        report.frozen_figures = snapshot(figures, settings.suppression_threshold, now)
        report.frozen_at = now
    if command is ReportCommand.REVIEW:
        report.reviewed_by, report.reviewed_at = by, now
    elif command is ReportCommand.REOPEN:
        report.reviewed_by, report.reviewed_at = None, None
    elif command is ReportCommand.ADOPT:
        report.adopted_by, report.adopted_at = by, now
    elif command is ReportCommand.REPORT_TO_NAMND:
        report.reported_by, report.reported_at = by, now
    report.updated_at = now


@dataclass(frozen=True)
class ReportView:
    """What a reader sees: the figures (frozen or live), rendered with suppression when due."""

    report: Report
    unit_name: str
    figures: list[tuple[str, Rendered]]  # (key, rendered table)
    suppressed: bool
    threshold: int
    organisation: str = ""  # the root of the unit's tree (the document's author)
    anmalningar_shown: bool = False  # the nämnd sees anmälningar unsuppressed (domain/suppression.py)

    @property
    def by_key(self) -> dict[str, Rendered]:
        return dict(self.figures)


async def view(
    session: AsyncSession,
    replica: ReplicaTables,
    report: Report,
    settings: TenantSettings,
    *,
    reader_sees_aggregates_only: bool,
    unit_name: str,
) -> ReportView:
    """Reports for the nämnd are public documents: always suppressed, except the anmälningar the nämnd
    must see. Kvalitetsråd material is suppressed for readers who may only see aggregates."""
    report_type = ReportType(report.type)
    suppress = goes_to_namnd(report_type) or reader_sees_aggregates_only
    if is_frozen(ReportStatus(report.status)) and report.frozen_figures:
        raw = [figure_from_json(f) for f in report.frozen_figures["figures"]]
        threshold = int(report.frozen_figures["threshold"])
    else:
        raw = await compute_figures(session, replica, report, settings)
        threshold = settings.suppression_threshold
    directory = OrgDirectory(session, replica)
    unit = await directory.unit(report.unit_id)
    shown = namnd_sees_anmalningar(goes_to_namnd(report_type), unit.level if unit else None)
    root = await directory.unit((await directory.ancestors_and_self(report.unit_id))[-1])
    rendered = [
        (
            f.key,
            f.render(
                suppress=suppress,
                threshold=threshold,
                always_shown=frozenset(FIGURES[f.key].namnd_rows if shown and f.key in FIGURES else ()),
            ),
        )
        for f in raw
    ]
    organisation = root.name if root else unit_name
    return ReportView(report, unit_name, rendered, suppress, threshold, organisation, shown)


def document(view_: ReportView, now: datetime | None = None) -> ReportDocument:
    report = view_.report
    report_type = ReportType(report.type)
    first, last = report_period(report_type, report.year, report.tertial)
    tables = view_.by_key
    facts = [
        ("Rapport", TYPE_TITLES[report_type]),
        ("Enhet", view_.unit_name),
        ("Period", formats.period(first, last)),
        ("Status", STATUS_TITLES[ReportStatus(report.status)]),
    ]
    if report.decision:
        facts.append(("Fastställd", decision_text(Decision.from_dict(report.decision))))
    elif report.adopted_at:
        facts.append(("Fastställd", formats.day(formats.local(report.adopted_at).date())))
    if report.superseded_at:
        facts.append(
            (
                "Ersatt",
                f"av en senare fastställd version {formats.day(formats.local(report.superseded_at).date())}",
            )
        )
    if report.reported_at:
        facts.append(("Anmäld i nämnd", formats.day(formats.local(report.reported_at).date())))
    if report_type is ReportType.PSB:
        facts.append(("Ska vara klar senast", f"1 mars {report.year + 1}"))
    sections = [
        DocumentSection(
            heading=section.heading,
            text=(report.sections or {}).get(section.key, ""),
            guidance=section.guidance,
            tables=[tables[k] for k in section.figures if k in tables],
        )
        for section in sections_of(report_type)
    ]
    generated = now or utc_now()
    if report.frozen_at:
        status_line = (
            f"Siffrorna fastställdes {formats.day(formats.local(report.frozen_at).date())} och ändras inte."
        )
    else:
        status_line = (
            f"Utkast utskrivet {formats.moment(generated)}: siffrorna är preliminära och hämtas från "
            "händelserna när rapporten öppnas."
        )
    rule = suppression_rule_text(
        suppressed=view_.suppressed, anmalningar_shown=view_.anmalningar_shown, threshold=view_.threshold
    )
    return ReportDocument(
        title=report.title,
        facts=facts,
        sections=sections,
        footer=(status_line, rule),
        author=view_.organisation or view_.unit_name,
        subject=TYPE_TITLES[report_type],
        created=report.created_at,
        modified=report.updated_at,
        generated_line=None if report.frozen_at else status_line,
    )


def render_file(view_: ReportView, fmt: str, now: datetime | None = None) -> bytes:
    doc = document(view_, now)
    if fmt == "xlsx":
        return report_xlsx(doc)
    return to_docx(doc) if fmt == "docx" else to_pdf(doc)


async def archive(directory: Path, view_: ReportView) -> list[Path]:
    """Adopted reports are kept as the documents the nämnd receives (DOCX and PDF)."""
    report = view_.report
    stem = slug(f"{report.year}-{report.type}-{view_.unit_name}-{str(report.id)[:8]}")

    def write() -> list[Path]:
        docx_bytes, pdf_bytes = render_file(view_, "docx"), render_file(view_, "pdf")
        written = []
        for suffix, content in ((".docx", docx_bytes), (".pdf", pdf_bytes)):
            path = directory / f"{stem}{suffix}"
            write_private(path, content)
            written.append(path)
        return written

    return await asyncio.to_thread(write)
