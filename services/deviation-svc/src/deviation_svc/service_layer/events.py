"""The fields every deviation event carries: ids and facts reporting counts by, never free text."""

from __future__ import annotations

from typing import Any

from deviation_svc.adapters.orm import Deviation, DeviationAction


def deviation_facts(d: Deviation) -> dict[str, Any]:
    return {
        "deviation_id": d.id,
        "reference": d.reference,
        "unit_id": d.unit_id,
        "deviation_type": d.type,
        "category": d.category,
        "status": d.status,
        "severity": d.severity,
    }


def action_facts(d: Deviation, a: DeviationAction) -> dict[str, Any]:
    return {
        **deviation_facts(d),
        "action_id": a.id,
        "horizon": a.horizon,
        "responsible_id": a.responsible_id,
        "due_date": a.due_date,
    }
