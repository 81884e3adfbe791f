"""Queries over the org replica: who a token's subject is, their roles and delegations, unit ancestry
and subtrees (now, or as the organisation stood at a given time)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Subquery, Table, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.orgreplica.tables import ReplicaTables
from platform_shared.timeutil import utc_now


@dataclass(frozen=True)
class ScopedRole:
    role: str
    unit_id: uuid.UUID
    acting: bool = False


@dataclass(frozen=True)
class Delegation:
    decision_type: str
    from_role: str
    unit_id: uuid.UUID


@dataclass(frozen=True)
class PersonRecord:
    id: uuid.UUID
    subject: str
    email: str
    name: str
    active: bool


@dataclass(frozen=True)
class ClientRecord:
    id: uuid.UUID
    subject: str
    name: str
    unit_ids: tuple[uuid.UUID, ...]
    operations: frozenset[str]
    active: bool


def _valid_at(table: Table, at: datetime) -> ColumnElement[bool]:
    c = table.c
    return and_(c.valid_from <= at, or_(c.valid_to.is_(None), c.valid_to > at))


class OrgDirectory:
    def __init__(self, session: AsyncSession, tables: ReplicaTables) -> None:
        self._session = session
        self._t = tables

    async def person_by_subject(self, subject: str) -> PersonRecord | None:
        row = (
            await self._session.execute(select(self._t.person).where(self._t.person.c.subject == subject))
        ).first()
        return PersonRecord(**row._mapping) if row else None

    async def person(self, person_id: uuid.UUID) -> PersonRecord | None:
        row = (
            await self._session.execute(select(self._t.person).where(self._t.person.c.id == person_id))
        ).first()
        return PersonRecord(**row._mapping) if row else None

    async def client_by_subject(self, subject: str) -> ClientRecord | None:
        row = (
            await self._session.execute(select(self._t.client).where(self._t.client.c.subject == subject))
        ).first()
        if row is None:
            return None
        return ClientRecord(
            id=row.id,
            subject=row.subject,
            name=row.name,
            unit_ids=tuple(uuid.UUID(str(u)) for u in row.unit_ids),
            operations=frozenset(row.operations),
            active=row.active,
        )

    async def roles_of(self, person_id: uuid.UUID, at: datetime | None = None) -> list[ScopedRole]:
        r = self._t.role.c
        rows = await self._session.execute(
            select(r.role, r.unit_id, r.acting).where(
                r.person_id == person_id, _valid_at(self._t.role, at or utc_now())
            )
        )
        return [ScopedRole(row.role, row.unit_id, row.acting) for row in rows]

    async def delegations_of(
        self, person_id: uuid.UUID, roles: list[ScopedRole], at: datetime | None = None
    ) -> list[Delegation]:
        """Delegations in force to this person, or to a role the person holds."""
        d = self._t.delegation.c
        role_names = sorted({r.role for r in roles})
        rows = await self._session.execute(
            select(d.decision_type, d.from_role, d.unit_id).where(
                _valid_at(self._t.delegation, at or utc_now()),
                or_(d.to_person_id == person_id, d.to_role.in_(role_names)),
            )
        )
        return [Delegation(row.decision_type, row.from_role, row.unit_id) for row in rows]

    async def unit_exists(self, unit_id: uuid.UUID) -> bool:
        found = await self._session.scalar(select(self._t.unit.c.id).where(self._t.unit.c.id == unit_id))
        return found is not None

    async def unit_laws(self, unit_id: uuid.UUID) -> list[str]:
        laws = await self._session.scalar(select(self._t.unit.c.laws).where(self._t.unit.c.id == unit_id))
        return list(laws or [])

    def _edges(self, at: datetime | None) -> Subquery:
        """(child, parent) pairs: current parents, or the parents in force at `at`."""
        if at is None:
            u = self._t.unit
            return select(u.c.id.label("child"), u.c.parent_id.label("parent")).subquery("edges")
        p = self._t.unit_parent
        return (
            select(p.c.unit_id.label("child"), p.c.parent_id.label("parent"))
            .where(_valid_at(p, at))
            .subquery("edges")
        )

    async def ancestors_and_self(self, unit_id: uuid.UUID, at: datetime | None = None) -> list[uuid.UUID]:
        edges = self._edges(at)
        chain = (
            select(edges.c.child, edges.c.parent).where(edges.c.child == unit_id).cte("chain", recursive=True)
        )
        chain = chain.union_all(
            select(edges.c.child, edges.c.parent).join(chain, edges.c.child == chain.c.parent)
        )
        found = list((await self._session.scalars(select(chain.c.child))).all())
        return found or ([unit_id] if await self.unit_exists(unit_id) else [])

    async def subtree(self, unit_id: uuid.UUID, at: datetime | None = None) -> list[uuid.UUID]:
        edges = self._edges(at)
        tree = select(edges.c.child).where(edges.c.child == unit_id).cte("tree", recursive=True)
        tree = tree.union_all(select(edges.c.child).join(tree, edges.c.parent == tree.c.child))
        found = list((await self._session.scalars(select(tree.c.child))).all())
        return found or ([unit_id] if await self.unit_exists(unit_id) else [])

    async def parent_of(self, unit_id: uuid.UUID) -> uuid.UUID | None:
        return await self._session.scalar(
            select(self._t.unit.c.parent_id).where(self._t.unit.c.id == unit_id)
        )

    async def people_with_role_over(
        self, role: str, unit_id: uuid.UUID, at: datetime | None = None
    ) -> list[uuid.UUID]:
        """People holding `role` on the unit or one of its ancestors (their scope covers the unit)."""
        ancestry = await self.ancestors_and_self(unit_id)
        r = self._t.role.c
        rows = await self._session.scalars(
            select(r.person_id)
            .where(r.role == role, r.unit_id.in_(ancestry), _valid_at(self._t.role, at or utc_now()))
            .distinct()
        )
        return list(rows.all())

    async def nearest_with_role(
        self, role: str, unit_id: uuid.UUID, at: datetime | None = None
    ) -> list[uuid.UUID]:
        """Holders of `role` on the closest unit, walking up from `unit_id` (routing of work)."""
        r = self._t.role.c
        for ancestor in await self.ancestors_and_self(unit_id, at):
            rows = await self._session.scalars(
                select(r.person_id)
                .where(r.role == role, r.unit_id == ancestor, _valid_at(self._t.role, at or utc_now()))
                .distinct()
            )
            found = list(rows.all())
            if found:
                return found
        return []
