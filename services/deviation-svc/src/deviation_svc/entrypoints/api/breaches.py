"""Personuppgiftsincidenter (/api/v1/data-breaches). If-Match names the breach's ETag."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from deviation_svc.adapters.orm import DataBreach
from deviation_svc.domain.breaches import BreachStatus
from deviation_svc.entrypoints.api.deps import Command
from deviation_svc.entrypoints.api.deps import Query as QueryDep
from deviation_svc.entrypoints.api.schemas.breaches import (
    BreachAssessBody,
    BreachCreate,
    BreachListItem,
    BreachPage,
    BreachPatch,
    BreachRead,
    ImyReportBody,
    InformSubjectsBody,
)
from deviation_svc.service_layer.breaches import commands, queries
from deviation_svc.service_layer.complaints.queries import CaseFilter
from deviation_svc.service_layer.context import Ctx
from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Day

router = APIRouter(prefix="/api/v1/data-breaches", tags=["data breaches"], responses=PROBLEM_RESPONSES)


async def read_model(ctx: Ctx, b: DataBreach, response: Response) -> BreachRead:
    return with_etag(response, BreachRead.model_validate(await queries.view(ctx, b)))


@router.post("", status_code=status.HTTP_201_CREATED, summary="Report a personuppgiftsincident")
async def report(body: BreachCreate, ctx: Command, response: Response) -> BreachRead:
    created = await commands.report(ctx, commands.ReportBreach(**body.model_dump()))
    response.status_code = created.status
    return await read_model(ctx, created.value, response)


@router.get("", summary="List data breaches visible to the caller (newest first)")
async def list_breaches(
    ctx: QueryDep,
    page: PageDep,
    status_: Annotated[list[BreachStatus] | None, Query(alias="status")] = None,
    unit_id: uuid.UUID | None = None,
    first: Annotated[Day | None, Query(alias="from")] = None,
    last: Annotated[Day | None, Query(alias="to")] = None,
    overdue: bool | None = None,
) -> BreachPage:
    f = CaseFilter(status=tuple(status_ or ()), unit_id=unit_id, first=first, last=last, overdue=overdue)
    rows, next_cursor = await queries.breaches(ctx, f, page)
    return BreachPage(items=[BreachListItem.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/{breach_id}", summary="One data breach")
async def get_breach(breach_id: uuid.UUID, ctx: QueryDep, response: Response) -> BreachRead:
    return with_etag(response, BreachRead.model_validate(await queries.breach(ctx, breach_id)))


@router.patch("/{breach_id}", summary="Edit a breach's fields (IMY's form)")
async def patch_breach(
    breach_id: uuid.UUID, body: BreachPatch, ctx: Command, response: Response
) -> BreachRead:
    b = await commands.edit(ctx, commands.EditBreach(breach_id, body.model_dump(exclude_unset=True)))
    return await read_model(ctx, b, response)


@router.post("/{breach_id}/assess", summary="Assess the risk: decides whether IMY and the subjects are told")
async def assess(
    breach_id: uuid.UUID, body: BreachAssessBody, ctx: Command, response: Response
) -> BreachRead:
    b = await commands.assess(ctx, commands.Assess(breach_id, **body.model_dump()))
    return await read_model(ctx, b, response)


@router.post(
    "/{breach_id}/report-to-imy", summary="Record the notification to IMY (within 72 h of discovery)"
)
async def report_to_imy(
    breach_id: uuid.UUID, body: ImyReportBody, ctx: Command, response: Response
) -> BreachRead:
    b = await commands.report_to_imy(ctx, commands.ReportToImy(breach_id, **body.model_dump()))
    return await read_model(ctx, b, response)


@router.post(
    "/{breach_id}/inform-subjects", summary="Record that the data subjects were informed (high risk)"
)
async def inform_subjects(
    breach_id: uuid.UUID, body: InformSubjectsBody, ctx: Command, response: Response
) -> BreachRead:
    b = await commands.inform_subjects(ctx, commands.InformSubjects(breach_id, **body.model_dump()))
    return await read_model(ctx, b, response)


@router.post("/{breach_id}/remedy", summary="The breach is dealt with")
async def remedy(breach_id: uuid.UUID, ctx: Command, response: Response) -> BreachRead:
    return await read_model(ctx, await commands.remedy(ctx, commands.Remedy(breach_id)), response)


@router.post("/{breach_id}/close", summary="Close the breach (documented, notified or not)")
async def close(breach_id: uuid.UUID, ctx: Command, response: Response) -> BreachRead:
    return await read_model(ctx, await commands.close(ctx, commands.Close(breach_id)), response)
