"""Klagomål och synpunkter: register, acknowledge, investigate, respond, escalate to a deviation, close."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from deviation_svc.adapters.orm import Complaint, ComplaintGuarantee, SubjectRef, reference_counter
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
    guarantee_list,
    next_status,
)
from deviation_svc.domain.lifecycle import check_report_times
from deviation_svc.domain.model import DeviationType
from deviation_svc.domain.proposals import check_complaint_kind, check_complaint_not_moved
from deviation_svc.service_layer import deadlines, subjects
from deviation_svc.service_layer.access import load_case
from deviation_svc.service_layer.context import CommandCtx, check_patch, require_unit
from deviation_svc.service_layer.deviations import commands as deviations
from deviation_svc.service_layer.proposals import commands as proposals
from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts.deviation import (
    ComplaintAcknowledged,
    ComplaintClosed,
    ComplaintEscalated,
    ComplaintInvestigationStarted,
    ComplaintReceived,
    ComplaintResponded,
)
from platform_shared.errors import invalid
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
    guarantee_ids: tuple[uuid.UUID, ...] = ()  # värdighetsgarantier (risk-svc) it names as not kept


async def register(ctx: CommandCtx, cmd: RegisterComplaint) -> Created[Complaint]:
    await require_unit(ctx, cmd.unit_id)
    await ctx.caller.require(Action.CASE_CREATE, cmd.unit_id)
    return await ctx.once(Complaint, lambda: _register(ctx, cmd))


async def _register(ctx: CommandCtx, cmd: RegisterComplaint) -> Created[Complaint]:
    now = ctx.now()
    received_at = cmd.received_at or now
    check_report_times(received_at, None, now)
    check_category(cmd.category, ctx.parts.settings.categories)
    c = Complaint(
        id=new_id(),
        reference=await next_reference(
            ctx.session, reference_counter, REFERENCE_PREFIX, local_date(now).year
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
    ctx.session.add(c)
    if cmd.subject is not None:
        subjects.add(ctx, OBJECT_TYPE, c.id, cmd.subject)
    if c.kind == ComplaintKind.FORBATTRINGSFORSLAG:  # a proposal now, kept working for this contract
        return await proposals.submit_from_complaint(ctx, c)
    due = await deadlines.open_rules(ctx, _subject(c), _rules(c), start=received_at)
    c.response_due_at = due.get("complaint_response")
    named = guarantee_list(cmd.guarantee_ids)
    for guarantee_id in named:
        ctx.session.add(ComplaintGuarantee(complaint_id=c.id, guarantee_id=guarantee_id))
    ctx.emit(
        ComplaintReceived(
            **facts_of(c),
            channel=c.channel,
            complainant_type=c.complainant_type,
            received_at=received_at,
            response_due_at=c.response_due_at,
            registered_by=ctx.caller.id,
            guarantee_ids=named,
        )
    )
    await ctx.created(c.id)
    await ctx.audit(OBJECT_TYPE, c.id, "create")
    await ctx.commit()
    return Created(c)


async def _step(ctx: CommandCtx, complaint_id: uuid.UUID, step: ComplaintStep) -> Complaint:
    c = await load_case(ctx, Complaint, complaint_id, WHO[step], if_match=ctx.if_match)
    check_complaint_not_moved(c.moved_to_proposal_id)
    facts = ComplaintFacts(
        status=ComplaintStatus(c.status),
        anonymous=_anonymous(c),
        acknowledged=c.acknowledged_at is not None,
        responded=c.responded_at is not None,
    )
    c.status = next_status(step, facts).value
    c.updated_at = ctx.now()
    return c


async def _commit(ctx: CommandCtx, c: Complaint, action: str) -> Complaint:
    await ctx.audit(OBJECT_TYPE, c.id, action)
    await ctx.commit()
    return c


@dataclass(frozen=True)
class Acknowledge:
    complaint_id: uuid.UUID


async def acknowledge(ctx: CommandCtx, cmd: Acknowledge) -> Complaint:
    c = await _step(ctx, cmd.complaint_id, ComplaintStep.ACKNOWLEDGE)
    c.acknowledged_at = ctx.now()
    await ctx.parts.deadlines.meet(ctx.uow, c.id, "complaint_acknowledge")
    ctx.emit(ComplaintAcknowledged(**facts_of(c), acknowledged_at=c.acknowledged_at))
    return await _commit(ctx, c, "acknowledge")


@dataclass(frozen=True)
class StartInvestigation:
    complaint_id: uuid.UUID


async def start_investigation(ctx: CommandCtx, cmd: StartInvestigation) -> Complaint:
    c = await _step(ctx, cmd.complaint_id, ComplaintStep.START_INVESTIGATION)
    c.investigation_started_at = ctx.now()
    ctx.emit(ComplaintInvestigationStarted(**facts_of(c), started_at=c.investigation_started_at))
    return await _commit(ctx, c, "start_investigation")


@dataclass(frozen=True)
class Respond:
    complaint_id: uuid.UUID
    response: str


async def respond(ctx: CommandCtx, cmd: Respond) -> Complaint:
    c = await _step(ctx, cmd.complaint_id, ComplaintStep.RESPOND)
    if not cmd.response.strip():
        raise invalid("response", "tomt", "Svaret saknar innehåll")
    c.response, c.responded_at = cmd.response, ctx.now()
    await ctx.parts.deadlines.meet(ctx.uow, c.id, "complaint_response")
    ctx.emit(ComplaintResponded(**facts_of(c), responded_at=c.responded_at))
    return await _commit(ctx, c, "respond")


@dataclass(frozen=True)
class Escalate:
    complaint_id: uuid.UUID
    type: DeviationType
    description: str
    occurred_at: datetime | None = None
    category: str | None = None


async def escalate(ctx: CommandCtx, cmd: Escalate) -> tuple[Complaint, uuid.UUID]:
    """A missförhållande or vårdskada came to light: a linked lex_sarah or hsl deviation is reported
    (docs/domain.md 2.5); the complaint stays open for its reply."""
    check_escalation_type(cmd.type)
    c = await _step(ctx, cmd.complaint_id, ComplaintStep.ESCALATE)
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
    for ref in (await ctx.session.scalars(select(SubjectRef).where(SubjectRef.owner_id == c.id))).all():
        ctx.session.add(
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
    ctx.emit(ComplaintEscalated(**facts_of(c), deviation_id=d.id, escalated_at=c.escalated_at))
    await _commit(ctx, c, "escalate")
    return c, d.id


@dataclass(frozen=True)
class Close:
    complaint_id: uuid.UUID


async def close(ctx: CommandCtx, cmd: Close) -> Complaint:
    c = await _step(ctx, cmd.complaint_id, ComplaintStep.CLOSE)
    c.closed_at = ctx.now()
    await ctx.parts.deadlines.cancel(ctx.uow, c.id)
    ctx.emit(ComplaintClosed(**facts_of(c), closed_at=c.closed_at))
    return await _commit(ctx, c, "close")


REQUIRED = frozenset({"text", "kind", "channel"})
EDITABLE = frozenset({"text", "category", "channel", "kind"})


@dataclass(frozen=True)
class EditComplaint:
    complaint_id: uuid.UUID
    changes: dict[str, Any] = field(default_factory=dict)


async def edit(ctx: CommandCtx, cmd: EditComplaint) -> Complaint:
    c = await _step(ctx, cmd.complaint_id, ComplaintStep.EDIT)
    check_patch(cmd.changes, EDITABLE, REQUIRED)
    check_complaint_kind(cmd.changes.get("kind"))
    if "category" in cmd.changes:
        check_category(cmd.changes["category"], ctx.parts.settings.categories)
    before = _rules(c)
    for name, value in cmd.changes.items():
        setattr(c, name, getattr(value, "value", value))
    if _rules(c) != before and c.acknowledged_at is None and c.responded_at is None:
        # Beröm has no clock; a beröm that turns out to be a klagomål gets one from its receipt.
        await ctx.parts.deadlines.cancel(ctx.uow, c.id)
        due = await deadlines.open_rules(ctx, _subject(c), _rules(c), start=c.received_at)
        c.response_due_at = due.get("complaint_response")
    return await _commit(ctx, c, "update")


def _rules(c: Complaint) -> tuple[str, ...]:
    return deadline_rules(_anonymous(c), ComplaintKind(c.kind))
