"""Applies org.* events to a service's replica tables. Upserts, so replays are harmless.

Other services apply them as a consumer of `org.events`; org-svc applies them to its own replica in
the transaction that emits them, so its access checks never lag its own writes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.org import OrgUnitCreated, PersonRegistered, RoleAssigned
from platform_shared.contracts.topics import ORG_EVENTS
from platform_shared.messaging.consumer import ConsumerSpec, Handler
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.tables import ReplicaTables
from platform_shared.sqlutil import upsert


class ReplicaProjector:
    def __init__(self, tables: ReplicaTables) -> None:
        self._t = tables
        self._appliers: dict[str, Callable[[AsyncSession, EventPayload], Awaitable[None]]] = {
            OrgUnitCreated.event_type: self._unit_created,
            PersonRegistered.event_type: self._person_registered,
            RoleAssigned.event_type: self._role_assigned,
        }

    @property
    def event_types(self) -> list[str]:
        return list(self._appliers)

    async def apply(self, session: AsyncSession, event: EventPayload) -> None:
        applier = self._appliers.get(event.event_type)
        if applier is not None:
            await applier(session, event)

    async def _unit_created(self, session: AsyncSession, event: EventPayload) -> None:
        assert isinstance(event, OrgUnitCreated)
        await upsert(
            session,
            self._t.unit,
            {
                "id": event.unit_id,
                "parent_id": event.parent_id,
                "name": event.name,
                "code": event.code,
                "level": event.level,
                "laws": list(event.laws),
                "valid_from": event.valid_from,
                "valid_to": None,
            },
            ["id"],
        )

    async def _person_registered(self, session: AsyncSession, event: EventPayload) -> None:
        assert isinstance(event, PersonRegistered)
        await upsert(
            session,
            self._t.person,
            {
                "id": event.person_id,
                "subject": event.subject,
                "email": event.email,
                "name": event.name,
                "active": True,
            },
            ["id"],
        )

    async def _role_assigned(self, session: AsyncSession, event: EventPayload) -> None:
        assert isinstance(event, RoleAssigned)
        await upsert(
            session,
            self._t.role,
            {
                "id": event.assignment_id,
                "person_id": event.person_id,
                "role": event.role,
                "unit_id": event.unit_id,
                "valid_from": event.valid_from,
                "valid_to": event.valid_to,
                "acting": event.acting,
            },
            ["id"],
        )


def replica_consumer(service: str, tables: ReplicaTables) -> ConsumerSpec:
    projector = ReplicaProjector(tables)

    async def handle(uow: UnitOfWork, _: EventEnvelope, event: EventPayload) -> None:
        await projector.apply(uow.session, event)

    handlers: dict[str, Handler] = dict.fromkeys(projector.event_types, handle)
    return ConsumerSpec(group=f"{service}.org-replica", topics=(ORG_EVENTS,), handlers=handlers)
