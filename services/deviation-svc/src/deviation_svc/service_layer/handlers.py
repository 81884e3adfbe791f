"""Deviation commands: load, apply the domain rule, change, emit — one UnitOfWork, one commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from deviation_svc.adapters.orm import Deviation, IvoNotification, reference_counter
from deviation_svc.domain.model import (
    DeviationType,
    IvoKind,
    RuleViolation,
    Status,
    check_ivo_decision,
)
from platform_shared.contracts.deviation import DeviationReported, LexMariaEscalated, LexSarahEscalated
from platform_shared.errors import FieldError, InvalidTransition, ValidationFailed
from platform_shared.ids import new_id
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.references import next_reference
from platform_shared.timeutil import local_date

REFERENCE_PREFIX = "AVV"


@dataclass(frozen=True)
class ReportDeviation:
    type: DeviationType
    unit_id: uuid.UUID
    occurred_at: datetime
    description: str
    reporter_id: uuid.UUID
    category: str | None = None
    source_system: str | None = None
    source_external_id: str | None = None


@dataclass(frozen=True)
class DecideIvo:
    deviation_id: uuid.UUID
    degree: str
    rationale: str
    decided_by: uuid.UUID


def to_domain_error(err: RuleViolation) -> InvalidTransition | ValidationFailed:
    if err.state:
        return InvalidTransition(err.message)
    return ValidationFailed(err.message, errors=[FieldError(err.field or "body", err.message)])


async def find_by_source(uow: UnitOfWork, system: str, external_id: str) -> Deviation | None:
    return await uow.session.scalar(
        select(Deviation).where(
            Deviation.source_system == system, Deviation.source_external_id == external_id
        )
    )


async def report(uow: UnitOfWork, cmd: ReportDeviation) -> tuple[Deviation, bool]:
    """(deviation, created). A case system's repeat (same source) returns the first deviation."""
    if cmd.source_system and cmd.source_external_id:
        existing = await find_by_source(uow, cmd.source_system, cmd.source_external_id)
        if existing is not None:
            return existing, False
    now = uow.clock()
    deviation = Deviation(
        id=new_id(),
        reference=await next_reference(
            uow.session, reference_counter, REFERENCE_PREFIX, local_date(now).year
        ),
        type=cmd.type.value,
        status=Status.REPORTED.value,
        unit_id=cmd.unit_id,
        occurred_at=cmd.occurred_at,
        reported_at=now,
        description=cmd.description,
        category=cmd.category,
        reporter_id=cmd.reporter_id,
        source_system=cmd.source_system,
        source_external_id=cmd.source_external_id,
    )
    uow.session.add(deviation)
    uow.emit(
        DeviationReported(
            deviation_id=deviation.id,
            reference=deviation.reference,
            deviation_type=deviation.type,
            unit_id=deviation.unit_id,
            category=deviation.category,
            occurred_at=deviation.occurred_at,
            reported_at=deviation.reported_at,
            reporter_id=deviation.reporter_id,
            source_system=deviation.source_system,
        )
    )
    try:
        await uow.commit()
    except IntegrityError:
        # A concurrent repeat of the same source won the race: answer with its deviation.
        await uow.session.rollback()
        if cmd.source_system and cmd.source_external_id:
            existing = await find_by_source(uow, cmd.source_system, cmd.source_external_id)
            if existing is not None:
                return existing, False
        raise
    return deviation, True


async def decide_ivo(uow: UnitOfWork, deviation: Deviation, cmd: DecideIvo) -> IvoNotification:
    try:
        kind = check_ivo_decision(DeviationType(deviation.type), Status(deviation.status), cmd.degree)
    except RuleViolation as err:
        raise to_domain_error(err) from err
    if await uow.session.scalar(
        select(IvoNotification.id).where(IvoNotification.deviation_id == deviation.id)
    ):
        raise InvalidTransition("An IVO anmälan has already been decided for this deviation")
    notification = IvoNotification(
        id=new_id(),
        deviation_id=deviation.id,
        kind=kind.value,
        degree=cmd.degree,
        rationale=cmd.rationale,
        decided_by=cmd.decided_by,
        decided_at=uow.clock(),
    )
    uow.session.add(notification)
    event_cls = LexSarahEscalated if kind is IvoKind.LEX_SARAH else LexMariaEscalated
    uow.emit(
        event_cls(
            deviation_id=deviation.id,
            reference=deviation.reference,
            unit_id=deviation.unit_id,
            degree=cmd.degree,
            decided_by=cmd.decided_by,
            decided_at=notification.decided_at,
        )
    )
    await uow.commit()
    return notification
