"""What every org command shares: recording an event (outbox + org-svc's own replica, one
transaction), domain rule errors as problems, one commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from org_svc.adapters.orm import replica
from org_svc.domain.model import OrgConflict, OrgRuleViolation
from platform_shared.contracts.base import EventPayload
from platform_shared.errors import Conflict, FieldError, PreconditionFailed, ValidationFailed, check_version
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.orgreplica.projector import ReplicaProjector

_replica = ReplicaProjector(replica)

__all__ = ["check_version", "commit", "directory", "record", "rules"]


async def record(uow: UnitOfWork, event: EventPayload) -> None:
    """Emit an org event and apply it to org-svc's own replica in the same transaction."""
    uow.emit(event)
    await _replica.apply(uow.session, event)


def directory(uow: UnitOfWork) -> OrgDirectory:
    """The replica as this transaction sees it (its own changes included)."""
    return OrgDirectory(uow.session, replica)


@contextmanager
def rules() -> Iterator[None]:
    """Domain rule violations as problems: bad input 422, wrong state 409."""
    try:
        yield
    except OrgRuleViolation as err:
        raise ValidationFailed(err.message, errors=[FieldError(err.field, err.message)]) from err
    except OrgConflict as err:
        raise Conflict(err.message) from err


async def commit(uow: UnitOfWork) -> None:
    """One commit; a row changed by someone else meanwhile is a stale version (412)."""
    try:
        await uow.commit()
    except StaleDataError as err:
        raise PreconditionFailed("The object was changed meanwhile; read it again") from err
