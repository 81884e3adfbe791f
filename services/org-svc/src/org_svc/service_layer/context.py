"""org-svc's request contexts: the shared ones (platform_shared.context) with this service's components,
and what every org command shares: an event goes to the outbox and to org-svc's own replica in the
same transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from org_svc.adapters.orm import replica
from org_svc.config import OrgSettings
from platform_shared.context import CommandContext, QueryContext, RequestContext
from platform_shared.contracts.base import EventPayload
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.orgreplica.projector import ReplicaProjector


@dataclass(frozen=True)
class Components:
    settings: OrgSettings
    # A dev token for a subject (integration clients get one): None unless in dev auth mode.
    mint: Callable[[str], str | None] = lambda _subject: None


Ctx: TypeAlias = RequestContext[Components]
CommandCtx: TypeAlias = CommandContext[Components]
QueryCtx: TypeAlias = QueryContext[Components]

_replica = ReplicaProjector(replica)


async def record(uow: UnitOfWork, event: EventPayload) -> None:
    """Emit an org event and apply it to org-svc's own replica in the same transaction."""
    uow.emit(event)
    await _replica.apply(uow.session, event)


def directory(uow: UnitOfWork) -> OrgDirectory:
    """The replica as this transaction sees it (its own changes included)."""
    return OrgDirectory(uow.session, replica)
