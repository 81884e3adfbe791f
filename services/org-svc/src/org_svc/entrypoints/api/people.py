"""People (token subject → person) and their role assignments over time."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status
from sqlalchemy import or_, select

from org_svc.adapters.orm import Person, RoleAssignment
from org_svc.entrypoints.api.common import Limit, require_may, with_etag
from org_svc.entrypoints.api.schemas import (
    DelegationHeldRead,
    MeRead,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    RoleAssignmentCreate,
    RoleAssignmentEnd,
    RoleAssignmentRead,
    ScopedRoleRead,
)
from org_svc.service_layer import handlers
from platform_shared.access import Action
from platform_shared.api.deps import (
    AuthorizerDep,
    CurrentPrincipal,
    DirectoryDep,
    IfMatch,
    RuntimeDep,
    SessionDep,
)
from platform_shared.api.pagination import DEFAULT_LIMIT, Page, page_by_id
from platform_shared.errors import FieldError, NotFound, ValidationFailed
from platform_shared.roles import Role

router = APIRouter()

_MANAGE_PEOPLE = "Only a systemadministrator manages people"


@router.get("/me", summary="The caller: person or system client, roles and delegations in force")
async def me(principal: CurrentPrincipal) -> MeRead:
    return MeRead(
        id=principal.person_id,
        name=principal.name,
        subject=principal.subject,
        is_client=principal.is_client,
        roles=[ScopedRoleRead(role=r.role, unit_id=r.unit_id, acting=r.acting) for r in principal.roles],
        delegations=[
            DelegationHeldRead(decision_type=d.decision_type, from_role=d.from_role, unit_id=d.unit_id)
            for d in principal.delegations
        ],
        operations=sorted(principal.client_operations),
    )


@router.post(
    "/people",
    status_code=status.HTTP_201_CREATED,
    summary="Register a person (idempotent on subject: 200 with the person already registered)",
    responses={200: {"description": "Already registered with this subject"}},
)
async def register_person(
    body: PersonCreate, principal: CurrentPrincipal, runtime: RuntimeDep, response: Response
) -> PersonRead:
    require_may(principal, Action.ORG_MANAGE, _MANAGE_PEOPLE)
    async with runtime.uow(principal.person_id) as uow:
        person, created = await handlers.register_person(
            uow, handlers.RegisterPerson(name=body.name, email=str(body.email), subject=body.subject)
        )
    if not created:
        response.status_code = status.HTTP_200_OK
    with_etag(response, person.version)
    return PersonRead.model_validate(person)


@router.get("/people", summary="List people")
async def list_people(
    principal: CurrentPrincipal,
    session: SessionDep,
    subject: str | None = None,
    email: str | None = None,
    active: bool | None = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[PersonRead]:
    require_may(principal, Action.ORG_MANAGE, _MANAGE_PEOPLE)
    stmt = select(Person)
    if subject is not None:
        stmt = stmt.where(Person.subject == subject)
    if email is not None:
        stmt = stmt.where(Person.email == email)
    if active is not None:
        stmt = stmt.where(Person.active.is_(active))
    rows, next_cursor = await page_by_id(session, stmt, Person.id, cursor, limit)
    return Page[PersonRead](items=[PersonRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/people/{person_id}", summary="One person")
async def get_person(
    person_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, response: Response
) -> PersonRead:
    person = await session.get(Person, person_id)
    if person is None or not (principal.may(Action.ORG_MANAGE) or person_id == principal.person_id):
        raise NotFound("Person not found")
    with_etag(response, person.version)
    return PersonRead.model_validate(person)


@router.patch("/people/{person_id}", summary="Correct a person's name or e-mail")
async def update_person(
    person_id: uuid.UUID,
    body: PersonUpdate,
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    response: Response,
    if_match: IfMatch,
) -> PersonRead:
    require_may(principal, Action.ORG_MANAGE, _MANAGE_PEOPLE)
    async with runtime.uow(principal.person_id) as uow:
        person = await handlers.update_person(
            uow,
            handlers.UpdatePerson(
                person_id, body.name, str(body.email) if body.email else None, expected_version=if_match
            ),
        )
    with_etag(response, person.version)
    return PersonRead.model_validate(person)


async def _set_active(
    person_id: uuid.UUID, active: bool, principal: CurrentPrincipal, runtime: RuntimeDep, if_match: int | None
) -> Person:
    require_may(principal, Action.ORG_MANAGE, _MANAGE_PEOPLE)
    async with runtime.uow(principal.person_id) as uow:
        return await handlers.set_person_active(uow, handlers.SetPersonActive(person_id, active, if_match))


@router.post(
    "/people/{person_id}/deactivate",
    summary="Deactivate a person: their roles end, delegations to them are revoked, tokens stop working",
)
async def deactivate_person(
    person_id: uuid.UUID,
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    response: Response,
    if_match: IfMatch,
) -> PersonRead:
    person = await _set_active(person_id, False, principal, runtime, if_match)
    with_etag(response, person.version)
    return PersonRead.model_validate(person)


@router.post("/people/{person_id}/reactivate", summary="Reactivate a person (no role comes back)")
async def reactivate_person(
    person_id: uuid.UUID,
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    response: Response,
    if_match: IfMatch,
) -> PersonRead:
    person = await _set_active(person_id, True, principal, runtime, if_match)
    with_etag(response, person.version)
    return PersonRead.model_validate(person)


@router.post(
    "/role-assignments", status_code=status.HTTP_201_CREATED, summary="Give a person a role for a unit"
)
async def assign_role(
    body: RoleAssignmentCreate,
    principal: CurrentPrincipal,
    directory: DirectoryDep,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    response: Response,
) -> RoleAssignmentRead:
    if not await directory.unit_exists(body.unit_id):
        raise ValidationFailed("Unit not found", errors=[FieldError("unit_id", "not found")])
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
    with_etag(response, assignment.version)
    return RoleAssignmentRead.model_validate(assignment)


@router.get("/role-assignments", summary="List role assignments (not ended, unless include_ended)")
async def list_role_assignments(
    principal: CurrentPrincipal,
    runtime: RuntimeDep,
    session: SessionDep,
    person_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    role: Role | None = None,
    include_ended: bool = False,
    cursor: str | None = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[RoleAssignmentRead]:
    require_may(principal, Action.ORG_READ, "No role in the organisation")
    r = RoleAssignment
    stmt = select(r)
    if person_id is not None:
        stmt = stmt.where(r.person_id == person_id)
    if unit_id is not None:
        stmt = stmt.where(r.unit_id == unit_id)
    if role is not None:
        stmt = stmt.where(r.role == role.value)
    if not include_ended:
        stmt = stmt.where(or_(r.valid_to.is_(None), r.valid_to > runtime.clock()))
    rows, next_cursor = await page_by_id(session, stmt, r.id, cursor, limit)
    return Page[RoleAssignmentRead](
        items=[RoleAssignmentRead.model_validate(x) for x in rows], next_cursor=next_cursor
    )


@router.get("/role-assignments/{assignment_id}", summary="One role assignment")
async def get_role_assignment(
    assignment_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, response: Response
) -> RoleAssignmentRead:
    assignment = await session.get(RoleAssignment, assignment_id)
    if assignment is None or not principal.may(Action.ORG_READ):
        raise NotFound("Role assignment not found")
    with_etag(response, assignment.version)
    return RoleAssignmentRead.model_validate(assignment)


@router.post("/role-assignments/{assignment_id}/end", summary="End a role assignment (it then gives nothing)")
async def end_role_assignment(
    assignment_id: uuid.UUID,
    body: RoleAssignmentEnd,
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    session: SessionDep,
    response: Response,
    if_match: IfMatch,
) -> RoleAssignmentRead:
    found = await session.get(RoleAssignment, assignment_id)
    if found is None or not principal.may(Action.ORG_READ):
        raise NotFound("Role assignment not found")
    await authz.require(principal, Action.ORG_MANAGE, found.unit_id)
    async with runtime.uow(principal.person_id) as uow:
        assignment = await handlers.end_role(
            uow, handlers.EndRole(assignment_id, body.ended_at, expected_version=if_match)
        )
    with_etag(response, assignment.version)
    return RoleAssignmentRead.model_validate(assignment)
