"""Applies org.* events to a service's replica tables. Upserts and idempotent updates: replays are harmless.

Other services apply them as a consumer of `org.events`; org-svc applies them to its own replica in
the transaction that emits them, so its access checks never lag its own writes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import and_, update
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.contracts import org as ev
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope
from platform_shared.contracts.topics import ORG_EVENTS
from platform_shared.messaging.consumer import ConsumerSpec, Handler
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.orgreplica.callers import changes_replica
from platform_shared.orgreplica.tables import ReplicaTables
from platform_shared.sqlutil import upsert

Applier = Callable[[AsyncSession, Any], Awaitable[None]]


class ReplicaProjector:
    def __init__(self, tables: ReplicaTables) -> None:
        self._t = tables
        self._appliers: dict[str, Applier] = {
            ev.OrgUnitCreated.event_type: self._unit_created,
            ev.OrgUnitMoved.event_type: self._unit_moved,
            ev.OrgUnitRenamed.event_type: self._unit_renamed,
            ev.OrgUnitLawsChanged.event_type: self._unit_laws_changed,
            ev.OrgUnitClosed.event_type: self._unit_closed,
            ev.OrgUnitRegiChanged.event_type: self._unit_regi_changed,
            ev.PersonRegistered.event_type: self._person_registered,
            ev.PersonDeactivated.event_type: self._person_deactivated,
            ev.RoleAssigned.event_type: self._role_assigned,
            ev.RoleEnded.event_type: self._role_ended,
            ev.DelegationGranted.event_type: self._delegation_granted,
            ev.DelegationRevoked.event_type: self._delegation_revoked,
            ev.SystemClientRegistered.event_type: self._client_registered,
            ev.SystemClientRevoked.event_type: self._client_revoked,
        }

    @property
    def event_types(self) -> list[str]:
        return list(self._appliers)

    async def apply(self, session: AsyncSession, event: EventPayload) -> None:
        applier = self._appliers.get(event.event_type)
        if applier is not None:
            await applier(session, event)
            changes_replica(session)

    async def _unit_created(self, session: AsyncSession, e: ev.OrgUnitCreated) -> None:
        values = {
            "id": e.unit_id,
            "parent_id": e.parent_id,
            "name": e.name,
            "code": e.code,
            "level": e.level,
            "laws": list(e.laws),
            "valid_from": e.valid_from,
            "valid_to": None,
        }
        await upsert(session, self._t.unit, values, ["id"])
        await upsert(
            session,
            self._t.unit_parent,
            {"unit_id": e.unit_id, "valid_from": e.valid_from, "parent_id": e.parent_id, "valid_to": None},
            ["unit_id", "valid_from"],
        )

        if e.regi == "privat":  # the provider's details follow in OrgUnitRegiChanged
            await self._regi_from(session, e.unit_id, e.valid_from, {"regi": e.regi})

    async def _unit_regi_changed(self, session: AsyncSession, e: ev.OrgUnitRegiChanged) -> None:
        facts = {
            "regi": e.regi,
            "procurement_form": e.procurement_form,
            "provider_name": e.provider_name,
            "organisationsnummer": e.organisationsnummer,
            "contract_reference": e.contract_reference,
            "contract_from": e.contract_from,
            "contract_to": e.contract_to,
        }
        await self._regi_from(session, e.unit_id, e.changed_at, facts)

    async def _regi_from(self, session: AsyncSession, unit_id: Any, at: Any, facts: dict[str, Any]) -> None:
        r = self._t.unit_regi.c
        await session.execute(
            update(self._t.unit_regi)
            .where(and_(r.unit_id == unit_id, r.valid_to.is_(None), r.valid_from < at))
            .values(valid_to=at)
        )
        await upsert(
            session,
            self._t.unit_regi,
            {"unit_id": unit_id, "valid_from": at, "valid_to": None, **facts},
            ["unit_id", "valid_from"],
        )

    async def _unit_moved(self, session: AsyncSession, e: ev.OrgUnitMoved) -> None:
        up = self._t.unit_parent.c
        await session.execute(
            update(self._t.unit).where(self._t.unit.c.id == e.unit_id).values(parent_id=e.new_parent_id)
        )
        await session.execute(
            update(self._t.unit_parent)
            .where(and_(up.unit_id == e.unit_id, up.valid_to.is_(None), up.valid_from < e.moved_at))
            .values(valid_to=e.moved_at)
        )
        await upsert(
            session,
            self._t.unit_parent,
            {"unit_id": e.unit_id, "valid_from": e.moved_at, "parent_id": e.new_parent_id, "valid_to": None},
            ["unit_id", "valid_from"],
        )

    async def _unit_renamed(self, session: AsyncSession, e: ev.OrgUnitRenamed) -> None:
        await session.execute(update(self._t.unit).where(self._t.unit.c.id == e.unit_id).values(name=e.name))

    async def _unit_laws_changed(self, session: AsyncSession, e: ev.OrgUnitLawsChanged) -> None:
        await session.execute(
            update(self._t.unit).where(self._t.unit.c.id == e.unit_id).values(laws=list(e.laws))
        )

    async def _unit_closed(self, session: AsyncSession, e: ev.OrgUnitClosed) -> None:
        await session.execute(
            update(self._t.unit).where(self._t.unit.c.id == e.unit_id).values(valid_to=e.closed_at)
        )

    async def _person_registered(self, session: AsyncSession, e: ev.PersonRegistered) -> None:
        values = {"id": e.person_id, "subject": e.subject, "email": e.email, "name": e.name, "active": True}
        await upsert(session, self._t.person, values, ["id"])

    async def _person_deactivated(self, session: AsyncSession, e: ev.PersonDeactivated) -> None:
        await session.execute(
            update(self._t.person).where(self._t.person.c.id == e.person_id).values(active=False)
        )

    async def _role_assigned(self, session: AsyncSession, e: ev.RoleAssigned) -> None:
        values = {
            "id": e.assignment_id,
            "person_id": e.person_id,
            "role": e.role,
            "unit_id": e.unit_id,
            "valid_from": e.valid_from,
            "valid_to": e.valid_to,
            "acting": e.acting,
        }
        await upsert(session, self._t.role, values, ["id"])

    async def _role_ended(self, session: AsyncSession, e: ev.RoleEnded) -> None:
        await session.execute(
            update(self._t.role).where(self._t.role.c.id == e.assignment_id).values(valid_to=e.ended_at)
        )

    async def _delegation_granted(self, session: AsyncSession, e: ev.DelegationGranted) -> None:
        values = {
            "id": e.delegation_id,
            "decision_type": e.decision_type,
            "from_role": e.from_role,
            "unit_id": e.unit_id,
            "to_person_id": e.to_person_id,
            "to_role": e.to_role,
            "valid_from": e.valid_from,
            "valid_to": e.valid_to,
        }
        await upsert(session, self._t.delegation, values, ["id"])

    async def _delegation_revoked(self, session: AsyncSession, e: ev.DelegationRevoked) -> None:
        await session.execute(
            update(self._t.delegation)
            .where(self._t.delegation.c.id == e.delegation_id)
            .values(valid_to=e.revoked_at)
        )

    async def _client_registered(self, session: AsyncSession, e: ev.SystemClientRegistered) -> None:
        values = {
            "id": e.client_id,
            "subject": e.subject,
            "name": e.name,
            "unit_ids": [str(u) for u in e.unit_ids],
            "operations": list(e.operations),
            "active": e.active,
        }
        await upsert(session, self._t.client, values, ["id"])

    async def _client_revoked(self, session: AsyncSession, e: ev.SystemClientRevoked) -> None:
        await session.execute(
            update(self._t.client).where(self._t.client.c.id == e.client_id).values(active=False)
        )


def replica_consumer(service: str, tables: ReplicaTables) -> ConsumerSpec:
    projector = ReplicaProjector(tables)

    async def handle(uow: UnitOfWork, _: EventEnvelope, event: EventPayload) -> None:
        await projector.apply(uow.session, event)

    handlers: dict[str, Handler] = dict.fromkeys(projector.event_types, handle)
    return ConsumerSpec(group=f"{service}.org-replica", topics=(ORG_EVENTS,), handlers=handlers)
