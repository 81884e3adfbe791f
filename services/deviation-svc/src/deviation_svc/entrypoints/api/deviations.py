"""Deviations (/api/v1/deviations): report, read, list, edit, the lifecycle (docs/domain.md 4.1), the
investigation and the timeline. Each route: schema → command or query → handler → read model."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from deviation_svc.adapters.orm import Deviation
from deviation_svc.domain.model import DeviationType, Status
from deviation_svc.entrypoints.api.deps import Command
from deviation_svc.entrypoints.api.deps import Query as QueryDep
from deviation_svc.entrypoints.api.schemas.common import SubjectIn
from deviation_svc.entrypoints.api.schemas.deviations import (
    CloseBody,
    CompleteInvestigationBody,
    DecisionBody,
    DeviationBatch,
    DeviationBatchRead,
    DeviationCreate,
    DeviationListItem,
    DeviationPage,
    DeviationPatch,
    DeviationRead,
    EntryCreate,
    EntryRead,
    HistoryPage,
    InvestigationRead,
    ReceiveBody,
    ReclassifyBody,
    StartInvestigationBody,
    VoidBody,
)
from deviation_svc.service_layer.access import handles
from deviation_svc.service_layer.context import Ctx
from deviation_svc.service_layer.deviations import commands, queries
from deviation_svc.service_layer.views import columns_of
from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Day

router = APIRouter(prefix="/api/v1/deviations", tags=["deviations"], responses=PROBLEM_RESPONSES)


async def read_model(ctx: Ctx, d: Deviation, response: Response, *, full: bool = True) -> DeviationRead:
    return with_etag(response, DeviationRead.model_validate(await queries.view(ctx, d, full=full)))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Report a deviation (avvikelse, lex_sarah or hsl)",
    responses={200: {"description": "Already reported from the same source, or a repeated Idempotency-Key"}},
)
async def report_deviation(body: DeviationCreate, ctx: Command, response: Response) -> DeviationRead:
    created = await commands.report(ctx, body.command())
    response.status_code = created.status
    full = await handles(ctx, created.value, new=created.new)
    return await read_model(ctx, created.value, response, full=full)


@router.post(
    "/batch",
    summary="Report up to 200 deviations from a case system at once (backfills): all or nothing",
    description="Each report carries its `source`; one already reported (or repeated in the batch) answers "
    "`already_reported` with its deviation, so a batch may be sent again. Every report is checked as a "
    "single report is; one refused refuses the batch (the error names `reports[i]`) and nothing is "
    "written. One transaction: the deviations, their deadlines, events and audit.",
)
async def report_deviation_batch(body: DeviationBatch, ctx: Command) -> DeviationBatchRead:
    return DeviationBatchRead.of(await commands.report_batch(ctx, body.command()))


@router.get("", summary="List deviations visible to the caller (newest first, keyset pages)")
async def list_deviations(
    ctx: QueryDep,
    page: PageDep,
    status_: Annotated[list[Status] | None, Query(alias="status")] = None,
    type_: Annotated[list[DeviationType] | None, Query(alias="type")] = None,
    unit_id: Annotated[uuid.UUID | None, Query(description="The unit and its subtree")] = None,
    first: Annotated[Day | None, Query(alias="from", description="reported_at from (Stockholm date)")] = None,
    last: Annotated[Day | None, Query(alias="to", description="reported_at to, inclusive")] = None,
    category: str | None = None,
    severity: Annotated[int | None, Query(ge=1, le=4)] = None,
    overdue: Annotated[bool | None, Query(description="Has an open deadline past due")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Free text in the description")] = None,
) -> DeviationPage:
    f = queries.DeviationFilter(
        tuple(status_ or ()), tuple(type_ or ()), unit_id, first, last, category, severity, overdue, q
    )
    rows, next_cursor = await queries.deviations(ctx, f, page)
    return DeviationPage(items=[DeviationListItem.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/{deviation_id}", summary="One deviation (its reporter sees the status of the report)")
async def get_deviation(deviation_id: uuid.UUID, ctx: QueryDep, response: Response) -> DeviationRead:
    return with_etag(response, DeviationRead.model_validate(await queries.deviation(ctx, deviation_id)))


@router.patch("/{deviation_id}", summary="Edit a deviation's fields (never its state or type)")
async def patch_deviation(
    deviation_id: uuid.UUID, body: DeviationPatch, ctx: Command, response: Response
) -> DeviationRead:
    d = await commands.edit(ctx, commands.Edit(deviation_id, body.model_dump(exclude_unset=True)))
    return await read_model(ctx, d, response)


@router.post("/{deviation_id}/subjects", summary="Add the brukare or patient the case concerns (encrypted)")
async def add_subject(
    deviation_id: uuid.UUID, body: SubjectIn, ctx: Command, response: Response
) -> DeviationRead:
    d = await commands.add_subject(ctx, commands.AddSubject(deviation_id, body.input()))
    return await read_model(ctx, d, response)


@router.post(
    "/{deviation_id}/receive", summary="Receive the report, with immediate measures or 'none needed'"
)
async def receive(
    deviation_id: uuid.UUID, body: ReceiveBody, ctx: Command, response: Response
) -> DeviationRead:
    d = await commands.receive(ctx, commands.Receive(deviation_id, **body.model_dump()))
    return await read_model(ctx, d, response)


@router.post("/{deviation_id}/start-investigation", summary="Assign the investigator and start investigating")
async def start_investigation(
    deviation_id: uuid.UUID, body: StartInvestigationBody, ctx: Command, response: Response
) -> DeviationRead:
    d = await commands.start_investigation(
        ctx, commands.StartInvestigation(deviation_id, **body.model_dump())
    )
    return await read_model(ctx, d, response)


@router.get("/{deviation_id}/investigation", summary="The investigation with its entries (SOSFS 2011:5)")
async def get_investigation(deviation_id: uuid.UUID, ctx: QueryDep) -> InvestigationRead:
    return InvestigationRead.model_validate(await queries.investigation(ctx, deviation_id))


@router.post(
    "/{deviation_id}/investigation/entries",
    status_code=status.HTTP_201_CREATED,
    summary="Write an investigation entry: date, source, fact or assessment, author",
)
async def add_entry(
    deviation_id: uuid.UUID, body: EntryCreate, ctx: Command, response: Response
) -> EntryRead:
    created = await commands.add_entry(ctx, commands.AddEntry(deviation_id, **body.model_dump()))
    response.status_code = created.status
    return EntryRead.model_validate(columns_of(created.value))


@router.post(
    "/{deviation_id}/complete-investigation", summary="Complete the investigation with its conclusion"
)
async def complete_investigation(
    deviation_id: uuid.UUID, body: CompleteInvestigationBody, ctx: Command, response: Response
) -> DeviationRead:
    cmd = commands.CompleteInvestigation(deviation_id, **body.model_dump())
    return await read_model(ctx, await commands.complete_investigation(ctx, cmd), response)


@router.post("/{deviation_id}/decision", summary="Decide: the degree (Lex Sarah / HSL), ivo_required derived")
async def decide(
    deviation_id: uuid.UUID, body: DecisionBody, ctx: Command, response: Response
) -> DeviationRead:
    d = await commands.decide(ctx, commands.Decide(deviation_id, **body.model_dump()))
    return await read_model(ctx, d, response)


@router.post("/{deviation_id}/close", summary="Close the case (its reporter is told)")
async def close(deviation_id: uuid.UUID, body: CloseBody, ctx: Command, response: Response) -> DeviationRead:
    d = await commands.close(ctx, commands.Close(deviation_id, **body.model_dump()))
    return await read_model(ctx, d, response)


@router.post("/{deviation_id}/void", summary="Void a wrong registration (reason kept)")
async def void(deviation_id: uuid.UUID, body: VoidBody, ctx: Command, response: Response) -> DeviationRead:
    d = await commands.void(ctx, commands.Void(deviation_id, **body.model_dump()))
    return await read_model(ctx, d, response)


@router.post("/{deviation_id}/reopen", summary="Reopen a closed case: back to investigating")
async def reopen(deviation_id: uuid.UUID, ctx: Command, response: Response) -> DeviationRead:
    d = await commands.reopen(ctx, commands.Reopen(deviation_id))
    return await read_model(ctx, d, response)


@router.post("/{deviation_id}/reclassify", summary="avvikelse ↔ lex_sarah, avvikelse ↔ hsl (history kept)")
async def reclassify(
    deviation_id: uuid.UUID, body: ReclassifyBody, ctx: Command, response: Response
) -> DeviationRead:
    d = await commands.reclassify(ctx, commands.Reclassify(deviation_id, body.type, body.motivation))
    return await read_model(ctx, d, response)


@router.get("/{deviation_id}/history", summary="The case's timeline")
async def history(deviation_id: uuid.UUID, ctx: QueryDep, page: PageDep) -> HistoryPage:
    return HistoryPage.model_validate(await queries.history(ctx, deviation_id, page))
