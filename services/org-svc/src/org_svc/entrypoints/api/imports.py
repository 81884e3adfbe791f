"""Bulk import of an organisation (HR/AD export) as JSON or CSV files; idempotent, with a report."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from org_svc.domain.imports import ImportPlan, Outcome, read_csv
from org_svc.entrypoints.api.common import require_may
from org_svc.entrypoints.api.schemas import ImportReport, ImportRequest, ImportRowRead
from org_svc.service_layer import imports as handlers
from platform_shared.access import Action, Authorizer, Principal
from platform_shared.api.deps import AuthorizerDep, CurrentPrincipal, RuntimeDep
from platform_shared.api.limits import body_limit
from platform_shared.errors import FieldError, ValidationFailed
from platform_shared.runtime import ServiceRuntime

router = APIRouter()

# A whole organisation's HR export: larger than an ordinary request body.
IMPORT_MAX_BYTES = 16 * 1024 * 1024


async def _manageable(authz: Authorizer, principal: Principal) -> frozenset[uuid.UUID] | None:
    require_may(principal, Action.ORG_MANAGE, "Only a systemadministrator imports the organisation")
    visibility = await authz.visibility(principal, Action.ORG_MANAGE)
    if visibility.everything:
        return None
    return frozenset(u for units in visibility.units.values() for u in units)


def _report(plan: ImportPlan, dry_run: bool) -> ImportReport:
    return ImportReport(
        dry_run=dry_run,
        created=plan.count(Outcome.CREATED),
        changed=plan.count(Outcome.CHANGED),
        unchanged=plan.count(Outcome.UNCHANGED),
        rejected=plan.count(Outcome.REJECTED),
        rows=[
            ImportRowRead(
                kind=r.kind, row=r.row, key=r.key, outcome=r.outcome, changes=list(r.changes), reason=r.reason
            )
            for r in plan.results
        ],
    )


async def _run(
    runtime: ServiceRuntime,
    principal: Principal,
    authz: Authorizer,
    units: list[dict[str, Any]],
    people: list[dict[str, Any]],
    *,
    dry_run: bool,
    end_missing_roles: bool,
) -> ImportReport:
    manageable = await _manageable(authz, principal)
    async with runtime.uow(principal.person_id) as uow:
        plan = await handlers.import_organisation(
            uow,
            handlers.ImportOrganisation(
                units=units,
                people=people,
                manageable=manageable,
                end_missing_roles=end_missing_roles,
                dry_run=dry_run,
            ),
        )
    return _report(plan, dry_run)


@router.post(
    "/imports",
    summary="Import units and people (JSON); re-importing the same file changes nothing",
)
@body_limit(max_bytes=IMPORT_MAX_BYTES)
async def import_json(
    body: ImportRequest, principal: CurrentPrincipal, authz: AuthorizerDep, runtime: RuntimeDep
) -> ImportReport:
    return await _run(
        runtime,
        principal,
        authz,
        body.units,
        body.people,
        dry_run=body.dry_run,
        end_missing_roles=body.end_missing_roles,
    )


async def _csv(upload: UploadFile | None, field: str) -> list[dict[str, Any]]:
    if upload is None:
        return []
    try:
        text = (await upload.read()).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("The file is not UTF-8", errors=[FieldError(field, "not UTF-8 text")]) from exc
    return list(read_csv(text))


@router.post(
    "/imports/csv",
    summary="Import units.csv (code,name,parent_code,level,laws) and people.csv (subject,email,name,roles)",
)
@body_limit(max_bytes=IMPORT_MAX_BYTES)
async def import_csv(
    principal: CurrentPrincipal,
    authz: AuthorizerDep,
    runtime: RuntimeDep,
    units: Annotated[UploadFile | None, File(description="code,name,parent_code,level,laws")] = None,
    people: Annotated[UploadFile | None, File(description="subject,email,name,roles")] = None,
    dry_run: Annotated[bool, Form()] = False,
    end_missing_roles: Annotated[bool, Form()] = False,
) -> ImportReport:
    return await _run(
        runtime,
        principal,
        authz,
        await _csv(units, "units"),
        await _csv(people, "people"),
        dry_run=dry_run,
        end_missing_roles=end_missing_roles,
    )
