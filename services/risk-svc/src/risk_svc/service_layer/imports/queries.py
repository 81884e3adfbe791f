"""Reading imports (their reports) and comparisons of a KPI over the years for chosen municipalities."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select, union

from platform_shared.access import Action
from platform_shared.errors import NotFound, invalid
from platform_shared.pagination import PageRequest, keyset_page
from risk_svc.adapters.orm import ComparisonImport, ComparisonKpi, ComparisonValue
from risk_svc.domain import kolada
from risk_svc.domain.kolada import Gender, KoladaKey
from risk_svc.service_layer.context import QueryCtx, columns_of, today
from risk_svc.service_layer.imports.commands import require_somewhere

IMPORT_NOT_FOUND = "Importen finns inte"
MAX_MUNICIPALITIES = 20


def _readers(ctx: QueryCtx) -> None:
    """Published figures: for those who import them and those who read statistics."""
    if not ctx.caller.principal.grants_for(Action.RISK_MANAGE):
        require_somewhere(ctx, Action.STATS_READ)


def view(row: ComparisonImport) -> dict[str, Any]:
    return columns_of(row) | {
        "summary": kolada.ImportReport(
            row.imported,
            row.replaced,
            row.unchanged,
            tuple(kolada.RefusedRow(r["row"], r["reason"]) for r in row.refused),
            (),
            (),
            (),
        ).summary
    }


async def one(ctx: QueryCtx, import_id: uuid.UUID) -> dict[str, Any]:
    _readers(ctx)
    row = await ctx.session.get(ComparisonImport, import_id)
    if row is None:
        raise NotFound(IMPORT_NOT_FOUND)
    return view(row)


async def imports(ctx: QueryCtx, page: PageRequest) -> tuple[list[ComparisonImport], str | None]:
    _readers(ctx)
    return await keyset_page(ctx.session, select(ComparisonImport), [ComparisonImport.id], page)


async def kpis(ctx: QueryCtx, page: PageRequest) -> tuple[list[Any], str | None]:
    """Every KPI with imported values or a title, in id order, with its title and where it came from
    (`file`, `manual`; null: no title yet)."""
    _readers(ctx)
    known = union(select(ComparisonValue.kpi), select(ComparisonKpi.kpi)).subquery()
    k = ComparisonKpi
    stmt = select(known.c.kpi, k.title, k.source, k.updated_at, k.version).outerjoin(k, k.kpi == known.c.kpi)
    return await keyset_page(ctx.session, stmt, [known.c.kpi], page, scalars=False)


def kpi_view(row: Any) -> dict[str, Any]:
    return {
        "kpi": row.kpi,
        "title": row.title,
        "source": row.source,
        "updated_at": row.updated_at,
        "version": row.version,
    }


@dataclass(frozen=True)
class Compare:
    kpi: str
    municipalities: tuple[str, ...]
    from_year: int | None = None
    to_year: int | None = None
    gender: Gender = Gender.T


async def comparison(ctx: QueryCtx, q: Compare) -> dict[str, Any]:
    """The KPI over the years for the chosen municipalities, every year present (null where nothing was
    imported or Kolada has no value)."""
    _readers(ctx)
    try:
        kpi = kolada.parse_kpi(q.kpi)
        municipalities = tuple(dict.fromkeys(kolada.parse_municipality(m) for m in q.municipalities))
    except ValueError as problem:
        raise invalid("kpi", str(problem), str(problem)) from None
    if not municipalities or len(municipalities) > MAX_MUNICIPALITIES:
        raise invalid(
            "municipality", f"ange 1–{MAX_MUNICIPALITIES} kommuner", f"Ange 1–{MAX_MUNICIPALITIES} kommuner"
        )
    found = (
        await ctx.session.scalars(
            select(ComparisonValue).where(
                ComparisonValue.kpi == kpi,
                ComparisonValue.municipality.in_(municipalities),
                ComparisonValue.gender == q.gender.value,
            )
        )
    ).all()
    values: dict[KoladaKey, Decimal | None] = {
        KoladaKey(v.kpi, v.municipality, v.period, Gender(v.gender)): v.value for v in found
    }
    held_years = [v.period for v in found]
    first = q.from_year or (min(held_years) if held_years else today(ctx).year)
    last = q.to_year or (max(held_years) if held_years else today(ctx).year)
    if last < first or last - first > 50:
        raise invalid("to", "perioden är orimlig", "Välj högst 50 år, från före till")
    series = kolada.comparison(values, kpi, municipalities, range(first, last + 1), q.gender)
    title = await ctx.session.scalar(select(ComparisonKpi.title).where(ComparisonKpi.kpi == kpi))
    return {
        "kpi": kpi,
        "title": title,
        "gender": q.gender.value,
        "years": list(range(first, last + 1)),
        "series": [
            {"municipality": m, "values": [{"year": y, "value": v} for y, v in points]}
            for m, points in series.items()
        ],
    }
