"""Personuppgiftsincidenter (/api/v1/data-breaches)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from deviation_svc.adapters.orm import DataBreach
from deviation_svc.domain.breaches import BreachRisk, BreachStatus, subjects_must_be_informed
from deviation_svc.entrypoints.api.case_schemas import (
    AssessBody,
    BreachCreate,
    BreachListItem,
    BreachPage,
    BreachPatch,
    BreachRead,
    ImyReportBody,
    InformSubjectsBody,
)
from deviation_svc.entrypoints.api.creating import create_once
from deviation_svc.entrypoints.api.deps import CtxDep, IdemDep, IfMatch, ScopeDep, etag
from deviation_svc.service_layer import breaches as cmds
from deviation_svc.service_layer import deadlines, queries, views
from deviation_svc.service_layer.context import Ctx
from platform_shared.access import Action
from platform_shared.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from platform_shared.errors import PROBLEM_RESPONSES, FieldError, ValidationFailed

router = APIRouter(prefix="/api/v1/data-breaches", tags=["data breaches"], responses=PROBLEM_RESPONSES)


async def render(ctx: Ctx, b: DataBreach, response: Response) -> BreachRead:
    etag(response, b.version)
    return BreachRead.model_validate(
        views.columns_of(b)
        | {
            "subjects_must_be_informed": subjects_must_be_informed(BreachRisk(b.risk)) if b.risk else None,
            "deadlines": [asdict(v) for v in await deadlines.views(ctx, b.id)],
        }
    )


@router.post("", status_code=status.HTTP_201_CREATED, summary="Report a personuppgiftsincident")
async def report(body: BreachCreate, ctx: CtxDep, idem: IdemDep, response: Response) -> BreachRead:
    if not await ctx.caller.directory.unit_exists(body.unit_id):
        raise ValidationFailed("Unknown unit", errors=[FieldError("unit_id", "no such org unit")])
    await ctx.caller.require(Action.CASE_CREATE, body.unit_id)

    async def create() -> BreachRead:
        b = await cmds.report(
            ctx,
            cmds.ReportBreach(
                unit_id=body.unit_id,
                discovered_at=body.discovered_at,
                description=body.description,
                occurred_at=body.occurred_at,
                ended_at=body.ended_at,
                cause=body.cause,
                data_categories=tuple(body.data_categories),
                subject_groups=tuple(body.subject_groups),
                approx_subjects=body.approx_subjects,
                approx_records=body.approx_records,
                likely_consequences=body.likely_consequences,
                measures=body.measures,
                dpo_consulted=body.dpo_consulted,
            ),
            idem,
        )
        return await render(ctx, b, response)

    async def replay(breach_id: uuid.UUID) -> BreachRead:
        return await render(ctx, await cmds.read(ctx, breach_id), response)

    return await create_once(ctx, idem, response, create, replay)


@router.get("", summary="List data breaches visible to the caller (newest first)")
async def list_breaches(
    scope: ScopeDep,
    ctx: CtxDep,
    status_: Annotated[list[BreachStatus] | None, Query(alias="status")] = None,
    unit_id: uuid.UUID | None = None,
    first: Annotated[date | None, Query(alias="from")] = None,
    last: Annotated[date | None, Query(alias="to")] = None,
    overdue: bool | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> BreachPage:
    rows, next_cursor = await queries.breaches(
        ctx.uow.session,
        scope,
        queries.CaseFilter(
            status=tuple(s.value for s in status_ or ()),
            unit_id=unit_id,
            first=first,
            last=last,
            overdue=overdue,
            cursor=cursor,
            limit=limit,
        ),
    )
    return BreachPage(items=[BreachListItem.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/{breach_id}", summary="One data breach")
async def get_breach(breach_id: uuid.UUID, ctx: CtxDep, response: Response) -> BreachRead:
    return await render(ctx, await cmds.read(ctx, breach_id), response)


@router.patch("/{breach_id}", summary="Edit a breach's fields (IMY's form)")
async def patch_breach(
    breach_id: uuid.UUID, body: BreachPatch, ctx: CtxDep, if_match: IfMatch, response: Response
) -> BreachRead:
    b = await cmds.edit(ctx, cmds.EditBreach(breach_id, body.model_dump(exclude_unset=True), if_match))
    return await render(ctx, b, response)


@router.post("/{breach_id}/assess", summary="Assess the risk: decides whether IMY and the subjects are told")
async def assess(
    breach_id: uuid.UUID, body: AssessBody, ctx: CtxDep, if_match: IfMatch, response: Response
) -> BreachRead:
    b = await cmds.assess(ctx, cmds.Assess(breach_id, body.risk, body.motivation, if_match))
    return await render(ctx, b, response)


@router.post(
    "/{breach_id}/report-to-imy", summary="Record the notification to IMY (within 72 h of discovery)"
)
async def report_to_imy(
    breach_id: uuid.UUID, body: ImyReportBody, ctx: CtxDep, if_match: IfMatch, response: Response
) -> BreachRead:
    b = await cmds.report_to_imy(
        ctx, cmds.ReportToImy(breach_id, body.imy_ref, body.imy_reported_at, if_match)
    )
    return await render(ctx, b, response)


@router.post(
    "/{breach_id}/inform-subjects", summary="Record that the data subjects were informed (high risk)"
)
async def inform_subjects(
    breach_id: uuid.UUID, body: InformSubjectsBody, ctx: CtxDep, if_match: IfMatch, response: Response
) -> BreachRead:
    b = await cmds.inform_subjects(ctx, cmds.InformSubjects(breach_id, body.informed_at, if_match))
    return await render(ctx, b, response)


@router.post("/{breach_id}/remedy", summary="The breach is dealt with")
async def remedy(breach_id: uuid.UUID, ctx: CtxDep, if_match: IfMatch, response: Response) -> BreachRead:
    return await render(ctx, await cmds.remedy(ctx, breach_id, if_match), response)


@router.post("/{breach_id}/close", summary="Close the breach (documented, notified or not)")
async def close(breach_id: uuid.UUID, ctx: CtxDep, if_match: IfMatch, response: Response) -> BreachRead:
    return await render(ctx, await cmds.close(ctx, breach_id, if_match), response)
