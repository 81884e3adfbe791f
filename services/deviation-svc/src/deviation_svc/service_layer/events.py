"""The fields every deviation and proposal event carries: ids and facts reporting counts by, never free
text."""

from __future__ import annotations

from typing import Any

from deviation_svc.adapters.orm import Deviation, DeviationAction, ImprovementAction, ImprovementProposal
from deviation_svc.domain.documents import document_ids_of


def deviation_facts(d: Deviation) -> dict[str, Any]:
    return {
        "deviation_id": d.id,
        "reference": d.reference,
        "unit_id": d.unit_id,
        "deviation_type": d.type,
        "category": d.category,
        "status": d.status,
        "severity": d.severity,
        "document_ids": document_ids_of(d.document_ids),
    }


def action_facts(d: Deviation, a: DeviationAction) -> dict[str, Any]:
    return {
        **deviation_facts(d),
        "action_id": a.id,
        "horizon": a.horizon,
        "responsible_id": a.responsible_id,
        "due_date": a.due_date,
        "revises_document_id": a.revises_document_id,
    }


def proposal_facts(p: ImprovementProposal) -> dict[str, Any]:
    """Never the proposer: an event about an anonymous proposal must not tell who made it."""
    return {
        "proposal_id": p.id,
        "reference": p.reference,
        "unit_id": p.unit_id,
        "origin_unit_id": p.origin_unit_id,
        "status": p.status,
    }


def improvement_action_facts(p: ImprovementProposal, a: ImprovementAction) -> dict[str, Any]:
    return {
        **proposal_facts(p),
        "action_id": a.id,
        "responsible_id": a.responsible_id,
        "due_date": a.due_date,
    }
