from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from platform_shared.access import Action, Authorizer, Principal
from platform_shared.api.deps import AuthorizerDep, CurrentPrincipal, DirectoryDep, RuntimeDep
from platform_shared.errors import PROBLEM_RESPONSES, FieldError, NotFound, ValidationFailed
from risk_svc.adapters.orm import Risk
from risk_svc.entrypoints.api.schemas import RiskCreate, RiskRead
from risk_svc.service_layer import handlers

router = APIRouter(prefix="/api/v1/risk/risks", tags=["risks"], responses=PROBLEM_RESPONSES)


async def visible(principal: Principal, risk: Risk | None, authz: Authorizer) -> Risk:
    """The risk if the caller may read risks of its unit; else 404 (not visible = not existing)."""
    if risk is not None and await authz.can(principal, Action.RISK_READ, risk.unit_id):
        return risk
    raise NotFound("Risk not found")


@router.post("", status_code=status.HTTP_201_CREATED, summary="Assess a risk (sannolikhet × konsekvens)")
async def assess_risk(
    body: RiskCreate,
    principal: CurrentPrincipal,
    directory: DirectoryDep,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
) -> RiskRead:
    if not await directory.unit_exists(body.unit_id):
        raise ValidationFailed("Unknown unit", errors=[FieldError("unit_id", "no such org unit")])
    await authz.require(principal, Action.RISK_MANAGE, body.unit_id)
    async with runtime.uow(principal.person_id) as uow:
        risk = await handlers.assess_risk(
            uow,
            handlers.AssessRisk(
                unit_id=body.unit_id,
                title=body.title,
                description=body.description,
                probability=body.probability,
                consequence=body.consequence,
                assessed_by=principal.person_id,
            ),
        )
    return RiskRead.model_validate(risk)


@router.get("/{risk_id}", summary="One risk")
async def get_risk(
    risk_id: uuid.UUID, principal: CurrentPrincipal, authz: AuthorizerDep, runtime: RuntimeDep
) -> RiskRead:
    async with runtime.session_factory() as session:
        risk = await visible(principal, await session.get(Risk, risk_id), authz)
    return RiskRead.model_validate(risk)
