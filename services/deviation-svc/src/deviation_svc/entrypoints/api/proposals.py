"""Förbättringsförslag (/api/v1/improvement-proposals). If-Match names the proposal's ETag, or the
action's on its action's commands."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from deviation_svc.adapters.orm import ImprovementAction, ImprovementProposal
from deviation_svc.domain.proposals import ProposalStatus
from deviation_svc.entrypoints.api.deps import Command
from deviation_svc.entrypoints.api.deps import Query as QueryDep
from deviation_svc.entrypoints.api.schemas.proposals import (
    CompleteBody,
    FollowUpBody,
    ImprovementActionRead,
    ProposalAssessBody,
    ProposalCreate,
    ProposalListItem,
    ProposalPage,
    ProposalRead,
)
from deviation_svc.service_layer.context import Ctx
from deviation_svc.service_layer.proposals import commands, queries
from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import PageDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.api.types import Day

PATH = "/api/v1/improvement-proposals"
# When complaints of kind forbattringsforslag were deprecated (RFC 9745: a structured date)
KIND_DEPRECATED_AT = datetime(2026, 12, 4, tzinfo=UTC)

router = APIRouter(prefix=PATH, tags=["improvement proposals"], responses=PROBLEM_RESPONSES)


async def read_model(ctx: Ctx, p: ImprovementProposal, response: Response) -> ProposalRead:
    return with_etag(response, ProposalRead.model_validate(await queries.view(ctx, p)))


async def action_model(ctx: Ctx, a: ImprovementAction, response: Response) -> ImprovementActionRead:
    return with_etag(response, ImprovementActionRead.model_validate(await queries.action_view(ctx, a)))


MOVED_HEADERS = {
    "Location": {
        "description": "Kind forbattringsforslag: the improvement proposal made",
        "schema": {"type": "string"},
    },
    "Link": {
        "description": 'Kind forbattringsforslag: `<…/improvement-proposals/{id}>; rel="alternate"`',
        "schema": {"type": "string"},
    },
    "Deprecation": {
        "description": "Kind forbattringsforslag: deprecated since (RFC 9745)",
        "schema": {"type": "string"},
    },
}


def link_moved_complaint(response: Response, proposal_id: uuid.UUID | None, *, created: bool = False) -> None:
    """A complaint of kind forbattringsforslag is a proposal now: the answer says where (Link), and, to
    the POST that made it, that the kind is deprecated (Location, Deprecation)."""
    if proposal_id is None:
        return
    response.headers["Link"] = f'<{PATH}/{proposal_id}>; rel="alternate"'
    if created:
        response.headers["Location"] = f"{PATH}/{proposal_id}"
        response.headers["Deprecation"] = f"@{int(KIND_DEPRECATED_AT.timestamp())}"


@router.post(
    "", status_code=status.HTTP_201_CREATED, summary="Submit a förbättringsförslag (anonymously if chosen)"
)
async def submit(body: ProposalCreate, ctx: Command, response: Response) -> ProposalRead:
    created = await commands.submit(ctx, body.command())
    response.status_code = created.status
    return await read_model(ctx, created.value, response)


@router.get("", summary="List proposals visible to the caller (newest first)")
async def list_proposals(
    ctx: QueryDep,
    page: PageDep,
    status_: Annotated[list[ProposalStatus] | None, Query(alias="status")] = None,
    unit_id: Annotated[uuid.UUID | None, Query(description="Submitted for this unit or below")] = None,
    assessing_unit_id: Annotated[uuid.UUID | None, Query(description="Its chef has it now")] = None,
    mine: Annotated[bool, Query(description="Only the caller's own proposals")] = False,
    first: Annotated[Day | None, Query(alias="from")] = None,
    last: Annotated[Day | None, Query(alias="to")] = None,
) -> ProposalPage:
    f = queries.ProposalFilter(tuple(status_ or ()), unit_id, assessing_unit_id, mine, first, last)
    rows, next_cursor = await queries.proposals(ctx, f, page)
    return ProposalPage(items=[ProposalListItem.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/{proposal_id}", summary="One proposal with its steps and action")
async def get_proposal(proposal_id: uuid.UUID, ctx: QueryDep, response: Response) -> ProposalRead:
    return with_etag(response, ProposalRead.model_validate(await queries.proposal(ctx, proposal_id)))


@router.post(
    "/{proposal_id}/assess",
    summary="The chef's assessment: accept (an action or a rutin revision), reject (motivated) or forward",
)
async def assess(
    proposal_id: uuid.UUID, body: ProposalAssessBody, ctx: Command, response: Response
) -> ProposalRead:
    return await read_model(ctx, await commands.assess_proposal(ctx, body.command(proposal_id)), response)


@router.post("/{proposal_id}/actions/{action_id}/complete", summary="planned → done")
async def complete_action(
    proposal_id: uuid.UUID, action_id: uuid.UUID, body: CompleteBody, ctx: Command, response: Response
) -> ImprovementActionRead:
    cmd = commands.CompleteAction(proposal_id, action_id, **body.model_dump())
    return await action_model(ctx, await commands.complete_action(ctx, cmd), response)


@router.post("/{proposal_id}/actions/{action_id}/follow-up", summary="done → followed_up: was it effective?")
async def follow_up_action(
    proposal_id: uuid.UUID, action_id: uuid.UUID, body: FollowUpBody, ctx: Command, response: Response
) -> ImprovementActionRead:
    cmd = commands.FollowUpAction(proposal_id, action_id, **body.model_dump())
    return await action_model(ctx, await commands.follow_up_action(ctx, cmd), response)
