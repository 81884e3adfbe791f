"""Reading the IVO anmälan: its content as the IVO e-service asks for it (docs/domain.md 3)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import select

from deviation_svc.adapters.orm import (
    Deviation,
    DeviationAction,
    InvestigationEntry,
    IvoNotification,
    replica,
)
from deviation_svc.config import DeviationSettings
from deviation_svc.domain.actions import ActionStatus
from deviation_svc.domain.investigation import Section
from deviation_svc.domain.ivo_document import deciding_role, missing_provider_facts
from deviation_svc.domain.model import IvoKind
from deviation_svc.service_layer import subjects
from deviation_svc.service_layer.access import readable
from deviation_svc.service_layer.context import Ctx, QueryCtx
from platform_shared.errors import NotFound


def _investigation_state(d: Deviation, n: IvoNotification) -> str:
    if n.investigation_attached:
        return "bifogad"
    if n.investigation_sent_at is not None:
        return "skickad"
    return "klar_skickas_separat" if d.investigation_completed_at else "foljer_senare"


async def document(ctx: QueryCtx, deviation_id: uuid.UUID) -> dict[str, Any]:
    d, _ = await readable(ctx, deviation_id, handlers_only=True)
    n = await ctx.session.scalar(select(IvoNotification).where(IvoNotification.deviation_id == d.id))
    if n is None:
        raise NotFound("Ingen anmälan till IVO har beslutats för avvikelsen")
    await ctx.audited("deviation", d.id, "read_ivo_notification")
    return await facts(ctx, d, n)


def provider(settings: DeviationSettings) -> dict[str, str]:
    return {
        "name": settings.provider_name,
        "org_nr": settings.provider_org_nr,
        "address": settings.provider_address,
        "contact": settings.provider_contact,
    }


async def _entries(ctx: Ctx, d: Deviation, section: Section) -> list[InvestigationEntry]:
    rows = await ctx.session.scalars(
        select(InvestigationEntry)
        .where(InvestigationEntry.deviation_id == d.id, InvestigationEntry.section == section)
        .order_by(InvestigationEntry.created_at, InvestigationEntry.id)
    )
    return list(rows.all())


async def _name(ctx: Ctx, person_id: uuid.UUID) -> str | None:
    person = await ctx.caller.directory.person(person_id)
    return person.name if person else None


async def _decision_maker(ctx: Ctx, n: IvoNotification) -> dict[str, str | None]:
    roles = [r.role for r in await ctx.caller.directory.roles_of(n.decided_by, n.decided_at)]
    return {"name": await _name(ctx, n.decided_by), "role": deciding_role(n.kind, roles)}


async def _unit_path(ctx: Ctx, unit_id: uuid.UUID) -> list[str]:
    """The unit and the units above it, top first (the nämnd left out): where it happened."""
    units = replica.unit.c
    path: list[str] = []
    for ancestor in reversed(await ctx.caller.directory.ancestors_and_self(unit_id)):
        row = (await ctx.session.execute(select(units.name, units.level).where(units.id == ancestor))).first()
        if row is not None and row.level != "namnd":
            path.append(str(row.name))
    return path


async def _verksamhetschef(ctx: Ctx, unit_id: uuid.UUID) -> str | None:
    chefs = await ctx.caller.directory.nearest_with_role("verksamhetschef", unit_id)
    names = [name for name in [await _name(ctx, c) for c in chefs] if name]
    return ", ".join(sorted(names)) or None


async def facts(ctx: Ctx, d: Deviation, n: IvoNotification) -> dict[str, Any]:
    """Everything the anmälan says (the API's IVO document), personal data included: only for those
    who handle the case."""
    session = ctx.session
    settings = ctx.parts.settings
    units = replica.unit.c
    unit_row = (await session.execute(select(units.name, units.laws).where(units.id == d.unit_id))).first()
    consequences = [e.text for e in await _entries(ctx, d, Section.CONSEQUENCES)]
    causes = [{"text": e.text, "cause_area": e.cause_area} for e in await _entries(ctx, d, Section.CAUSES)]
    measures = [e.text for e in await _entries(ctx, d, Section.MEASURES)]
    planned = await session.scalars(
        select(DeviationAction)
        .where(DeviationAction.deviation_id == d.id, DeviationAction.status != ActionStatus.REJECTED)
        .order_by(DeviationAction.created_at)
    )
    lex_maria = n.kind == IvoKind.LEX_MARIA
    return {
        "kind": n.kind,
        "reference": d.reference,
        "status": "skickad" if n.sent_at else "beslutad",
        "decided_by": n.decided_by,
        "decision_maker": await _decision_maker(ctx, n),
        "decided_at": n.decided_at,
        "degree": n.degree,
        "final_degree": d.degree,
        "sent_at": n.sent_at,
        "channel": n.channel,
        "ivo_case_number": n.ivo_case_number,
        "provider": provider(settings),
        "provider_missing": missing_provider_facts(provider(settings)),
        "unit": {
            "id": d.unit_id,
            "name": unit_row.name if unit_row else None,
            "laws": list(unit_row.laws) if unit_row else [],
            "path": await _unit_path(ctx, d.unit_id),
        },
        "verksamhetschef": await _verksamhetschef(ctx, d.unit_id) if lex_maria else None,
        "case_type": d.type,
        "occurred_at": d.occurred_at,
        "discovered_at": d.discovered_at,
        "discovered_how": d.discovered_how,
        "reported_at": d.reported_at,
        "description": d.description,
        "individuals": [asdict(s) for s in await subjects.of(session, ctx.parts.cipher, d.id)],
        "consequences": consequences,
        "causes": causes,
        "investigation_measures": measures,
        "immediate_measures": d.immediate_measures,
        "planned_measures": [
            {"description": a.description, "due_date": a.due_date, "status": a.status} for a in planned.all()
        ],
        "why_serious": n.rationale,
        "investigation": {
            "state": _investigation_state(d, n),
            "completed_at": d.investigation_completed_at,
            "conclusion": d.investigation_conclusion,
            "sent_at": n.investigation_sent_at,
        },
        "individual_informed": d.individual_informed,
        "representative_informed": d.representative_informed,
        "police_reported": d.police_reported,
        "patient_informed_at": d.patient_informed_at if lex_maria else None,
        "patient_view_given": d.patient_view_given if lex_maria else None,
        "namnd_informed_at": n.namnd_informed_at,
        "document_attachment_id": n.document_attachment_id,
    }
