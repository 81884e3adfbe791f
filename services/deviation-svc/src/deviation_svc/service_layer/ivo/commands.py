"""The IVO anmälan (Lex Sarah / Lex Maria): deciding it, recording that it was sent, that the
investigation followed and that the nämnd was informed."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from deviation_svc.adapters import ivo_pdf
from deviation_svc.adapters.attachments import storage_key
from deviation_svc.adapters.orm import Attachment, Deviation, IvoNotification
from deviation_svc.domain import deadlines as deadline_rules
from deviation_svc.domain.ivo import (
    IvoChannel,
    IvoState,
    check_investigation_sent,
    check_namnd_informed,
    check_sent,
)
from deviation_svc.domain.ivo_document import check_provider_facts, compose
from deviation_svc.domain.lifecycle import Step
from deviation_svc.domain.model import DeviationType, IvoKind, Status, check_ivo_decision, ivo_kind
from deviation_svc.service_layer import deadlines
from deviation_svc.service_layer.access import load_for_step
from deviation_svc.service_layer.context import CommandCtx, Ctx, touch
from deviation_svc.service_layer.events import deviation_facts
from deviation_svc.service_layer.ivo import queries
from platform_shared.context import Created
from platform_shared.contracts.deviation import (
    IvoInvestigationSent,
    IvoNotificationSent,
    LexMariaEscalated,
    LexSarahEscalated,
    NamndInformed,
)
from platform_shared.errors import InvalidTransition
from platform_shared.ids import new_id

OBJECT_TYPE = "deviation"


async def notification_of(ctx: Ctx, deviation_id: uuid.UUID) -> IvoNotification | None:
    return await ctx.session.scalar(
        select(IvoNotification).where(IvoNotification.deviation_id == deviation_id)
    )


def _subject(d: Deviation) -> deadlines.Subject:
    return deadlines.Subject(OBJECT_TYPE, d.id, d.unit_id, d.reference)


async def escalate(ctx: CommandCtx, d: Deviation, degree: str, rationale: str) -> IvoNotification:
    """Create the IVO anmälan record, start its deadlines, emit LexSarahEscalated/LexMariaEscalated
    (reporting turns it into the nämnd task and notifications)."""
    kind = ivo_kind(DeviationType(d.type))
    notification = IvoNotification(
        id=new_id(),
        deviation_id=d.id,
        kind=kind.value,
        degree=degree,
        rationale=rationale,
        decided_by=ctx.caller.id,
        decided_at=ctx.now(),
        investigation_attached=False,
    )
    ctx.session.add(notification)
    await deadlines.apply(ctx, _subject(d), deadline_rules.on_step(Step.IVO_DECISION, kind))
    event_cls = LexSarahEscalated if kind is IvoKind.LEX_SARAH else LexMariaEscalated
    ctx.emit(
        event_cls(
            **deviation_facts(d),
            degree=degree,
            decided_by=ctx.caller.id,
            decided_at=notification.decided_at,
            ivo_notification_id=notification.id,
        )
    )
    return notification


@dataclass(frozen=True)
class DecideIvo:
    deviation_id: uuid.UUID
    degree: str
    rationale: str


async def decide_ivo(ctx: CommandCtx, cmd: DecideIvo) -> Created[IvoNotification]:
    d = await load_for_step(ctx, cmd.deviation_id, Step.IVO_DECISION)
    return await ctx.once(IvoNotification, lambda: _decide_ivo(ctx, cmd, d))


async def _decide_ivo(ctx: CommandCtx, cmd: DecideIvo, d: Deviation) -> Created[IvoNotification]:
    check_ivo_decision(DeviationType(d.type), Status(d.status), cmd.degree)
    if await notification_of(ctx, d.id) is not None:
        raise InvalidTransition("En anmälan till IVO är redan beslutad för avvikelsen")
    notification = await escalate(ctx, d, cmd.degree, cmd.rationale)
    touch(d, ctx)
    await ctx.audit(OBJECT_TYPE, d.id, "ivo_decision")
    await ctx.created(notification.id)
    await ctx.commit()
    return Created(notification)


def _state(d: Deviation, n: IvoNotification | None) -> IvoState:
    return IvoState(
        decided=n is not None,
        decided_at=n.decided_at if n else None,
        sent_at=n.sent_at if n else None,
        investigation_sent_at=n.investigation_sent_at if n else None,
        namnd_informed_at=n.namnd_informed_at if n else None,
        investigation_completed=d.investigation_completed_at is not None,
        investigation_completed_at=d.investigation_completed_at,
    )


async def _load(
    ctx: CommandCtx, deviation_id: uuid.UUID, step: Step = Step.IVO_RECORD
) -> tuple[Deviation, IvoNotification | None]:
    d = await load_for_step(ctx, deviation_id, step)
    return d, await notification_of(ctx, d.id)


@dataclass(frozen=True)
class RecordSent:
    deviation_id: uuid.UUID
    sent_at: datetime
    ivo_case_number: str
    channel: IvoChannel = IvoChannel.E_TJANST
    investigation_attached: bool = False


def render_pdf(doc: dict[str, Any], author: str, created: datetime) -> bytes:
    return ivo_pdf.to_pdf(compose(doc), doc["reference"], author, created)


async def _archive(ctx: CommandCtx, d: Deviation, n: IvoNotification) -> Attachment:
    """The anmälan as it was sent, kept as a PDF among the case's attachments."""
    doc = await queries.facts(ctx, d, n)
    data = render_pdf(doc, ctx.parts.settings.provider_name, ctx.now())
    attachment_id = new_id()
    a = Attachment(
        id=attachment_id,
        deviation_id=d.id,
        filename=f"ivo-anmalan-{d.reference}.pdf",
        content_type=ivo_pdf.PDF_MEDIA_TYPE,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=storage_key(str(attachment_id)),
        uploaded_by=ctx.caller.id,
        uploaded_at=ctx.now(),
    )
    ctx.session.add(a)
    await ctx.parts.attachments.put(a.storage_key, data)
    return a


async def record_sent(ctx: CommandCtx, cmd: RecordSent) -> IvoNotification:
    d, n = await _load(ctx, cmd.deviation_id)
    check_sent(_state(d, n), cmd.sent_at, cmd.investigation_attached, ctx.now())
    check_provider_facts(queries.provider(ctx.parts.settings))
    assert n is not None
    n.sent_at, n.sent_recorded_by, n.channel = cmd.sent_at, ctx.caller.id, cmd.channel.value
    n.ivo_case_number, n.investigation_attached = cmd.ivo_case_number, cmd.investigation_attached
    if cmd.investigation_attached:
        n.investigation_sent_at = cmd.sent_at
    archived = await _archive(ctx, d, n)
    n.document_attachment_id = archived.id
    kind = IvoKind(n.kind)
    change = deadline_rules.on_ivo_sent(kind, cmd.investigation_attached, n.namnd_informed_at is not None)
    # The nämnd's clock runs from the day the anmälan was sent, not from when that was recorded.
    await deadlines.apply(ctx, _subject(d), change, start=cmd.sent_at)
    touch(d, ctx)
    ctx.emit(
        IvoNotificationSent(
            **deviation_facts(d),
            ivo_notification_id=n.id,
            kind=n.kind,
            sent_at=cmd.sent_at,
            recorded_by=ctx.caller.id,
            investigation_attached=cmd.investigation_attached,
        )
    )
    if cmd.investigation_attached:
        ctx.emit(IvoInvestigationSent(**deviation_facts(d), ivo_notification_id=n.id, sent_at=cmd.sent_at))
    await ctx.audit(OBJECT_TYPE, d.id, "ivo_sent")
    try:
        await ctx.commit()
    except BaseException:
        await ctx.parts.attachments.delete(archived.storage_key)  # nothing kept when the row is not
        raise
    return n


@dataclass(frozen=True)
class RecordInvestigationSent:
    deviation_id: uuid.UUID
    sent_at: datetime


async def record_investigation_sent(ctx: CommandCtx, cmd: RecordInvestigationSent) -> IvoNotification:
    d, n = await _load(ctx, cmd.deviation_id)
    check_investigation_sent(_state(d, n), cmd.sent_at, ctx.now())
    assert n is not None
    n.investigation_sent_at = cmd.sent_at
    await deadlines.apply(ctx, _subject(d), deadline_rules.ON_IVO_INVESTIGATION_SENT)
    touch(d, ctx)
    ctx.emit(IvoInvestigationSent(**deviation_facts(d), ivo_notification_id=n.id, sent_at=cmd.sent_at))
    await ctx.audit(OBJECT_TYPE, d.id, "ivo_investigation_sent")
    await ctx.commit()
    return n


@dataclass(frozen=True)
class RecordNamndInformed:
    deviation_id: uuid.UUID
    informed_at: datetime


async def record_namnd_informed(ctx: CommandCtx, cmd: RecordNamndInformed) -> IvoNotification:
    d, n = await _load(ctx, cmd.deviation_id, Step.NAMND_INFORMED)
    check_namnd_informed(_state(d, n), cmd.informed_at, ctx.now())
    assert n is not None
    n.namnd_informed_at = cmd.informed_at
    await deadlines.apply(ctx, _subject(d), deadline_rules.ON_NAMND_INFORMED)
    touch(d, ctx)
    ctx.emit(
        NamndInformed(
            **deviation_facts(d),
            ivo_notification_id=n.id,
            informed_at=cmd.informed_at,
            recorded_by=ctx.caller.id,
        )
    )
    await ctx.audit(OBJECT_TYPE, d.id, "namnd_informed")
    await ctx.commit()
    return n
