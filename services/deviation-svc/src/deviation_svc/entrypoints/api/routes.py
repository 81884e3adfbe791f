"""Deviations: report, read, list, edit, and the lifecycle commands (docs/domain.md 4.1)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from deviation_svc.adapters.orm import Deviation
from deviation_svc.domain.model import DeviationType, Status
from deviation_svc.entrypoints.api.creating import create_once
from deviation_svc.entrypoints.api.deps import CtxDep, IdemDep, IfMatch, ScopeDep, etag
from deviation_svc.entrypoints.api.schemas import (
    CloseBody,
    CompleteInvestigationBody,
    DecisionBody,
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
    SubjectIn,
    VoidBody,
)
from deviation_svc.service_layer import deviations as cmds
from deviation_svc.service_layer import queries, views
from deviation_svc.service_layer.context import Ctx
from deviation_svc.service_layer.subjects import SubjectInput
from platform_shared.access import Action
from platform_shared.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from platform_shared.errors import PROBLEM_RESPONSES, FieldError, ValidationFailed

router = APIRouter(prefix="/api/v1/deviations", tags=["deviations"], responses=PROBLEM_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


async def render(ctx: Ctx, d: Deviation, response: Response, *, full: bool = True) -> DeviationRead:
    etag(response, d.version)
    view = await views.full_view(ctx, d) if full else views.reporter_view(d)
    return DeviationRead.model_validate(view)


def _subject(s: SubjectIn) -> SubjectInput:
    return SubjectInput(name=s.name, personnummer=s.personnummer, protected_identity=s.protected_identity)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Report a deviation (avvikelse, lex_sarah or hsl)",
    responses={200: {"description": "Already reported from the same source, or a repeated Idempotency-Key"}},
)
async def report_deviation(
    body: DeviationCreate, ctx: CtxDep, idem: IdemDep, response: Response
) -> DeviationRead:
    if not await ctx.caller.directory.unit_exists(body.unit_id):
        raise ValidationFailed("Unknown unit", errors=[FieldError("unit_id", "no such org unit")])
    await ctx.caller.require(Action.CASE_CREATE, body.unit_id)

    async def create() -> DeviationRead:
        d, created = await cmds.report(
            ctx,
            cmds.ReportDeviation(
                type=body.type,
                unit_id=body.unit_id,
                occurred_at=body.occurred_at,
                description=body.description,
                category=body.category,
                source_system=body.source.system if body.source else None,
                source_external_id=body.source.external_id if body.source else None,
                discovered_at=body.discovered_at,
                discovered_how=body.discovered_how,
                immediate_measures=body.immediate_measures,
                probability=body.probability,
                severity=body.severity,
                subjects=tuple(_subject(s) for s in body.subjects),
            ),
            idem,
        )
        if not created:
            response.status_code = status.HTTP_200_OK
        return await render(ctx, d, response, full=await views.handles(ctx, d))

    async def replay(deviation_id: uuid.UUID) -> DeviationRead:
        d, full = await views.read(ctx, deviation_id)
        return await render(ctx, d, response, full=full)

    return await create_once(ctx, idem, response, create, replay)


@router.get("", summary="List deviations visible to the caller (newest first, keyset pages)")
async def list_deviations(
    scope: ScopeDep,
    ctx: CtxDep,
    status_: Annotated[list[Status] | None, Query(alias="status")] = None,
    type_: Annotated[list[DeviationType] | None, Query(alias="type")] = None,
    unit_id: Annotated[uuid.UUID | None, Query(description="The unit and its subtree")] = None,
    first: Annotated[
        date | None, Query(alias="from", description="reported_at from (Stockholm date)")
    ] = None,
    last: Annotated[date | None, Query(alias="to", description="reported_at to, inclusive")] = None,
    category: str | None = None,
    severity: Annotated[int | None, Query(ge=1, le=4)] = None,
    overdue: Annotated[bool | None, Query(description="Has an open deadline past due")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Free text in the description")] = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> DeviationPage:
    rows, next_cursor = await queries.deviations(
        ctx.uow.session,
        scope,
        queries.DeviationFilter(
            status=tuple(s.value for s in status_ or ()),
            type=tuple(t.value for t in type_ or ()),
            unit_id=unit_id,
            first=first,
            last=last,
            category=category,
            severity=severity,
            overdue=overdue,
            q=q,
            cursor=cursor,
            limit=limit,
        ),
    )
    return DeviationPage(items=[DeviationListItem.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/{deviation_id}", summary="One deviation (its reporter sees the status of the report)")
async def get_deviation(deviation_id: uuid.UUID, ctx: CtxDep, response: Response) -> DeviationRead:
    d, full = await views.read(ctx, deviation_id)
    return await render(ctx, d, response, full=full)


@router.patch("/{deviation_id}", summary="Edit a deviation's fields (never its state or type)")
async def patch_deviation(
    deviation_id: uuid.UUID, body: DeviationPatch, ctx: CtxDep, if_match: IfMatch, response: Response
) -> DeviationRead:
    d = await cmds.edit(ctx, cmds.Edit(deviation_id, body.model_dump(exclude_unset=True), if_match))
    return await render(ctx, d, response)


@router.post("/{deviation_id}/subjects", summary="Add the brukare or patient the case concerns (encrypted)")
async def add_subject(
    deviation_id: uuid.UUID, body: SubjectIn, ctx: CtxDep, if_match: IfMatch, response: Response
) -> DeviationRead:
    d = await cmds.add_subject(ctx, cmds.AddSubject(deviation_id, _subject(body), if_match))
    return await render(ctx, d, response)


@router.post(
    "/{deviation_id}/receive", summary="Receive the report, with immediate measures or 'none needed'"
)
async def receive(
    deviation_id: uuid.UUID, body: ReceiveBody, ctx: CtxDep, if_match: IfMatch, response: Response
) -> DeviationRead:
    d = await cmds.receive(
        ctx,
        cmds.Receive(deviation_id, body.immediate_measures, body.no_immediate_measures_needed, if_match),
    )
    return await render(ctx, d, response)


@router.post("/{deviation_id}/start-investigation", summary="Assign the investigator and start investigating")
async def start_investigation(
    deviation_id: uuid.UUID, body: StartInvestigationBody, ctx: CtxDep, if_match: IfMatch, response: Response
) -> DeviationRead:
    d = await cmds.start_investigation(
        ctx, cmds.StartInvestigation(deviation_id, body.investigator_id, body.method, if_match)
    )
    return await render(ctx, d, response)


@router.get("/{deviation_id}/investigation", summary="The investigation with its entries (SOSFS 2011:5)")
async def get_investigation(deviation_id: uuid.UUID, ctx: CtxDep) -> InvestigationRead:
    d, _ = await views.read(ctx, deviation_id, "read_investigation", handlers_only=True)
    return InvestigationRead.model_validate(await views.investigation(ctx, d))


@router.post(
    "/{deviation_id}/investigation/entries",
    status_code=status.HTTP_201_CREATED,
    summary="Write an investigation entry: date, source, fact or assessment, author",
)
async def add_entry(
    deviation_id: uuid.UUID, body: EntryCreate, ctx: CtxDep, idem: IdemDep, response: Response
) -> EntryRead:
    async def create() -> EntryRead:
        entry = await cmds.add_entry(
            ctx,
            cmds.AddEntry(
                deviation_id=deviation_id,
                section=body.section,
                kind=body.kind,
                entry_date=body.entry_date,
                source=body.source,
                text=body.text,
                author_title=body.author_title,
                cause_area=body.cause_area,
            ),
            idem,
        )
        return EntryRead.model_validate(views.entry_view(entry))

    async def replay(entry_id: uuid.UUID) -> EntryRead:
        d, _ = await views.read(ctx, deviation_id, "read_investigation", handlers_only=True)
        investigation = await views.investigation(ctx, d)
        return EntryRead.model_validate(next(e for e in investigation["entries"] if e["id"] == entry_id))

    return await create_once(ctx, idem, response, create, replay)


@router.post(
    "/{deviation_id}/complete-investigation", summary="Complete the investigation with its conclusion"
)
async def complete_investigation(
    deviation_id: uuid.UUID,
    body: CompleteInvestigationBody,
    ctx: CtxDep,
    if_match: IfMatch,
    response: Response,
) -> DeviationRead:
    d = await cmds.complete_investigation(
        ctx,
        cmds.CompleteInvestigation(
            deviation_id,
            body.conclusion,
            body.proposed_degree,
            body.analysis_team,
            body.individual_involvement,
            if_match,
        ),
    )
    return await render(ctx, d, response)


@router.post("/{deviation_id}/decision", summary="Decide: the degree (Lex Sarah / HSL), ivo_required derived")
async def decide(
    deviation_id: uuid.UUID, body: DecisionBody, ctx: CtxDep, if_match: IfMatch, response: Response
) -> DeviationRead:
    d = await cmds.decide(
        ctx, cmds.Decide(deviation_id, body.motivation, body.degree, body.no_actions_motivation, if_match)
    )
    return await render(ctx, d, response)


@router.post("/{deviation_id}/close", summary="Close the case (its reporter is told)")
async def close(
    deviation_id: uuid.UUID, body: CloseBody, ctx: CtxDep, if_match: IfMatch, response: Response
) -> DeviationRead:
    d = await cmds.close(ctx, cmds.Close(deviation_id, body.motivation, if_match))
    return await render(ctx, d, response)


@router.post("/{deviation_id}/void", summary="Void a wrong registration (reason kept)")
async def void(
    deviation_id: uuid.UUID, body: VoidBody, ctx: CtxDep, if_match: IfMatch, response: Response
) -> DeviationRead:
    d = await cmds.void(ctx, cmds.Void(deviation_id, body.reason, if_match))
    return await render(ctx, d, response)


@router.post("/{deviation_id}/reopen", summary="Reopen a closed case: back to investigating")
async def reopen(
    deviation_id: uuid.UUID, ctx: CtxDep, if_match: IfMatch, response: Response
) -> DeviationRead:
    d = await cmds.reopen(ctx, cmds.Reopen(deviation_id, if_match))
    return await render(ctx, d, response)


@router.post("/{deviation_id}/reclassify", summary="avvikelse ↔ lex_sarah, avvikelse ↔ hsl (history kept)")
async def reclassify(
    deviation_id: uuid.UUID, body: ReclassifyBody, ctx: CtxDep, if_match: IfMatch, response: Response
) -> DeviationRead:
    d = await cmds.reclassify(ctx, cmds.Reclassify(deviation_id, body.type, body.motivation, if_match))
    return await render(ctx, d, response)


@router.get("/{deviation_id}/history", summary="The case's timeline")
async def history(
    deviation_id: uuid.UUID, ctx: CtxDep, cursor: str | None = None, limit: Limit = DEFAULT_LIMIT
) -> HistoryPage:
    d, _ = await views.read(ctx, deviation_id, "read_history", handlers_only=True)
    items, next_cursor = await queries.history(ctx.uow.session, d.id, cursor, limit)
    return HistoryPage.model_validate({"items": items, "next_cursor": next_cursor})
