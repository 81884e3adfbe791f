"""Delegations (delegationsordning): grant and revoke, each an event."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from org_svc.adapters.orm import Delegation, OrgUnit, Person
from org_svc.domain.access import check_delegation
from org_svc.domain.model import OrgConflict, check_end, check_unit_open, check_validity
from org_svc.service_layer.common import check_version, commit, record, rules
from platform_shared.contracts import org as ev
from platform_shared.errors import FieldError, NotFound, ValidationFailed
from platform_shared.ids import new_id
from platform_shared.messaging.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class GrantDelegation:
    decision_type: str
    from_role: str
    unit_id: uuid.UUID
    to_person_id: uuid.UUID | None = None
    to_role: str | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    reference: str | None = None


@dataclass(frozen=True)
class RevokeDelegation:
    delegation_id: uuid.UUID
    revoked_at: datetime | None = None
    expected_version: int | None = None


async def grant_delegation(uow: UnitOfWork, cmd: GrantDelegation) -> Delegation:
    valid_from = cmd.valid_from or uow.clock()
    with rules():
        owner, delegate = check_delegation(cmd.decision_type, cmd.from_role, cmd.to_person_id, cmd.to_role)
        check_validity(valid_from, cmd.valid_to)
    unit = await uow.session.get(OrgUnit, cmd.unit_id)
    if unit is None:
        raise ValidationFailed("Unit not found", errors=[FieldError("unit_id", "not found")])
    person = await uow.session.get(Person, cmd.to_person_id) if cmd.to_person_id else None
    if cmd.to_person_id and person is None:
        raise ValidationFailed("Person not found", errors=[FieldError("to_person_id", "not found")])
    with rules():
        check_unit_open(unit.valid_to)
        if person is not None and not person.active:
            raise OrgConflict("The person is deactivated")
    delegation = Delegation(
        id=new_id(),
        decision_type=cmd.decision_type,
        from_role=owner.value,
        unit_id=unit.id,
        to_person_id=cmd.to_person_id,
        to_role=delegate.value if delegate else None,
        valid_from=valid_from,
        valid_to=cmd.valid_to,
        reference=cmd.reference,
    )
    uow.session.add(delegation)
    await record(
        uow,
        ev.DelegationGranted(
            delegation_id=delegation.id,
            decision_type=delegation.decision_type,
            from_role=delegation.from_role,
            unit_id=delegation.unit_id,
            to_person_id=delegation.to_person_id,
            to_role=delegation.to_role,
            valid_from=delegation.valid_from,
            valid_to=delegation.valid_to,
            reference=delegation.reference,
        ),
    )
    await commit(uow)
    return delegation


async def revoke_delegation(uow: UnitOfWork, cmd: RevokeDelegation) -> Delegation:
    delegation = await uow.session.get(Delegation, cmd.delegation_id)
    if delegation is None:
        raise NotFound("Delegation not found")
    check_version(cmd.expected_version, delegation.version)
    now = uow.clock()
    revoked_at = cmd.revoked_at or max(now, delegation.valid_from)
    with rules():
        check_end(delegation.valid_from, delegation.valid_to, revoked_at, now)
    delegation.valid_to = revoked_at
    await record(uow, ev.DelegationRevoked(delegation_id=delegation.id, revoked_at=revoked_at))
    await commit(uow)
    return delegation
