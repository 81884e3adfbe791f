"""Delegations (delegationsordning): grant (Idempotency-Key) and revoke, each an event."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from org_svc.adapters.orm import Delegation, OrgUnit, Person
from org_svc.domain.access import check_delegation
from org_svc.domain.model import OrgConflict, check_end, check_unit_open, check_validity
from org_svc.service_layer.access import existing_unit, manage, managed_delegation
from org_svc.service_layer.context import CommandCtx, record
from platform_shared.context import Created
from platform_shared.contracts import org as ev
from platform_shared.errors import FieldError, ValidationFailed
from platform_shared.ids import new_id


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


async def grant_delegation(ctx: CommandCtx, cmd: GrantDelegation) -> Created[Delegation]:
    await existing_unit(ctx, cmd.unit_id, "unit_id")
    await manage(ctx, [cmd.unit_id])
    return await ctx.once(Delegation, lambda: _grant(ctx, cmd))


async def _grant(ctx: CommandCtx, cmd: GrantDelegation) -> Created[Delegation]:
    uow = ctx.uow
    valid_from = cmd.valid_from or uow.clock()
    owner, delegate = check_delegation(cmd.decision_type, cmd.from_role, cmd.to_person_id, cmd.to_role)
    check_validity(valid_from, cmd.valid_to)
    unit = await uow.session.get(OrgUnit, cmd.unit_id)
    if unit is None:
        raise ValidationFailed("Enheten finns inte", errors=[FieldError("unit_id", "finns inte")])
    person = await uow.session.get(Person, cmd.to_person_id) if cmd.to_person_id else None
    if cmd.to_person_id and person is None:
        raise ValidationFailed("Personen finns inte", errors=[FieldError("to_person_id", "finns inte")])
    check_unit_open(unit.valid_to)
    if person is not None and not person.active:
        raise OrgConflict("Personen är inaktiverad")
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
    await ctx.created(delegation.id)
    await ctx.commit()
    return Created(delegation)


async def revoke_delegation(ctx: CommandCtx, cmd: RevokeDelegation) -> Delegation:
    delegation = await managed_delegation(ctx, cmd.delegation_id)
    uow = ctx.uow
    now = uow.clock()
    revoked_at = cmd.revoked_at or max(now, delegation.valid_from)
    check_end(delegation.valid_from, delegation.valid_to, revoked_at, now)
    delegation.valid_to = revoked_at
    await record(uow, ev.DelegationRevoked(delegation_id=delegation.id, revoked_at=revoked_at))
    await ctx.commit()
    return delegation
