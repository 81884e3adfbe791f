"""The årshjul's overview as a PDF: the unit's year (its own and inherited activities) as a chart with
a column per month (adapters/arshjul_overview.py), rendered off the event loop."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from reporting_svc.adapters.arshjul_overview import OverviewItem
from reporting_svc.adapters.arshjul_overview import overview_pdf as render
from reporting_svc.domain.arshjul.activities import STATUS_TITLES, ActivityStatus
from reporting_svc.service_layer.arshjul import queries
from reporting_svc.service_layer.context import QueryCtx, unit_name

LEGEND = [(s.value, STATUS_TITLES[s]) for s in ActivityStatus]


@dataclass(frozen=True)
class OverviewDocument:
    content: bytes
    filename: str


async def overview_pdf(ctx: QueryCtx, year: int, unit_id: uuid.UUID) -> OverviewDocument:
    view = await queries.view(ctx, year, unit_id)
    name = await unit_name(ctx, unit_id)
    names: dict[uuid.UUID, str] = {}
    items = []
    for a in view["activities"]:
        unit = a["unit_id"]
        if unit not in names:
            names[unit] = await unit_name(ctx, unit)
        items.append(
            OverviewItem(
                due_on=a["due_on"],
                title=a["title"],
                status=a["status"],
                status_title=STATUS_TITLES[ActivityStatus(a["status"])],
                responsible=f"{a['responsible_role']}, {names[unit]}",
                inherited=a["inherited"],
            )
        )
    state = "fastställt" if view["status"] == "adopted" else "utkast"
    decision = view["decision"]["text"] if view["decision"] else "ej fastställt"
    subtitle = f"{name} · {state} · {decision} · utskrivet {queries.today(ctx).isoformat()}"
    title = f"Årshjul {year} – {name}"
    content = await asyncio.to_thread(render, title, subtitle, items, LEGEND)
    return OverviewDocument(content, f"Årshjul {year} {name}.pdf")
