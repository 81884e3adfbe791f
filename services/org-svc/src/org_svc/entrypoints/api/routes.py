from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import select

from org_svc.adapters.orm import OrgUnit, Person, RoleAssignment
from org_svc.entrypoints.api.schemas import (
    PersonCreate,
    PersonRead,
    RoleAssignmentCreate,
    RoleAssignmentRead,
    UnitCreate,
    UnitRead,
)
from org_svc.service_layer import handlers
from platform_shared.access import Action
from platform_shared.api.deps import AuthorizerDep, CurrentPrincipal, RuntimeDep, SessionDep
from platform_shared.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, page_by_id
from platform_shared.errors import PROBLEM_RESPONSES, Forbidden, NotFound

router = APIRouter(prefix="/api/v1/org", tags=["org"], responses=PROBLEM_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]


@router.post("/units", status_code=status.HTTP_201_CREATED, summary="Create an org unit under a parent")
async def create_unit(
    body: UnitCreate, principal: CurrentPrincipal, authz: AuthorizerDep, runtime: RuntimeDep
) -> UnitRead:
    await authz.require(principal, Action.ORG_MANAGE, body.parent_id)
    async with runtime.uow(principal.person_id) as uow:
        unit = await handlers.create_unit(
            uow,
            handlers.CreateUnit(
                name=body.name,
                level=body.level,
                parent_id=body.parent_id,
                code=body.code,
                laws=tuple(body.laws),
                valid_from=body.valid_from,
            ),
        )
    return UnitRead.model_validate(unit)


@router.get("/units", summary="List org units (the tree as parent links), in creation order")
async def list_units(
    principal: CurrentPrincipal,
    session: SessionDep,
    parent_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[UnitRead]:
    if not principal.may(Action.ORG_READ):
        raise Forbidden("No role in the organisation")
    stmt = select(OrgUnit)
    if parent_id is not None:
        stmt = stmt.where(OrgUnit.parent_id == parent_id)
    rows, next_cursor = await page_by_id(session, stmt, OrgUnit.id, cursor, limit)
    return Page[UnitRead](items=[UnitRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/units/{unit_id}", summary="One org unit")
async def get_unit(unit_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> UnitRead:
    unit = await session.get(OrgUnit, unit_id)
    if unit is None or not principal.may(Action.ORG_READ):
        raise NotFound("Unit not found")
    return UnitRead.model_validate(unit)


@router.post("/people", status_code=status.HTTP_201_CREATED, summary="Register a person")
async def register_person(body: PersonCreate, principal: CurrentPrincipal, runtime: RuntimeDep) -> PersonRead:
    if not principal.may(Action.ORG_MANAGE):
        raise Forbidden("Only a systemadministrator registers people")
    async with runtime.uow(principal.person_id) as uow:
        person, _ = await handlers.register_person(
            uow, handlers.RegisterPerson(name=body.name, email=str(body.email), subject=body.subject)
        )
    return PersonRead.model_validate(person)


@router.get("/people", summary="List people")
async def list_people(
    principal: CurrentPrincipal, session: SessionDep, cursor: str | None = None, limit: Limit = DEFAULT_LIMIT
) -> Page[PersonRead]:
    if not principal.may(Action.ORG_MANAGE):
        raise Forbidden("Only a systemadministrator lists people")
    rows, next_cursor = await page_by_id(session, select(Person), Person.id, cursor, limit)
    return Page[PersonRead](items=[PersonRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.post(
    "/role-assignments", status_code=status.HTTP_201_CREATED, summary="Give a person a role for a unit"
)
async def assign_role(
    body: RoleAssignmentCreate, principal: CurrentPrincipal, authz: AuthorizerDep, runtime: RuntimeDep
) -> RoleAssignmentRead:
    await authz.require(principal, Action.ORG_MANAGE, body.unit_id)
    async with runtime.uow(principal.person_id) as uow:
        assignment = await handlers.assign_role(
            uow,
            handlers.AssignRole(
                person_id=body.person_id,
                role=body.role.value,
                unit_id=body.unit_id,
                valid_from=body.valid_from,
                valid_to=body.valid_to,
                acting=body.acting,
            ),
        )
    return RoleAssignmentRead.model_validate(assignment)


@router.get("/role-assignments", summary="List role assignments")
async def list_role_assignments(
    principal: CurrentPrincipal,
    session: SessionDep,
    person_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[RoleAssignmentRead]:
    if not principal.may(Action.ORG_READ):
        raise Forbidden("No role in the organisation")
    stmt = select(RoleAssignment)
    if person_id is not None:
        stmt = stmt.where(RoleAssignment.person_id == person_id)
    rows, next_cursor = await page_by_id(session, stmt, RoleAssignment.id, cursor, limit)
    return Page[RoleAssignmentRead](
        items=[RoleAssignmentRead.model_validate(r) for r in rows], next_cursor=next_cursor
    )
