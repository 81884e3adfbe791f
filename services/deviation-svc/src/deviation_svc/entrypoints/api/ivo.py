"""The IVO anmälan: deciding it, the document IVO's e-service asks for, and the steps after it.
If-Match names the deviation's ETag."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Response, status
from fastapi import Query as QueryParam
from fastapi.responses import HTMLResponse

from deviation_svc.adapters.ivo_pdf import PDF_MEDIA_TYPE
from deviation_svc.entrypoints.api import ivo_html
from deviation_svc.entrypoints.api.deps import Command, Query
from deviation_svc.entrypoints.api.schemas.ivo import (
    IvoDecisionCreate,
    IvoDecisionRead,
    IvoDocument,
    IvoInvestigationSentBody,
    IvoSentBody,
    NamndInformedBody,
)
from deviation_svc.service_layer.ivo import commands, queries
from platform_shared.api.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1/deviations", tags=["ivo"], responses=PROBLEM_RESPONSES)


@router.post(
    "/{deviation_id}/ivo-decision",
    status_code=status.HTTP_201_CREATED,
    summary="Decide to file an IVO anmälan (Lex Sarah: socialchef or delegate; Lex Maria: MAS or delegate)",
)
async def decide_ivo(
    deviation_id: uuid.UUID, body: IvoDecisionCreate, ctx: Command, response: Response
) -> IvoDecisionRead:
    created = await commands.decide_ivo(ctx, commands.DecideIvo(deviation_id, **body.model_dump()))
    response.status_code = created.status
    return IvoDecisionRead.model_validate(created.value)


@router.get(
    "/{deviation_id}/ivo-notification",
    summary="The anmälan's content as IVO's e-service asks for it: JSON, Swedish HTML or PDF",
    response_model=IvoDocument,
    responses={200: {"content": {"application/json": {}, "text/html": {}, PDF_MEDIA_TYPE: {}}}},
)
async def ivo_notification(
    deviation_id: uuid.UUID,
    ctx: Query,
    format_: Annotated[Literal["json", "html", "pdf"] | None, QueryParam(alias="format")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    doc = await queries.document(ctx, deviation_id)
    wanted = format_ or ("html" if "text/html" in (accept or "") else None)
    wanted = wanted or ("pdf" if PDF_MEDIA_TYPE in (accept or "") else "json")
    if wanted == "html":
        return HTMLResponse(ivo_html.render(doc))
    if wanted == "pdf":
        pdf = commands.render_pdf(doc, ctx.parts.settings.provider_name, ctx.now())
        name = f"ivo-anmalan-{doc['reference']}.pdf"
        headers = {"Content-Disposition": f'inline; filename="{name}"'}
        return Response(pdf, media_type=PDF_MEDIA_TYPE, headers=headers)
    return IvoDocument.model_validate(doc)


@router.post("/{deviation_id}/ivo-notification/sent", summary="Record that the anmälan was sent to IVO")
async def ivo_sent(deviation_id: uuid.UUID, body: IvoSentBody, ctx: Command) -> IvoDecisionRead:
    n = await commands.record_sent(ctx, commands.RecordSent(deviation_id, **body.model_dump()))
    return IvoDecisionRead.model_validate(n)


@router.post(
    "/{deviation_id}/ivo-notification/investigation-sent",
    summary="Record that the completed investigation was sent to IVO",
)
async def ivo_investigation_sent(
    deviation_id: uuid.UUID, body: IvoInvestigationSentBody, ctx: Command
) -> IvoDecisionRead:
    cmd = commands.RecordInvestigationSent(deviation_id, **body.model_dump())
    return IvoDecisionRead.model_validate(await commands.record_investigation_sent(ctx, cmd))


@router.post(
    "/{deviation_id}/ivo-notification/namnd-informed",
    summary="Record that the nämnd was informed of the anmälan",
)
async def namnd_informed(deviation_id: uuid.UUID, body: NamndInformedBody, ctx: Command) -> IvoDecisionRead:
    cmd = commands.RecordNamndInformed(deviation_id, **body.model_dump())
    return IvoDecisionRead.model_validate(await commands.record_namnd_informed(ctx, cmd))
