"""Klagomål och synpunkter: register, acknowledge, investigate, respond, escalate to a deviation, close."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from deviation_svc.adapters.orm import Complaint, SubjectRef, reference_counter
from deviation_svc.domain.categories import check_category
from deviation_svc.domain.complaints import (
    WHO,
    Channel,
    ComplainantType,
    ComplaintFacts,
    ComplaintKind,
    ComplaintStatus,
    ComplaintStep,
    check_escalation_type,
    deadline_rules,
    next_status,
)
from deviation_svc.domain.lifecycle import check_report_times
from deviation_svc.domain.model import DeviationType
from deviation_svc.service_layer import deadlines, deviations, subjects
from deviation_svc.service_layer.context import Ctx, check_patch, checked, load_case
from deviation_svc.service_layer.idempotency import Answer, IdempotencyKey
from platform_shared.access import Action
from platform_shared.contracts.deviation import (
    ComplaintAcknowledged,
    ComplaintClosed,
    ComplaintEscalated,
    ComplaintInvestigationStarted,
    ComplaintReceived,
    ComplaintResponded,
)
from platform_shared.errors import FieldError, ValidationFailed
from platform_shared.ids import new_id
from platform_shared.references import next_reference
from platform_shared.timeutil import local_date

REFERENCE_PREFIX = "KLA"
OBJECT_TYPE = "complaint"


def facts_of(c: Complaint) -> dict[str, Any]:
    return {
        "complaint_id": c.id,
        "reference": c.reference,
        "unit_id": c.unit_id,
        "kind": c.kind,
        "category": c.category,
        "status": c.status,
    }


def _subject(c: Complaint) -> deadlines.Subject:
    return deadlines.Subject(OBJECT_TYPE, c.id, c.unit_id, c.reference)


def _anonymous(c: Complaint) -> bool:
    return c.complainant_type == ComplainantType.ANONYM


@dataclass(frozen=True)
class RegisterComplaint:
    kind: ComplaintKind
    channel: Channel
    complainant_type: ComplainantType
    unit_id: uuid.UUID
    text: str
    received_at: datetime | None = None
    category: str | None = None
    subject: subjects.SubjectInput | None = None


async def register(ctx: Ctx, cmd: RegisterComplaint, idem: IdempotencyKey | None = None) -> Complaint:
    now = ctx.now()
    received_at = cmd.received_at or now
    checked(check_report_times, received_at, None, now)
    checked(check_category, cmd.category, ctx.parts.settings.categories)
    c = Complaint(
        id=new_id(),
        reference=await next_reference(
            ctx.uow.session, reference_counter, REFERENCE_PREFIX, local_date(now).year
        ),
        kind=cmd.kind.value,
        channel=cmd.channel.value,
        complainant_type=cmd.complainant_type.value,
        unit_id=cmd.unit_id,
        text=cmd.text,
        category=cmd.category,
        status=ComplaintStatus.MOTTAGEN.value,
        received_at=received_at,
        registered_by=ctx.caller.id,
        registered_at=now,
        updated_at=now,
    )
    ctx.uow.session.add(c)
    if cmd.subject is not None:
        subjects.add(ctx, OBJECT_TYPE, c.id, cmd.subject)
    due = await deadlines.open_rules(ctx, _subject(c), deadline_rules(_anonymous(c)), start=received_at)
    c.response_due_at = due.get("complaint_response")
    ctx.uow.emit(
        ComplaintReceived(
            **facts_of(c),
            channel=c.channel,
            complainant_type=c.complainant_type,
            received_at=received_at,
            response_due_at=c.response_due_at,
            registered_by=ctx.caller.id,
        )
    )
    if idem is not None:
        idem.remember(ctx.uow, Answer(201, c.id))
    await ctx.audit(OBJECT_TYPE, c.id, "create")
    await ctx.uow.commit()
    return c


async def _step(ctx: Ctx, complaint_id: uuid.UUID, step: ComplaintStep, if_match: int | None) -> Complaint:
    c = await load_case(ctx, Complaint, complaint_id, WHO[step], if_match)
    facts = ComplaintFacts(
        status=ComplaintStatus(c.status),
        anonymous=_anonymous(c),
        acknowledged=c.acknowledged_at is not None,
        responded=c.responded_at is not None,
    )
    c.status = checked(next_status, step, facts).value
    c.updated_at = ctx.now()
    return c


async def _commit(ctx: Ctx, c: Complaint, action: str) -> Complaint:
    await ctx.audit(OBJECT_TYPE, c.id, action)
    await ctx.uow.commit()
    return c


async def acknowledge(ctx: Ctx, complaint_id: uuid.UUID, if_match: int | None = None) -> Complaint:
    c = await _step(ctx, complaint_id, ComplaintStep.ACKNOWLEDGE, if_match)
    c.acknowledged_at = ctx.now()
    await ctx.parts.deadlines.meet(ctx.uow, c.id, "complaint_acknowledge")
    ctx.uow.emit(ComplaintAcknowledged(**facts_of(c), acknowledged_at=c.acknowledged_at))
    return await _commit(ctx, c, "acknowledge")


async def start_investigation(ctx: Ctx, complaint_id: uuid.UUID, if_match: int | None = None) -> Complaint:
    c = await _step(ctx, complaint_id, ComplaintStep.START_INVESTIGATION, if_match)
    c.investigation_started_at = ctx.now()
    ctx.uow.emit(ComplaintInvestigationStarted(**facts_of(c), started_at=c.investigation_started_at))
    return await _commit(ctx, c, "start_investigation")


@dataclass(frozen=True)
class Respond:
    complaint_id: uuid.UUID
    response: str
    if_match: int | None = None


async def respond(ctx: Ctx, cmd: Respond) -> Complaint:
    c = await _step(ctx, cmd.complaint_id, ComplaintStep.RESPOND, cmd.if_match)
    if not cmd.response.strip():
        raise ValidationFailed("A reply has content", errors=[FieldError("response", "empty")])
    c.response, c.responded_at = cmd.response, ctx.now()
    await ctx.parts.deadlines.meet(ctx.uow, c.id, "complaint_response")
    ctx.uow.emit(ComplaintResponded(**facts_of(c), responded_at=c.responded_at))
    return await _commit(ctx, c, "respond")


@dataclass(frozen=True)
class Escalate:
    complaint_id: uuid.UUID
    type: DeviationType
    description: str
    occurred_at: datetime | None = None
    category: str | None = None
    if_match: int | None = None


async def escalate(ctx: Ctx, cmd: Escalate) -> tuple[Complaint, uuid.UUID]:
    """A missförhållande or vårdskada came to light: a linked lex_sarah or hsl deviation is reported
    (docs/domain.md 2.5); the complaint stays open for its reply."""
    checked(check_escalation_type, cmd.type)
    c = await _step(ctx, cmd.complaint_id, ComplaintStep.ESCALATE, cmd.if_match)
    await ctx.caller.require(Action.CASE_CREATE, c.unit_id)
    d = await deviations.create_deviation(
        ctx,
        deviations.ReportDeviation(
            type=cmd.type,
            unit_id=c.unit_id,
            occurred_at=cmd.occurred_at or c.received_at,
            description=cmd.description,
            category=cmd.category or c.category,
            complaint_id=c.id,
        ),
    )
    for ref in (await ctx.uow.session.scalars(select(SubjectRef).where(SubjectRef.owner_id == c.id))).all():
        ctx.uow.session.add(
            SubjectRef(
                id=new_id(),
                owner_type=deviations.OBJECT_TYPE,
                owner_id=d.id,
                name_enc=ref.name_enc,
                personnummer_enc=ref.personnummer_enc,
                personnummer_index=ref.personnummer_index,
                protected_identity=ref.protected_identity,
                created_at=ctx.now(),
                created_by=ctx.caller.id,
            )
        )
    c.escalated_deviation_id, c.escalated_at = d.id, ctx.now()
    ctx.uow.emit(ComplaintEscalated(**facts_of(c), deviation_id=d.id, escalated_at=c.escalated_at))
    await _commit(ctx, c, "escalate")
    return c, d.id


async def close(ctx: Ctx, complaint_id: uuid.UUID, if_match: int | None = None) -> Complaint:
    c = await _step(ctx, complaint_id, ComplaintStep.CLOSE, if_match)
    c.closed_at = ctx.now()
    await ctx.parts.deadlines.cancel(ctx.uow, c.id)
    ctx.uow.emit(ComplaintClosed(**facts_of(c), closed_at=c.closed_at))
    return await _commit(ctx, c, "close")


REQUIRED = frozenset({"text", "kind", "channel"})
EDITABLE = frozenset({"text", "category", "channel", "kind"})


@dataclass(frozen=True)
class EditComplaint:
    complaint_id: uuid.UUID
    changes: dict[str, Any] = field(default_factory=dict)
    if_match: int | None = None


async def edit(ctx: Ctx, cmd: EditComplaint) -> Complaint:
    c = await _step(ctx, cmd.complaint_id, ComplaintStep.EDIT, cmd.if_match)
    check_patch(cmd.changes, EDITABLE, REQUIRED)
    if "category" in cmd.changes:
        checked(check_category, cmd.changes["category"], ctx.parts.settings.categories)
    for name, value in cmd.changes.items():
        setattr(c, name, getattr(value, "value", value))
    return await _commit(ctx, c, "update")


async def read(ctx: Ctx, complaint_id: uuid.UUID) -> Complaint:
    c = await load_case(ctx, Complaint, complaint_id, None, lock=False)
    return await _commit(ctx, c, "read")
