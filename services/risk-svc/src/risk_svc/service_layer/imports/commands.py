"""Import a file of comparison figures (Kolada's open-data shape) or of KPI titles: every row checked on
its own, idempotent per kpi/municipality/period/gender (a value held is left alone, another replaces
it), the report stored and announced (ComparisonDataImported)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sqlalchemy import select

from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts.risk import ComparisonDataImported
from platform_shared.errors import Forbidden, check_version, invalid
from platform_shared.ids import new_id
from platform_shared.permissions import ACTION_LABELS
from risk_svc.adapters.orm import ComparisonImport, ComparisonKpi, ComparisonValue
from risk_svc.domain import kolada
from risk_svc.domain.kolada import Gender, KoladaKey, RefusedRow
from risk_svc.service_layer.context import CommandCtx, Ctx, today
from risk_svc.service_layer.goals.filling import fill_imported

ImportKind = Literal["values", "titles"]


def require_somewhere(ctx: Ctx, action: Action) -> None:
    """Comparison figures are the municipality's, not a unit's: any grant of `action` will do."""
    if not ctx.caller.principal.grants_for(action):
        raise Forbidden(f"Din roll ger inte behörighet att {ACTION_LABELS[action]}")


@dataclass(frozen=True)
class ImportFile:
    kind: ImportKind
    content: bytes
    filename: str | None = None


async def import_file(ctx: CommandCtx, cmd: ImportFile) -> Created[ComparisonImport]:
    require_somewhere(ctx, Action.RISK_MANAGE)
    return await ctx.once(ComparisonImport, lambda: _import(ctx, cmd))


async def _import(ctx: CommandCtx, cmd: ImportFile) -> Created[ComparisonImport]:
    row = ComparisonImport(
        id=new_id(),
        kind=cmd.kind,
        filename=(cmd.filename or None) and cmd.filename[:255],
        sha256=hashlib.sha256(cmd.content).hexdigest(),
        imported_by=ctx.caller.id,
        imported_at=ctx.now(),
    )
    if cmd.kind == "titles":
        await _titles(ctx, row, kolada.parse_titles(cmd.content, cmd.filename))
    else:
        await _values(ctx, row, kolada.parse_values(cmd.content, today(ctx), cmd.filename))
    ctx.session.add(row)
    ctx.emit(
        ComparisonDataImported(
            import_id=row.id,
            kind=row.kind,
            file_format=row.file_format,
            imported=row.imported,
            replaced=row.replaced,
            unchanged=row.unchanged,
            refused=row.refused_count,
            kpis=row.kpis,
            municipalities=row.municipalities,
            years=row.years,
            imported_at=row.imported_at,
            imported_by=ctx.caller.id,
        )
    )
    await ctx.created(row.id)
    await ctx.commit()
    return Created(row)


def _refused(rows: tuple[RefusedRow, ...]) -> list[dict[str, object]]:
    return [{"row": r.row, "reason": r.reason} for r in rows]


async def _values(ctx: CommandCtx, row: ComparisonImport, parsed: kolada.ParsedValues) -> None:
    kpis = {r.key.kpi for r in parsed.rows}
    municipalities = {r.key.municipality for r in parsed.rows}
    held: dict[KoladaKey, ComparisonValue] = {}
    if parsed.rows:
        found = await ctx.session.scalars(
            select(ComparisonValue).where(
                ComparisonValue.kpi.in_(kpis), ComparisonValue.municipality.in_(municipalities)
            )
        )
        held = {KoladaKey(v.kpi, v.municipality, v.period, Gender(v.gender)): v for v in found}
    plan = kolada.plan_import(parsed, {k: v.value for k, v in held.items()})
    now = ctx.now()
    for r in plan.new:
        ctx.session.add(
            ComparisonValue(
                kpi=r.key.kpi,
                municipality=r.key.municipality,
                period=r.key.period,
                gender=r.key.gender.value,
                value=r.value,
                import_id=row.id,
                updated_at=now,
            )
        )
    for r in plan.changed:
        existing = held[r.key]
        existing.value, existing.import_id, existing.updated_at = r.value, row.id, now
    yearly: dict[tuple[str, str], list[tuple[int, Decimal | None]]] = defaultdict(list)
    for r in plan.to_write:
        if r.key.gender is Gender.T:
            yearly[(r.key.kpi, r.key.municipality)].append((r.key.period, r.value))
    await fill_imported(ctx.uow, yearly)  # the indicators that follow these figures, in this transaction
    report = kolada.report(plan)
    row.file_format = parsed.format.value
    row.imported, row.replaced, row.unchanged = report.imported, report.replaced, report.unchanged
    row.refused_count, row.refused = len(report.refused), _refused(report.refused)
    row.kpis, row.municipalities, row.years = (
        list(report.kpis),
        list(report.municipalities),
        list(report.years),
    )


async def _titles(ctx: CommandCtx, row: ComparisonImport, parsed: kolada.ParsedTitles) -> None:
    found = await ctx.session.scalars(select(ComparisonKpi).where(ComparisonKpi.kpi.in_(parsed.titles)))
    held = {k.kpi: k for k in found}
    new = replaced = unchanged = 0
    for kpi, title in parsed.titles.items():
        existing = held.get(kpi)
        if existing is None:
            new += 1
            ctx.session.add(
                ComparisonKpi(
                    kpi=kpi,
                    title=title,
                    source="file",
                    import_id=row.id,
                    updated_by=ctx.caller.id,
                    updated_at=ctx.now(),
                )
            )
        elif existing.title == title:
            unchanged += 1
        else:
            replaced += 1
            existing.title, existing.source, existing.import_id = title, "file", row.id
            existing.updated_by, existing.updated_at = ctx.caller.id, ctx.now()
    row.file_format = parsed.format.value
    row.imported, row.replaced, row.unchanged = new, replaced, unchanged
    row.refused_count, row.refused = len(parsed.refused), _refused(parsed.refused)
    row.kpis, row.municipalities, row.years = sorted(parsed.titles), [], []


@dataclass(frozen=True)
class SetKpiTitle:
    kpi: str
    title: str


async def set_kpi_title(ctx: CommandCtx, cmd: SetKpiTitle) -> ComparisonKpi:
    """A KPI's title entered by hand (source `manual`; If-Match honoured once it has one); a later
    titles file may replace it."""
    require_somewhere(ctx, Action.RISK_MANAGE)
    try:
        kpi = kolada.parse_kpi(cmd.kpi)
    except ValueError as problem:
        raise invalid("kpi", str(problem), str(problem)) from None
    try:
        title = kolada.check_title(cmd.title)
    except ValueError as problem:
        raise invalid("title", str(problem), str(problem)) from None
    row = await ctx.session.get(ComparisonKpi, kpi)
    if row is not None:
        check_version(ctx.if_match, row.version)
    if row is None:
        row = ComparisonKpi(kpi=kpi)
        ctx.session.add(row)
    row.title, row.source, row.import_id = title, "manual", None
    row.updated_by, row.updated_at = ctx.caller.id, ctx.now()
    await ctx.commit()
    return row
