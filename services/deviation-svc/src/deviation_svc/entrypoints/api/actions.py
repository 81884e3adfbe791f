"""Åtgärder on a deviation: POST proposes one; plan / complete / follow-up / reject move it; PATCH edits.
If-Match names the action's ETag."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from deviation_svc.adapters.orm import DeviationAction
from deviation_svc.entrypoints.api.deps import Command, Query
from deviation_svc.entrypoints.api.schemas.actions import (
    ActionCreate,
    ActionList,
    ActionPatch,
    ActionRead,
    CompleteActionBody,
    FollowUpBody,
    PlanBody,
    RejectBody,
)
from deviation_svc.service_layer.actions import commands, queries
from deviation_svc.service_layer.context import Ctx
from platform_shared.api.deps import with_etag
from platform_shared.api.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1/deviations", tags=["deviation actions"], responses=PROBLEM_RESPONSES)


async def read_model(ctx: Ctx, a: DeviationAction, response: Response) -> ActionRead:
    return with_etag(response, ActionRead.model_validate(await queries.view(ctx, a)))


@router.post(
    "/{deviation_id}/actions",
    status_code=status.HTTP_201_CREATED,
    summary="Propose an action (kort or lang), with responsible and due date",
)
async def create_action(
    deviation_id: uuid.UUID, body: ActionCreate, ctx: Command, response: Response
) -> ActionRead:
    created = await commands.create(ctx, commands.CreateAction(deviation_id, **body.model_dump()))
    response.status_code = created.status
    return await read_model(ctx, created.value, response)


@router.get("/{deviation_id}/actions", summary="The deviation's actions, with their deadlines")
async def list_actions(deviation_id: uuid.UUID, ctx: Query) -> ActionList:
    return ActionList.model_validate(await queries.actions(ctx, deviation_id))


@router.patch("/{deviation_id}/actions/{action_id}", summary="Edit an open action's fields (never its state)")
async def patch_action(
    deviation_id: uuid.UUID, action_id: uuid.UUID, body: ActionPatch, ctx: Command, response: Response
) -> ActionRead:
    cmd = commands.EditAction(deviation_id, action_id, body.model_dump(exclude_unset=True))
    return await read_model(ctx, await commands.edit(ctx, cmd), response)


@router.post("/{deviation_id}/actions/{action_id}/plan", summary="proposed → planned")
async def plan_action(
    deviation_id: uuid.UUID, action_id: uuid.UUID, body: PlanBody, ctx: Command, response: Response
) -> ActionRead:
    a = await commands.plan(ctx, commands.Plan(deviation_id, action_id, **body.model_dump()))
    return await read_model(ctx, a, response)


@router.post("/{deviation_id}/actions/{action_id}/complete", summary="planned → done")
async def complete_action(
    deviation_id: uuid.UUID, action_id: uuid.UUID, body: CompleteActionBody, ctx: Command, response: Response
) -> ActionRead:
    a = await commands.complete(ctx, commands.Complete(deviation_id, action_id, **body.model_dump()))
    return await read_model(ctx, a, response)


@router.post("/{deviation_id}/actions/{action_id}/follow-up", summary="done → followed_up: was it effective?")
async def follow_up_action(
    deviation_id: uuid.UUID, action_id: uuid.UUID, body: FollowUpBody, ctx: Command, response: Response
) -> ActionRead:
    a = await commands.follow_up(ctx, commands.FollowUp(deviation_id, action_id, **body.model_dump()))
    return await read_model(ctx, a, response)


@router.post("/{deviation_id}/actions/{action_id}/reject", summary="proposed or planned → rejected (reason)")
async def reject_action(
    deviation_id: uuid.UUID, action_id: uuid.UUID, body: RejectBody, ctx: Command, response: Response
) -> ActionRead:
    a = await commands.reject(ctx, commands.Reject(deviation_id, action_id, **body.model_dump()))
    return await read_model(ctx, a, response)
