"""Bulk import of an organisation (HR/AD export) as JSON or CSV files; idempotent, with a report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from org_svc.domain.imports import ImportPlan, Outcome, read_csv
from org_svc.entrypoints.api.deps import Command
from org_svc.entrypoints.api.schemas import ImportReport, ImportRequest, ImportRowRead
from org_svc.service_layer.imports import commands
from platform_shared.api.limits import body_limit
from platform_shared.errors import FieldError, ValidationFailed

router = APIRouter()

# A whole organisation's HR export: larger than an ordinary request body.
IMPORT_MAX_BYTES = 16 * 1024 * 1024


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


@router.post(
    "/imports",
    summary="Import units and people (JSON); re-importing the same file changes nothing",
)
@body_limit(max_bytes=IMPORT_MAX_BYTES)
async def import_json(body: ImportRequest, ctx: Command) -> ImportReport:
    cmd = commands.ImportOrganisation(body.units, body.people, body.end_missing_roles, body.dry_run)
    return _report(await commands.import_organisation(ctx, cmd), body.dry_run)


async def _csv(upload: UploadFile | None, field: str) -> list[dict[str, Any]]:
    if upload is None:
        return []
    try:
        text = (await upload.read()).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            "Filen är inte UTF-8", errors=[FieldError(field, "Texten är inte UTF-8")]
        ) from exc
    return list(read_csv(text))


@router.post(
    "/imports/csv",
    summary="Import units.csv (code,name,parent_code,level,laws) and people.csv (subject,email,name,roles)",
)
@body_limit(max_bytes=IMPORT_MAX_BYTES)
async def import_csv(
    ctx: Command,
    units: Annotated[UploadFile | None, File(description="code,name,parent_code,level,laws")] = None,
    people: Annotated[UploadFile | None, File(description="subject,email,name,roles")] = None,
    dry_run: Annotated[bool, Form()] = False,
    end_missing_roles: Annotated[bool, Form()] = False,
) -> ImportReport:
    cmd = commands.ImportOrganisation(
        await _csv(units, "units"), await _csv(people, "people"), end_missing_roles, dry_run
    )
    return _report(await commands.import_organisation(ctx, cmd), dry_run)
