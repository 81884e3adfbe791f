"""Adopting a report as a recorded decision (domain/adoption.py): the decision is built from the caller
and the request, checked, stored with the report; the figures are frozen and an earlier adopted
version of the same type, unit and period is marked as replaced (kept)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.access import Principal
from platform_shared.decisions import NAMND_RECORDERS, Decision, DecisionBody, DecisionInvalid
from platform_shared.errors import FieldError, Forbidden, ValidationFailed
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.orgreplica.tables import ReplicaTables
from platform_shared.roles import GRANTS_AS, Role
from platform_shared.timeutil import STOCKHOLM
from reporting_svc.adapters.orm import Report
from reporting_svc.domain.adoption import (
    AdoptedVersion,
    Adopter,
    adopter_of,
    check_adoption,
    superseded_by_adoption,
)
from reporting_svc.domain.reports import ReportCommand, ReportStatus, ReportType, next_status, report_period
from reporting_svc.domain.settings import TenantSettings
from reporting_svc.service_layer import reports


@dataclass(frozen=True)
class AdoptReport:
    """The nämnd's decision (meeting_date, paragraph) or a role's (decided_on, default today);
    `reference` is the diarienummer, if any."""

    meeting_date: date | None = None
    paragraph: int | str | None = None
    decided_on: date | None = None
    reference: str | None = None


def invalid_field(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[FieldError(field, message)])


async def _roles_here(directory: OrgDirectory, principal: Principal, unit_id: uuid.UUID) -> set[Role]:
    """The caller's roles held for the unit or a unit above it (myndighetschef as verksamhetschef …)."""
    return held_roles(principal, set(await directory.ancestors_and_self(unit_id)))


async def namnd_unit(directory: OrgDirectory, unit_id: uuid.UUID) -> uuid.UUID:
    for candidate in await directory.ancestors_and_self(unit_id):
        found = await directory.unit(candidate)
        if found is not None and found.level == "namnd":
            return candidate
    return unit_id


async def decision_for(
    directory: OrgDirectory,
    principal: Principal,
    report: Report,
    adopter: Adopter,
    cmd: AdoptReport,
    today: date,
) -> Decision:
    """The decision this caller records for this report: 403 when the caller is not the one who
    records it, 422 when the request lacks what the decision needs."""
    try:
        if adopter.body is DecisionBody.NAMND:
            recorders = sorted(held_roles(principal) & NAMND_RECORDERS)
            if not recorders:
                raise Forbidden(
                    "Nämndens beslut registreras av socialchef, förvaltningschef eller kvalitetsledare"
                )
            if cmd.meeting_date is None:
                raise invalid_field("meeting_date", "Ett nämndbeslut anges med sammanträdets datum")
            if cmd.paragraph is None:
                raise invalid_field("paragraph", "Ett nämndbeslut anges med paragraf (§) i protokollet")
            if cmd.decided_on is not None and cmd.decided_on != cmd.meeting_date:
                raise invalid_field(
                    "decided_on", "Nämnden beslutar vid sitt sammanträde: beslutsdatum är mötesdatum"
                )
            return Decision.by_namnd(
                unit_id=await namnd_unit(directory, report.unit_id),
                meeting_date=cmd.meeting_date,
                paragraph=cmd.paragraph,
                recorded_by=principal.person_id,
                recorder_role=recorders[0],
                reference=cmd.reference,
            )
        assert adopter.role is not None
        if adopter.role not in await _roles_here(directory, principal, report.unit_id):
            raise Forbidden(f"Rapporten fastställs av {adopter.describe()} för enheten")
        if cmd.meeting_date is not None or cmd.paragraph is not None:
            raise invalid_field(
                "paragraph",
                f"Rapporten fastställs av {adopter.describe()}, inte av nämnden: "
                "ange inget sammanträde eller §",
            )
        return Decision.by_role(
            role=adopter.role,
            person_id=principal.person_id,
            unit_id=report.unit_id,
            decided_on=cmd.decided_on or today,
            reference=cmd.reference,
        )
    except DecisionInvalid as err:
        raise invalid_field(err.field, err.message) from err


def held_roles(principal: Principal, units: set[uuid.UUID] | None = None) -> set[Role]:
    """The caller's roles (held for one of `units`, if given), myndighetschef as verksamhetschef …"""
    held: set[Role] = set()
    for scoped in principal.roles:
        try:
            role = Role(scoped.role)
        except ValueError:
            continue
        if units is None or scoped.unit_id in units:
            held.add(GRANTS_AS.get(role, role))
    return held


async def _same_period(session: AsyncSession, report: Report) -> list[Report]:
    stmt = select(Report).where(
        Report.type == report.type,
        Report.unit_id == report.unit_id,
        Report.year == report.year,
        Report.status.in_((ReportStatus.ADOPTED.value, ReportStatus.REPORTED_TO_NAMND.value)),
        Report.id != report.id,
    )
    stmt = stmt.where(
        Report.tertial.is_(None) if report.tertial is None else Report.tertial == report.tertial
    )
    return list((await session.scalars(stmt.order_by(Report.id))).all())


async def adopt(
    session: AsyncSession,
    replica: ReplicaTables,
    report: Report,
    cmd: AdoptReport,
    *,
    principal: Principal,
    now: datetime,
    settings: TenantSettings,
) -> list[Report]:
    """Adopt a reviewed report (the caller's REPORT_ADOPT on its unit is checked before): who (403),
    state (409), when and what (409); figures frozen; earlier versions marked as replaced (returned)."""
    directory = OrgDirectory(session, replica)
    unit = await directory.unit(report.unit_id)
    report_type = ReportType(report.type)
    adopter_level = unit.level if unit else "enhet"
    adopter = adopter_of(report_type, adopter_level)
    today = now.astimezone(STOCKHOLM).date()
    decision = await decision_for(directory, principal, report, adopter, cmd, today)
    next_status(ReportStatus(report.status), ReportCommand.ADOPT)
    _, last = report_period(report_type, report.year, report.tertial)
    try:
        check_adoption(report_type, adopter_level, last, report.sections or {}, decision, today)
    except DecisionInvalid as err:
        raise invalid_field(err.field, err.message) from err
    await reports.transition(
        session, replica, report, ReportCommand.ADOPT, by=principal.person_id, now=now, settings=settings
    )
    report.decision = decision.as_dict()
    earlier = await _same_period(session, report)
    replaced = set(
        superseded_by_adoption(
            report.id, [AdoptedVersion(r.id, r.superseded_by is not None) for r in earlier]
        )
    )
    superseded = [r for r in earlier if r.id in replaced]
    for old in superseded:
        old.superseded_by, old.superseded_at = report.id, now
        old.updated_at = now
    return superseded
