from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from deviation_svc.adapters.orm import Deviation
from deviation_svc.domain.model import DeviationType, Status
from deviation_svc.entrypoints.api.schemas import (
    DeviationCreate,
    DeviationRead,
    IvoDecisionCreate,
    IvoDecisionRead,
    SourceRef,
)
from deviation_svc.service_layer import handlers
from platform_shared.access import Action, Authorizer, Principal, Target
from platform_shared.api.deps import AuthorizerDep, CurrentPrincipal, DirectoryDep, RuntimeDep
from platform_shared.errors import PROBLEM_RESPONSES, FieldError, NotFound, ValidationFailed

router = APIRouter(prefix="/api/v1/deviations", tags=["deviations"], responses=PROBLEM_RESPONSES)


def to_read(d: Deviation) -> DeviationRead:
    source = (
        SourceRef(system=d.source_system, external_id=d.source_external_id)
        if d.source_system and d.source_external_id
        else None
    )
    return DeviationRead(
        id=d.id,
        reference=d.reference,
        type=DeviationType(d.type),
        status=Status(d.status),
        unit_id=d.unit_id,
        occurred_at=d.occurred_at,
        reported_at=d.reported_at,
        description=d.description,
        category=d.category,
        reporter_id=d.reporter_id,
        source=source,
        version=d.version,
    )


def target_of(d: Deviation) -> Target:
    return Target(unit_id=d.unit_id, case_type=d.type, owner_ids=frozenset({d.reporter_id}))


async def visible(principal: Principal, deviation: Deviation | None, authz: Authorizer) -> Deviation:
    """The deviation if the caller may see it (its reporter, or a reader in scope); else 404."""
    if deviation is not None and await authz.can(principal, Action.CASE_READ, target_of(deviation)):
        return deviation
    raise NotFound("Deviation not found")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Report a deviation (avvikelse, lex_sarah or hsl)",
    responses={200: {"description": "Already reported from the same source system and id"}},
)
async def report_deviation(
    body: DeviationCreate,
    principal: CurrentPrincipal,
    directory: DirectoryDep,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    response: Response,
) -> DeviationRead:
    if not await directory.unit_exists(body.unit_id):
        raise ValidationFailed("Unknown unit", errors=[FieldError("unit_id", "no such org unit")])
    await authz.require(principal, Action.CASE_CREATE, body.unit_id)
    async with runtime.uow(principal.person_id) as uow:
        deviation, created = await handlers.report(
            uow,
            handlers.ReportDeviation(
                type=body.type,
                unit_id=body.unit_id,
                occurred_at=body.occurred_at,
                description=body.description,
                reporter_id=principal.person_id,
                category=body.category,
                source_system=body.source.system if body.source else None,
                source_external_id=body.source.external_id if body.source else None,
            ),
        )
    if not created:
        response.status_code = status.HTTP_200_OK
    return to_read(deviation)


@router.get("/{deviation_id}", summary="One deviation")
async def get_deviation(
    deviation_id: uuid.UUID, principal: CurrentPrincipal, authz: AuthorizerDep, runtime: RuntimeDep
) -> DeviationRead:
    async with runtime.session_factory() as session:
        deviation = await visible(principal, await session.get(Deviation, deviation_id), authz)
    return to_read(deviation)


@router.post(
    "/{deviation_id}/ivo-decision",
    status_code=status.HTTP_201_CREATED,
    summary="Decide to file an IVO anmälan (Lex Sarah or Lex Maria)",
)
async def decide_ivo(
    deviation_id: uuid.UUID,
    body: IvoDecisionCreate,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
) -> IvoDecisionRead:
    async with runtime.uow(principal.person_id) as uow:
        deviation = await visible(principal, await uow.session.get(Deviation, deviation_id), authz)
        action = (
            Action.IVO_DECISION_LEX_MARIA
            if deviation.type == DeviationType.HSL
            else Action.IVO_DECISION_LEX_SARAH
        )
        await authz.require(principal, action, target_of(deviation))
        notification = await handlers.decide_ivo(
            uow,
            deviation,
            handlers.DecideIvo(
                deviation_id=deviation.id,
                degree=body.degree,
                rationale=body.rationale,
                decided_by=principal.person_id,
            ),
        )
    return IvoDecisionRead.model_validate(notification)
