"""People (token subject → person) and their role assignments over time."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from org_svc.entrypoints.api.deps import Command, Query
from org_svc.entrypoints.api.schemas import (
    MeRead,
    PersonCreate,
    PersonRead,
    PersonUpdate,
    RoleAssignmentCreate,
    RoleAssignmentEnd,
    RoleAssignmentRead,
)
from org_svc.service_layer.people import commands, queries
from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import Page, PageDep
from platform_shared.roles import Role

router = APIRouter()


@router.get("/me", summary="The caller: person or system client, roles and delegations in force")
async def me(ctx: Query) -> MeRead:
    return MeRead.model_validate(queries.me(ctx))


@router.post(
    "/people",
    status_code=status.HTTP_201_CREATED,
    summary="Register a person (idempotent on subject: 200 with the person already registered)",
    responses={200: {"description": "Already registered with this subject"}},
)
async def register_person(body: PersonCreate, ctx: Command, response: Response) -> PersonRead:
    created = await commands.register(ctx, commands.RegisterPerson(body.name, str(body.email), body.subject))
    response.status_code = created.status
    return with_etag(response, PersonRead.model_validate(created.value))


@router.get("/people", summary="List people")
async def list_people(
    ctx: Query,
    page: PageDep,
    subject: str | None = None,
    email: str | None = None,
    active: bool | None = None,
) -> Page[PersonRead]:
    rows, next_cursor = await queries.people(ctx, queries.PersonFilter(subject, email, active), page)
    return Page[PersonRead](items=[PersonRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/people/{person_id}", summary="One person")
async def get_person(person_id: uuid.UUID, ctx: Query, response: Response) -> PersonRead:
    return with_etag(response, PersonRead.model_validate(await queries.person(ctx, person_id)))


@router.patch("/people/{person_id}", summary="Correct a person's name or e-mail")
async def update_person(
    person_id: uuid.UUID, body: PersonUpdate, ctx: Command, response: Response
) -> PersonRead:
    email = str(body.email) if body.email else None
    person = await commands.update(ctx, commands.UpdatePerson(person_id, body.name, email))
    return with_etag(response, PersonRead.model_validate(person))


@router.post(
    "/people/{person_id}/deactivate",
    summary="Deactivate a person: their roles end, delegations to them are revoked, tokens stop working",
)
async def deactivate_person(person_id: uuid.UUID, ctx: Command, response: Response) -> PersonRead:
    person = await commands.set_active(ctx, commands.SetPersonActive(person_id, False))
    return with_etag(response, PersonRead.model_validate(person))


@router.post("/people/{person_id}/reactivate", summary="Reactivate a person (no role comes back)")
async def reactivate_person(person_id: uuid.UUID, ctx: Command, response: Response) -> PersonRead:
    person = await commands.set_active(ctx, commands.SetPersonActive(person_id, True))
    return with_etag(response, PersonRead.model_validate(person))


@router.post(
    "/role-assignments", status_code=status.HTTP_201_CREATED, summary="Give a person a role for a unit"
)
async def assign_role(body: RoleAssignmentCreate, ctx: Command, response: Response) -> RoleAssignmentRead:
    cmd = commands.AssignRole(
        body.person_id, body.role.value, body.unit_id, body.valid_from, body.valid_to, body.acting
    )
    created = await commands.assign_role(ctx, cmd)
    response.status_code = created.status
    return with_etag(response, RoleAssignmentRead.model_validate(created.value))


@router.get("/role-assignments", summary="List role assignments (not ended, unless include_ended)")
async def list_role_assignments(
    ctx: Query,
    page: PageDep,
    person_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    role: Role | None = None,
    include_ended: bool = False,
) -> Page[RoleAssignmentRead]:
    found = queries.AssignmentFilter(person_id, unit_id, role, include_ended)
    rows, next_cursor = await queries.assignments(ctx, found, page)
    items = [RoleAssignmentRead.model_validate(x) for x in rows]
    return Page[RoleAssignmentRead](items=items, next_cursor=next_cursor)


@router.get("/role-assignments/{assignment_id}", summary="One role assignment")
async def get_role_assignment(assignment_id: uuid.UUID, ctx: Query, response: Response) -> RoleAssignmentRead:
    return with_etag(
        response, RoleAssignmentRead.model_validate(await queries.assignment(ctx, assignment_id))
    )


@router.post("/role-assignments/{assignment_id}/end", summary="End a role assignment (it then gives nothing)")
async def end_role_assignment(
    assignment_id: uuid.UUID, body: RoleAssignmentEnd, ctx: Command, response: Response
) -> RoleAssignmentRead:
    assignment = await commands.end_role(ctx, commands.EndRole(assignment_id, body.ended_at))
    return with_etag(response, RoleAssignmentRead.model_validate(assignment))
