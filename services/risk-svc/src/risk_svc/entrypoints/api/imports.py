"""Imports of published comparison figures (/api/v1/risk/imports): a Kolada file of values or of KPI
titles, its report, and a KPI compared over chosen municipalities."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Response, UploadFile, status
from fastapi import Query as Param

from platform_shared.api.deps import with_etag
from platform_shared.api.limits import body_limit
from platform_shared.api.pagination import Page, PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from risk_svc.domain.kolada import Gender
from risk_svc.entrypoints.api.deps import Command, Query
from risk_svc.entrypoints.api.schemas.imports import (
    ComparisonKpiRead,
    ComparisonRead,
    ImportRead,
    KpiTitleWrite,
)
from risk_svc.service_layer.imports import commands, queries

router = APIRouter(prefix="/api/v1/risk/imports", tags=["jämförelsetal"], responses=PROBLEM_RESPONSES)

IMPORT_MAX_BYTES = 16 * 1024 * 1024  # a Kolada export of many KPIs and municipalities


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Import a Kolada file (CSV or XLSX) of values or of KPI titles; answers with its report",
)
@body_limit(max_bytes=IMPORT_MAX_BYTES)
async def import_file(
    ctx: Command,
    response: Response,
    file: Annotated[UploadFile, File()],
    kind: Annotated[Literal["values", "titles"], Form()] = "values",
) -> ImportRead:
    cmd = commands.ImportFile(kind, await file.read(), file.filename)
    created = await commands.import_file(ctx, cmd)
    response.status_code = created.status
    return ImportRead.model_validate(queries.view(created.value))


@router.get("", summary="Imports made, newest last")
async def list_imports(ctx: Query, page: PageDep) -> Page[ImportRead]:
    rows, cursor = await queries.imports(ctx, page)
    return Page[ImportRead](
        items=[ImportRead.model_validate(queries.view(r)) for r in rows], next_cursor=cursor
    )


@router.get("/comparisons", summary="A KPI over the years for chosen municipalities")
async def compare(
    ctx: Query,
    kpi: str,
    municipality: Annotated[list[str], Param()],
    from_: Annotated[int | None, Param(alias="from")] = None,
    to: int | None = None,
    gender: Gender = Gender.T,
) -> ComparisonRead:
    q = queries.Compare(kpi, tuple(municipality), from_, to, gender)
    return ComparisonRead.model_validate(await queries.comparison(ctx, q))


@router.get("/kpis", summary="KPIs with imported values or a title, with the title and its source")
async def list_kpis(ctx: Query, page: PageDep) -> Page[ComparisonKpiRead]:
    rows, cursor = await queries.kpis(ctx, page)
    return Page[ComparisonKpiRead](
        items=[ComparisonKpiRead.model_validate(queries.kpi_view(r)) for r in rows], next_cursor=cursor
    )


@router.put("/kpis/{kpi}", summary="Enter a KPI's title by hand")
async def set_kpi_title(kpi: str, body: KpiTitleWrite, ctx: Command, response: Response) -> ComparisonKpiRead:
    row = await commands.set_kpi_title(ctx, commands.SetKpiTitle(kpi, body.title))
    return with_etag(response, ComparisonKpiRead.model_validate(queries.kpi_view(row)))


@router.get("/{import_id}", summary="One import and its report (refused rows with their reasons)")
async def get_import(import_id: uuid.UUID, ctx: Query) -> ImportRead:
    return ImportRead.model_validate(await queries.one(ctx, import_id))
