"""Åtgärder on a deviation: POST creates one; plan / complete / follow-up / reject move it; PATCH edits."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from deviation_svc.adapters.orm import DeviationAction
from deviation_svc.entrypoints.api.creating import create_once
from deviation_svc.entrypoints.api.deps import CtxDep, IdemDep, IfMatch, etag
from deviation_svc.entrypoints.api.schemas import (
    ActionCreate,
    ActionList,
    ActionPatch,
    ActionRead,
    CompleteActionBody,
    FollowUpBody,
    PlanBody,
    RejectBody,
)
from deviation_svc.service_layer import actions as cmds
from deviation_svc.service_layer import views
from deviation_svc.service_layer.context import Ctx
from platform_shared.errors import PROBLEM_RESPONSES, NotFound

router = APIRouter(prefix="/api/v1/deviations", tags=["deviation actions"], responses=PROBLEM_RESPONSES)


async def render(ctx: Ctx, a: DeviationAction, response: Response) -> ActionRead:
    etag(response, a.version)
    return ActionRead.model_validate(await views.action_with_deadlines(ctx, a))


@router.post(
    "/{deviation_id}/actions",
    status_code=status.HTTP_201_CREATED,
    summary="Propose an action (kort or lang), with responsible and due date",
)
async def create_action(
    deviation_id: uuid.UUID, body: ActionCreate, ctx: CtxDep, idem: IdemDep, response: Response
) -> ActionRead:
    async def create() -> ActionRead:
        _, a = await cmds.create(
            ctx,
            cmds.CreateAction(
                deviation_id=deviation_id,
                description=body.description,
                horizon=body.horizon,
                goal=body.goal,
                cause_area=body.cause_area,
                responsible_id=body.responsible_id,
                planned_start=body.planned_start,
                due_date=body.due_date,
            ),
            idem,
        )
        return await render(ctx, a, response)

    async def replay(action_id: uuid.UUID) -> ActionRead:
        await views.read(ctx, deviation_id, "read_actions", handlers_only=True)
        a = await ctx.uow.session.get(DeviationAction, action_id)
        if a is None:
            raise NotFound("Action not found")
        return await render(ctx, a, response)

    return await create_once(ctx, idem, response, create, replay)


@router.get("/{deviation_id}/actions", summary="The deviation's actions, with their deadlines")
async def list_actions(deviation_id: uuid.UUID, ctx: CtxDep) -> ActionList:
    d, _ = await views.read(ctx, deviation_id, "read_actions", handlers_only=True)
    actions = [await views.action_with_deadlines(ctx, a) for a in await views.actions_of(ctx, d.id)]
    return ActionList.model_validate({"items": actions})


@router.patch("/{deviation_id}/actions/{action_id}", summary="Edit an open action's fields (never its state)")
async def patch_action(
    deviation_id: uuid.UUID,
    action_id: uuid.UUID,
    body: ActionPatch,
    ctx: CtxDep,
    if_match: IfMatch,
    response: Response,
) -> ActionRead:
    changes = body.model_dump(exclude_unset=True)
    _, a = await cmds.edit(ctx, cmds.EditAction(deviation_id, action_id, changes, if_match))
    return await render(ctx, a, response)


@router.post("/{deviation_id}/actions/{action_id}/plan", summary="proposed → planned")
async def plan_action(
    deviation_id: uuid.UUID,
    action_id: uuid.UUID,
    body: PlanBody,
    ctx: CtxDep,
    if_match: IfMatch,
    response: Response,
) -> ActionRead:
    _, a = await cmds.plan(
        ctx,
        cmds.Plan(deviation_id, action_id, body.responsible_id, body.due_date, body.planned_start, if_match),
    )
    return await render(ctx, a, response)


@router.post("/{deviation_id}/actions/{action_id}/complete", summary="planned → done")
async def complete_action(
    deviation_id: uuid.UUID,
    action_id: uuid.UUID,
    body: CompleteActionBody,
    ctx: CtxDep,
    if_match: IfMatch,
    response: Response,
) -> ActionRead:
    _, a = await cmds.complete(ctx, cmds.Complete(deviation_id, action_id, body.executed_at, if_match))
    return await render(ctx, a, response)


@router.post("/{deviation_id}/actions/{action_id}/follow-up", summary="done → followed_up: was it effective?")
async def follow_up_action(
    deviation_id: uuid.UUID,
    action_id: uuid.UUID,
    body: FollowUpBody,
    ctx: CtxDep,
    if_match: IfMatch,
    response: Response,
) -> ActionRead:
    _, a = await cmds.follow_up(
        ctx, cmds.FollowUp(deviation_id, action_id, body.effect, body.effective, if_match)
    )
    return await render(ctx, a, response)


@router.post("/{deviation_id}/actions/{action_id}/reject", summary="proposed or planned → rejected (reason)")
async def reject_action(
    deviation_id: uuid.UUID,
    action_id: uuid.UUID,
    body: RejectBody,
    ctx: CtxDep,
    if_match: IfMatch,
    response: Response,
) -> ActionRead:
    _, a = await cmds.reject(ctx, cmds.Reject(deviation_id, action_id, body.reason, if_match))
    return await render(ctx, a, response)
