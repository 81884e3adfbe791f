"""Queries over the org replica: who a token's subject is, their roles now, unit ancestry and subtrees."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.orgreplica.tables import ReplicaTables
from platform_shared.timeutil import utc_now


@dataclass(frozen=True)
class ScopedRole:
    role: str
    unit_id: uuid.UUID
    acting: bool = False


@dataclass(frozen=True)
class PersonRecord:
    id: uuid.UUID
    subject: str
    email: str
    name: str
    active: bool


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

    def _active_at(self, at: datetime) -> ColumnElement[bool]:
        r = self._t.role.c
        return and_(r.valid_from <= at, or_(r.valid_to.is_(None), r.valid_to > at))

    async def roles_of(self, person_id: uuid.UUID, at: datetime | None = None) -> list[ScopedRole]:
        r = self._t.role.c
        rows = await self._session.execute(
            select(r.role, r.unit_id, r.acting).where(
                r.person_id == person_id, self._active_at(at or utc_now())
            )
        )
        return [ScopedRole(row.role, row.unit_id, row.acting) for row in rows]

    async def unit_exists(self, unit_id: uuid.UUID) -> bool:
        found = await self._session.scalar(select(self._t.unit.c.id).where(self._t.unit.c.id == unit_id))
        return found is not None

    async def ancestors_and_self(self, unit_id: uuid.UUID) -> list[uuid.UUID]:
        u = self._t.unit
        chain = select(u.c.id, u.c.parent_id).where(u.c.id == unit_id).cte("chain", recursive=True)
        chain = chain.union_all(select(u.c.id, u.c.parent_id).join(chain, u.c.id == chain.c.parent_id))
        return list((await self._session.scalars(select(chain.c.id))).all())

    async def subtree(self, unit_id: uuid.UUID) -> list[uuid.UUID]:
        u = self._t.unit
        tree = select(u.c.id).where(u.c.id == unit_id).cte("tree", recursive=True)
        tree = tree.union_all(select(u.c.id).join(tree, u.c.parent_id == tree.c.id))
        return list((await self._session.scalars(select(tree.c.id))).all())

    async def people_with_role_over(
        self, role: str, unit_id: uuid.UUID, at: datetime | None = None
    ) -> list[uuid.UUID]:
        """People holding `role` on the unit or one of its ancestors (their scope covers the unit)."""
        ancestry = await self.ancestors_and_self(unit_id)
        r = self._t.role.c
        rows = await self._session.scalars(
            select(r.person_id)
            .where(r.role == role, r.unit_id.in_(ancestry), self._active_at(at or utc_now()))
            .distinct()
        )
        return list(rows.all())
