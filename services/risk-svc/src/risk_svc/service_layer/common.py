"""What every risk-svc command shares: domain refusals as problems, If-Match, one commit."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from platform_shared.errors import FieldError, InvalidTransition, PreconditionFailed, ValidationFailed
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.references import next_reference
from platform_shared.timeutil import local_date
from risk_svc.adapters.orm import reference_counter, replica
from risk_svc.domain.errors import RuleViolation, StateViolation


@contextmanager
def rules() -> Iterator[None]:
    """Domain refusals become problems: bad input 422 (naming the field), wrong state 409."""
    try:
        yield
    except RuleViolation as err:
        raise ValidationFailed(err.message, errors=[FieldError(err.field, err.message)]) from err
    except StateViolation as err:
        raise InvalidTransition(err.message) from err


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[FieldError(field, message)])


async def commit(uow: UnitOfWork) -> None:
    """Flush, then commit the changes and their events together; a concurrent writer makes it 412."""
    try:
        await uow.session.flush()
    except StaleDataError as err:
        raise PreconditionFailed("The object was changed by someone else; read it again") from err
    await uow.commit()


def directory(session: AsyncSession) -> OrgDirectory:
    return OrgDirectory(session, replica)


def today(uow: UnitOfWork) -> date:
    return local_date(uow.clock())


async def reference(uow: UnitOfWork, prefix: str) -> str:
    return await next_reference(uow.session, reference_counter, prefix, today(uow).year)


async def unknown_people(session: AsyncSession, people: list[uuid.UUID]) -> list[uuid.UUID]:
    if not people:
        return []
    t = replica.person
    found = set((await session.scalars(select(t.c.id).where(t.c.id.in_(people)))).all())
    return [p for p in people if p not in found]


async def require_people(session: AsyncSession, field: str, people: list[uuid.UUID | None]) -> None:
    missing = await unknown_people(session, [p for p in people if p is not None])
    if missing:
        raise invalid(field, "no such person in the organisation")


async def unit_level(session: AsyncSession, unit_id: uuid.UUID) -> str | None:
    t = replica.unit
    level: str | None = await session.scalar(select(t.c.level).where(t.c.id == unit_id))
    return level


async def within(session: AsyncSession, unit_id: uuid.UUID, root_id: uuid.UUID) -> bool:
    """`unit_id` is `root_id` or below it."""
    return root_id in await directory(session).ancestors_and_self(unit_id)
