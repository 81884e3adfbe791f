"""/api/v1/ops/<service>/dead-letters: the consumers' dead letters and their redrive, for the
systemadministrator (Action.OPS_DEAD_LETTERS). The same as `<name>-svc dead-letters list|redrive`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, model_validator

from platform_shared.access import Principal
from platform_shared.api.deps import CurrentPrincipal, RuntimeDep
from platform_shared.api.problems import PROBLEM_RESPONSES
from platform_shared.errors import Forbidden
from platform_shared.messaging.dead_letters import DeadLetter, RedriveResult
from platform_shared.permissions import Action


class DeadLetterRead(BaseModel):
    id: int
    consumer: str = Field(description="The consumer group that could not apply it")
    topic: str
    partition: int
    offset: int
    key: str | None = Field(description="The aggregate id; its later events wait behind this one")
    event_id: str | None = Field(description="None when the message could not be decoded")
    event_type: str | None
    error: str
    attempts: int
    failed_at: datetime
    resolved_at: datetime | None
    resolution: str | None = Field(description="applied, already_applied or not_handled")


class DeadLetterList(BaseModel):
    items: list[DeadLetterRead]


class RedriveRequest(BaseModel):
    ids: list[int] | None = Field(default=None, description="Dead letters to apply again, by id")
    all: bool = Field(default=False, description="Every open dead letter, oldest first")

    @model_validator(mode="after")
    def _one_of(self) -> RedriveRequest:
        if bool(self.ids) == self.all:
            raise ValueError("ange antingen ids eller all")
        return self


class RedriveOutcome(BaseModel):
    id: int
    outcome: str = Field(
        description="applied, already_applied, not_handled, resolved, held, failed, not_found"
    )
    error: str | None = None


class RedriveResponse(BaseModel):
    results: list[RedriveOutcome]


def _require_operator(principal: Principal) -> None:
    if not principal.may(Action.OPS_DEAD_LETTERS):
        raise Forbidden("Din roll ger inte behörighet att hantera döda meddelanden")


def _read(d: DeadLetter) -> DeadLetterRead:
    return DeadLetterRead(**{**d.__dict__, "event_id": str(d.event_id) if d.event_id else None})


def _outcome(r: RedriveResult) -> RedriveOutcome:
    return RedriveOutcome(id=r.id, outcome=r.outcome, error=r.error)


def ops_router(service: str) -> APIRouter:
    router = APIRouter(prefix=f"/api/v1/ops/{service}", tags=["operations"], responses=PROBLEM_RESPONSES)

    @router.get("/dead-letters", summary="The consumers' dead letters, oldest first")
    async def dead_letters(
        runtime: RuntimeDep,
        principal: CurrentPrincipal,
        include_resolved: bool = False,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> DeadLetterList:
        _require_operator(principal)
        found = await runtime.dead_letters.entries(include_resolved=include_resolved, limit=limit)
        return DeadLetterList(items=[_read(d) for d in found])

    @router.post("/dead-letters/redrive", summary="Apply dead letters again once their cause is fixed")
    async def redrive(
        body: RedriveRequest, runtime: RuntimeDep, principal: CurrentPrincipal
    ) -> RedriveResponse:
        _require_operator(principal)
        results = await runtime.dead_letters.redrive(None if body.all else body.ids)
        return RedriveResponse(results=[_outcome(r) for r in results])

    return router
