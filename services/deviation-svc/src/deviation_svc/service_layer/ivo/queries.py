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
from deviation_svc.domain.actions import ActionStatus
from deviation_svc.domain.investigation import Section
from deviation_svc.domain.model import IvoKind
from deviation_svc.service_layer import subjects
from deviation_svc.service_layer.access import readable
from deviation_svc.service_layer.context import QueryCtx
from platform_shared.errors import NotFound


def _investigation_state(d: Deviation, n: IvoNotification) -> str:
    if n.investigation_attached:
        return "bifogad"
    if n.investigation_sent_at is not None:
        return "skickad"
    return "klar_skickas_separat" if d.investigation_completed_at else "foljer_senare"


async def document(ctx: QueryCtx, deviation_id: uuid.UUID) -> dict[str, Any]:
    d, _ = await readable(ctx, deviation_id, handlers_only=True)
    session = ctx.session
    n = await session.scalar(select(IvoNotification).where(IvoNotification.deviation_id == d.id))
    if n is None:
        raise NotFound("Ingen anmälan till IVO har beslutats för avvikelsen")
    await ctx.audited("deviation", d.id, "read_ivo_notification")
    settings = ctx.parts.settings
    units = replica.unit.c
    unit_row = (await session.execute(select(units.name, units.laws).where(units.id == d.unit_id))).first()
    consequences = await session.scalars(
        select(InvestigationEntry.text)
        .where(InvestigationEntry.deviation_id == d.id, InvestigationEntry.section == Section.CONSEQUENCES)
        .order_by(InvestigationEntry.created_at)
    )
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
        "decided_at": n.decided_at,
        "degree": n.degree,
        "final_degree": d.degree,
        "sent_at": n.sent_at,
        "channel": n.channel,
        "ivo_case_number": n.ivo_case_number,
        "provider": {
            "name": settings.provider_name,
            "org_nr": settings.provider_org_nr,
            "address": settings.provider_address,
            "contact": settings.provider_contact,
        },
        "unit": {
            "id": d.unit_id,
            "name": unit_row.name if unit_row else None,
            "laws": list(unit_row.laws) if unit_row else [],
        },
        "case_type": d.type,
        "occurred_at": d.occurred_at,
        "discovered_at": d.discovered_at,
        "discovered_how": d.discovered_how,
        "reported_at": d.reported_at,
        "description": d.description,
        "individuals": [asdict(s) for s in await subjects.of(session, ctx.parts.cipher, d.id)],
        "consequences": list(consequences.all()),
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
    }
