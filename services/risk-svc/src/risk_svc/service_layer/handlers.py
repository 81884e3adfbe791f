"""Risk commands: apply the domain rule, store, emit — one UnitOfWork, one commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from platform_shared.contracts.risk import RiskAssessed
from platform_shared.errors import FieldError, ValidationFailed
from platform_shared.ids import new_id
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.references import next_reference
from platform_shared.timeutil import local_date
from risk_svc.adapters.orm import Risk, reference_counter
from risk_svc.domain.model import RiskStatus, RuleViolation, assess

REFERENCE_PREFIX = "RISK"


@dataclass(frozen=True)
class AssessRisk:
    unit_id: uuid.UUID
    title: str
    probability: int
    consequence: int
    assessed_by: uuid.UUID
    description: str | None = None


def to_domain_error(err: RuleViolation) -> ValidationFailed:
    return ValidationFailed(err.message, errors=[FieldError(err.field, err.message)])


async def assess_risk(uow: UnitOfWork, cmd: AssessRisk) -> Risk:
    try:
        assessment = assess(cmd.probability, cmd.consequence)
    except RuleViolation as err:
        raise to_domain_error(err) from err
    now = uow.clock()
    reference = await next_reference(uow.session, reference_counter, REFERENCE_PREFIX, local_date(now).year)
    risk = Risk(
        id=new_id(),
        reference=reference,
        unit_id=cmd.unit_id,
        title=cmd.title,
        description=cmd.description,
        probability=assessment.probability,
        consequence=assessment.consequence,
        risk_value=assessment.risk_value,
        band=assessment.band.value,
        status=RiskStatus.ASSESSED.value,
        assessed_by=cmd.assessed_by,
        assessed_at=now,
    )
    uow.session.add(risk)
    uow.emit(
        RiskAssessed(
            risk_id=risk.id,
            unit_id=risk.unit_id,
            probability=risk.probability,
            consequence=risk.consequence,
            risk_value=risk.risk_value,
            assessed_by=risk.assessed_by,
            assessed_at=risk.assessed_at,
        )
    )
    await uow.commit()
    return risk
