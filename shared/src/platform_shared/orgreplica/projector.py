"""Applies org.* events to a service's replica tables. Upserts, so replays are harmless."""

from __future__ import annotations

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.org import OrgUnitCreated, PersonRegistered, RoleAssigned
from platform_shared.contracts.topics import ORG_EVENTS
from platform_shared.messaging.consumer import ConsumerSpec, Handler
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.tables import ReplicaTables
from platform_shared.sqlutil import upsert


def replica_consumer(service: str, tables: ReplicaTables) -> ConsumerSpec:
    async def unit_created(uow: UnitOfWork, _: EventEnvelope, event: EventPayload) -> None:
        assert isinstance(event, OrgUnitCreated)
        await upsert(
            uow.session,
            tables.unit,
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

    async def person_registered(uow: UnitOfWork, _: EventEnvelope, event: EventPayload) -> None:
        assert isinstance(event, PersonRegistered)
        await upsert(
            uow.session,
            tables.person,
            {
                "id": event.person_id,
                "subject": event.subject,
                "email": event.email,
                "name": event.name,
                "active": True,
            },
            ["id"],
        )

    async def role_assigned(uow: UnitOfWork, _: EventEnvelope, event: EventPayload) -> None:
        assert isinstance(event, RoleAssigned)
        await upsert(
            uow.session,
            tables.role,
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

    handlers: dict[str, Handler] = {
        OrgUnitCreated.event_type: unit_created,
        PersonRegistered.event_type: person_registered,
        RoleAssigned.event_type: role_assigned,
    }
    return ConsumerSpec(group=f"{service}.org-replica", topics=(ORG_EVENTS,), handlers=handlers)
