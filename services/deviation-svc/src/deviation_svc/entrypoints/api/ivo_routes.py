"""The IVO anmälan: deciding it, the document IVO's e-service asks for, and the steps after it."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, status
from fastapi.responses import HTMLResponse

from deviation_svc.adapters.orm import IvoNotification
from deviation_svc.entrypoints.api import ivo_html
from deviation_svc.entrypoints.api.deps import CtxDep, IfMatch
from deviation_svc.entrypoints.api.schemas import (
    IvoDecisionCreate,
    IvoDecisionRead,
    IvoDocument,
    IvoInvestigationSentBody,
    IvoSentBody,
    NamndInformedBody,
)
from deviation_svc.service_layer import ivo as cmds
from deviation_svc.service_layer import ivo_document
from platform_shared.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/v1/deviations", tags=["ivo"], responses=PROBLEM_RESPONSES)


def read(n: IvoNotification) -> IvoDecisionRead:
    return IvoDecisionRead.model_validate(n)


@router.post(
    "/{deviation_id}/ivo-decision",
    status_code=status.HTTP_201_CREATED,
    summary="Decide to file an IVO anmälan (Lex Sarah: socialchef or delegate; Lex Maria: MAS or delegate)",
)
async def decide_ivo(
    deviation_id: uuid.UUID, body: IvoDecisionCreate, ctx: CtxDep, if_match: IfMatch
) -> IvoDecisionRead:
    return read(
        await cmds.decide_ivo(ctx, cmds.DecideIvo(deviation_id, body.degree, body.rationale, if_match))
    )


@router.get(
    "/{deviation_id}/ivo-notification",
    summary="The anmälan's content as IVO's e-service asks for it: JSON, or Swedish HTML",
    response_model=IvoDocument,
    responses={200: {"content": {"application/json": {}, "text/html": {}}}},
)
async def ivo_notification(
    deviation_id: uuid.UUID,
    ctx: CtxDep,
    format_: Annotated[Literal["json", "html"] | None, Query(alias="format")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    doc = await ivo_document.document(ctx, deviation_id)
    wants_html = format_ == "html" or (format_ is None and "text/html" in (accept or ""))
    if wants_html:
        return HTMLResponse(ivo_html.render(doc))
    return IvoDocument.model_validate(doc)


@router.post("/{deviation_id}/ivo-notification/sent", summary="Record that the anmälan was sent to IVO")
async def ivo_sent(
    deviation_id: uuid.UUID, body: IvoSentBody, ctx: CtxDep, if_match: IfMatch
) -> IvoDecisionRead:
    n = await cmds.record_sent(
        ctx,
        cmds.RecordSent(
            deviation_id,
            body.sent_at,
            body.ivo_case_number,
            body.channel,
            body.investigation_attached,
            if_match,
        ),
    )
    return read(n)


@router.post(
    "/{deviation_id}/ivo-notification/investigation-sent",
    summary="Record that the completed investigation was sent to IVO",
)
async def ivo_investigation_sent(
    deviation_id: uuid.UUID, body: IvoInvestigationSentBody, ctx: CtxDep, if_match: IfMatch
) -> IvoDecisionRead:
    n = await cmds.record_investigation_sent(
        ctx, cmds.RecordInvestigationSent(deviation_id, body.sent_at, if_match)
    )
    return read(n)


@router.post(
    "/{deviation_id}/ivo-notification/namnd-informed",
    summary="Record that the nämnd was informed of the anmälan",
)
async def namnd_informed(
    deviation_id: uuid.UUID, body: NamndInformedBody, ctx: CtxDep, if_match: IfMatch
) -> IvoDecisionRead:
    n = await cmds.record_namnd_informed(
        ctx, cmds.RecordNamndInformed(deviation_id, body.informed_at, if_match)
    )
    return read(n)
