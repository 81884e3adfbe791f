"""The context of a request or a message: the correlation id (carried into events and logs; the trace
context is OpenTelemetry's, platform_shared/tracing.py), and the request pipeline's contexts handed to
handlers (Caller, QueryContext, CommandContext; docs/ENGINEERING.md "The request pipeline")."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from platform_shared.access import Action, Authorizer, Principal, Target, Visibility, principal_for
from platform_shared.errors import NotFound, PreconditionFailed, check_version
from platform_shared.idempotency import FirstAnswer, Idempotency

if TYPE_CHECKING:  # imported only for types: the messaging package imports this module
    from sqlalchemy.ext.asyncio import AsyncSession

    from platform_shared.audit import Auditor
    from platform_shared.contracts.base import EventPayload
    from platform_shared.messaging.unit_of_work import UnitOfWork
    from platform_shared.orgreplica.directory import OrgDirectory

correlation_id_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)


# --- the request pipeline's service-layer half -------------------------------------------------------
# A route gets one of these through one dependency (platform_shared.api.context) and hands it, with a
# command or a query, to a handler. Plain Python: no web framework here.


@dataclass(frozen=True)
class Caller:
    """Who is asking, and how to decide what they may do: the principal (roles from the replica), the
    authorizer over the permission matrix, and the org directory it reads the unit tree from."""

    principal: Principal
    authz: Authorizer
    directory: OrgDirectory

    @property
    def id(self) -> uuid.UUID:
        return self.principal.person_id

    async def can(self, action: Action, target: Target | uuid.UUID) -> bool:
        return await self.authz.can(self.principal, action, target)

    async def require(self, action: Action, target: Target | uuid.UUID) -> None:
        """403 unless the matrix allows the action on the target."""
        await self.authz.require(self.principal, action, target)

    async def can_any(self, actions: tuple[Action, ...], target: Target) -> bool:
        return any([await self.can(action, target) for action in actions])

    async def require_any(self, actions: tuple[Action, ...], target: Target) -> None:
        if not await self.can_any(actions[:-1], target):
            await self.require(actions[-1], target)

    async def visibility(self, action: Action) -> Visibility:
        """What a list may show the caller (each service turns it into its SQL filter)."""
        return await self.authz.visibility(self.principal, action)

    async def other(self, person_id: uuid.UUID, at: datetime) -> Principal | None:
        """Another active person as the authorizer sees them at `at`, or None."""
        person = await self.directory.person(person_id)
        if person is None or not person.active:
            return None
        return await principal_for(self.directory, person.subject, at)


PartsT = TypeVar("PartsT")
T = TypeVar("T")


@dataclass(frozen=True)
class Created(Generic[T]):
    """What a creating command made, and the status to answer with: 201, or 200 when the object existed
    already (the same source), or the first answer's status when an Idempotency-Key is repeated."""

    value: T
    status: int = 201
    new: bool = False  # made by this very request (not found again, not a repeated key's answer)


class Versioned(Protocol):
    version: int


VersionedT = TypeVar("VersionedT", bound=Versioned)


@dataclass
class RequestContext(Generic[PartsT]):
    """What every handler gets: one transaction (the UnitOfWork), the caller, the clock, the audit log
    and the service's own components (`parts`: settings, cipher, stores …)."""

    uow: UnitOfWork
    caller: Caller
    parts: PartsT
    auditor: Auditor | None = None

    @property
    def session(self) -> AsyncSession:
        return self.uow.session

    def now(self) -> datetime:
        return self.uow.clock()

    async def audit(self, object_type: str, object_id: uuid.UUID, action: str) -> None:
        """An audit row and its AuditRecorded event, in this transaction (the handler commits)."""
        if self.auditor is None:
            raise RuntimeError("the service has no audit log (ServiceDefinition.audit_log)")
        await self.auditor.record(self.uow, self.caller.principal, object_type, object_id, action)

    async def load(
        self,
        model: type[VersionedT],
        object_id: uuid.UUID,
        *,
        not_found: str,
        visible: Callable[[VersionedT], Awaitable[bool]],
        permitted: Callable[[VersionedT], Awaitable[None]] | None = None,
        if_match: int | None = None,
        allowed: Callable[[VersionedT], object] | None = None,
        lock: bool = False,
    ) -> VersionedT:
        """Load and check, always in this order, nothing written on a refusal: not visible to the caller
        (or unknown) → 404 `not_found`; `permitted` refuses → 403; If-Match names another version → 412;
        `allowed` refuses in the object's state → 409. Visibility comes first, so that every operation
        on an object outside the caller's scope answers exactly as for an id that does not exist."""
        obj = await self.session.get(model, object_id, with_for_update=lock)
        if obj is None or not await visible(obj):
            raise NotFound(not_found)
        if permitted is not None:
            await permitted(obj)
        check_version(if_match, obj.version)
        if allowed is not None:
            allowed(obj)
        return obj


class QueryContext(RequestContext[PartsT]):
    """A read: the transaction only records the audit of what was read (`audited`) and emits nothing else."""

    async def audited(self, object_type: str, object_id: uuid.UUID, action: str) -> None:
        """The read is recorded and committed before anything is shown."""
        await self.audit(object_type, object_id, action)
        await self.uow.commit()


@dataclass
class CommandContext(RequestContext[PartsT]):
    """A change: load and check → domain rule → change → emit → audit → `commit()` once. `if_match` is
    the version the request's If-Match names (None: none sent); `idempotency` the request's
    Idempotency-Key, when it sent one to a service that keeps them."""

    if_match: int | None = None
    idempotency: Idempotency | None = None

    def emit(self, payload: EventPayload, *, anonymous: bool = False) -> None:
        """Queue an event for the commit; `anonymous`: its envelope names no actor."""
        self.uow.emit(payload, anonymous=anonymous)

    async def commit(self) -> None:
        """The changes and their events in one commit; a concurrent writer that changed the object since
        it was read (its version moved) makes it 412 and nothing is written."""
        try:
            await self.session.flush()
        except StaleDataError as err:
            raise PreconditionFailed("Objektet ändrades av någon annan; läs det igen") from err
        await self.uow.commit()

    async def created(self, object_id: uuid.UUID, status: int = 201) -> None:
        """Record what this request created, in its own transaction (before `commit()`): a repeat of its
        Idempotency-Key then answers with this object and status."""
        if self.idempotency is not None:
            await self.idempotency.remember(self.session, FirstAnswer(status, object_id), self.now())

    async def once(self, model: type[T], create: Callable[[], Awaitable[Created[T]]]) -> Created[T]:
        """Run a creating handler once per Idempotency-Key. A repeat with the same body answers with what
        the first request created, with its status; another body is 422. Call it after the checks of the
        create (a caller who lost the right gets 403, not the old answer); `create` calls `created()`."""
        if self.idempotency is None:
            return await create()
        prior = await self._first(model)
        if prior is not None:
            return prior
        try:
            return await create()
        except IntegrityError:
            # A concurrent request with the same key committed first: answer as it did.
            await self.session.rollback()
            prior = await self._first(model)
            if prior is None:
                raise
            return prior

    async def _first(self, model: type[T]) -> Created[T] | None:
        assert self.idempotency is not None
        answer = await self.idempotency.first_answer(self.session)
        if answer is None:
            return None
        obj = await self.session.get(model, answer.object_id)
        if obj is None:
            raise NotFound("Det som skapades första gången finns inte längre")
        return Created(obj, answer.status_code)
