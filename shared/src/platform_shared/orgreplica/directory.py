"""Queries over the org replica: who a token's subject is, their roles and delegations, unit ancestry
and subtrees (now, or as the organisation stood at a given time)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    Subquery,
    Table,
    Uuid,
    and_,
    bindparam,
    cast,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.orgreplica.callers import ReplicaCache
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
class RoleHolder:
    """A person holding a role on one unit (the unit the assignment names, not the whole subtree)."""

    person_id: uuid.UUID
    role: str
    unit_id: uuid.UUID
    acting: bool = False


@dataclass(frozen=True)
class UnitRecord:
    id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    code: str | None
    level: str
    laws: tuple[str, ...]
    valid_from: datetime
    valid_to: datetime | None

    def open_at(self, at: datetime) -> bool:
        return self.valid_from <= at and (self.valid_to is None or self.valid_to > at)


@dataclass(frozen=True)
class RegiRecord:
    """How a unit is run from `valid_from`: egen regi, or a private provider under a contract."""

    unit_id: uuid.UUID
    valid_from: datetime
    valid_to: datetime | None
    regi: str  # egen | privat
    procurement_form: str | None = None  # lou | lov
    provider_name: str | None = None
    organisationsnummer: str | None = None
    contract_reference: str | None = None
    contract_from: date | None = None
    contract_to: date | None = None


@dataclass(frozen=True)
class DelegationRecord:
    id: uuid.UUID
    decision_type: str
    from_role: str
    unit_id: uuid.UUID
    to_person_id: uuid.UUID | None
    to_role: str | None
    valid_from: datetime
    valid_to: datetime | None


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


_MAX_DEPTH = 64  # deeper than any organisation; stops a (corrupt) cycle from recursing forever


def _valid_at(table: Table, at: datetime) -> ColumnElement[bool]:
    c = table.c
    return and_(c.valid_from <= at, or_(c.valid_to.is_(None), c.valid_to > at))


def _valid_at_param(table: Table) -> ColumnElement[bool]:
    """`_valid_at` with the time as the bind parameter `at`."""
    c = table.c
    at = bindparam("at", type_=c.valid_from.type)
    return and_(c.valid_from <= at, or_(c.valid_to.is_(None), c.valid_to > at))


@dataclass(frozen=True)
class _CallerQueries:
    """The queries every request runs to resolve its caller, built once per replica (their compiled
    form then comes from SQLAlchemy's cache without building and keying a new statement each time)."""

    caller: CompoundSelect
    unit_exists: Select[Any]


def _typed_null(column: ColumnElement[Any]) -> ColumnElement[Any]:
    return cast(null(), column.type)


@lru_cache(maxsize=16)
def _caller_queries(t: ReplicaTables) -> _CallerQueries:
    p, r, d = t.person, t.role, t.delegation.c
    held = and_(r.c.person_id == p.c.id, _valid_at_param(r))
    the_person = select(p.c.id).where(p.c.subject == bindparam("subject")).scalar_subquery()
    held_roles = (
        select(r.c.role)
        .select_from(p.join(r, held))
        .where(p.c.subject == bindparam("subject"))
        .scalar_subquery()
    )
    delegation_columns = (d.decision_type, d.from_role, d.unit_id, d.to_person_id, d.to_role)
    person_columns = (p.c.id, p.c.subject, p.c.email, p.c.name, p.c.active, r.c.role, r.c.unit_id, r.c.acting)
    # The person, their roles and the delegations to them or to a role they hold, in one round trip:
    # rows of kind "r" (the person, with one role or none) and of kind "d" (a delegation).
    caller = union_all(
        select(
            literal("r").label("kind"),
            *person_columns[:6],
            r.c.unit_id.label("role_unit_id"),
            r.c.acting,
            *(_typed_null(c).label(c.name) for c in delegation_columns),
        )
        .select_from(p.outerjoin(r, held))
        .where(p.c.subject == bindparam("subject")),
        select(
            literal("d"),
            *(_typed_null(c) for c in person_columns),
            *delegation_columns,
        ).where(
            _valid_at_param(t.delegation),
            or_(d.to_person_id == the_person, d.to_role.in_(held_roles)),
        ),
    )
    return _CallerQueries(
        caller=caller,
        unit_exists=select(t.unit.c.id).where(t.unit.c.id == bindparam("unit_id")),
    )


class OrgDirectory:
    def __init__(
        self, session: AsyncSession, tables: ReplicaTables, cache: ReplicaCache | None = None
    ) -> None:
        self._session = session
        self._t = tables
        self._cache = cache

    async def person_by_subject(self, subject: str) -> PersonRecord | None:
        row = (
            await self._session.execute(select(self._t.person).where(self._t.person.c.subject == subject))
        ).first()
        return PersonRecord(**row._mapping) if row else None

    async def caller(
        self, subject: str, at: datetime | None = None
    ) -> tuple[PersonRecord, list[ScopedRole], list[Delegation]] | None:
        """The person with the subject, their roles and the delegations in force to them or to a role
        they hold, in one round trip (every request resolves its caller); None: no such person."""
        at = at or utc_now()
        rows = (
            await self._session.execute(_caller_queries(self._t).caller, {"subject": subject, "at": at})
        ).all()
        people = [row for row in rows if row.kind == "r"]
        if not people:
            return None
        first = people[0]
        person = PersonRecord(first.id, first.subject, first.email, first.name, first.active)
        roles = [ScopedRole(row.role, row.role_unit_id, row.acting) for row in people if row.role is not None]
        granted = [row for row in rows if row.kind == "d"]
        return person, roles, await self._delegations_in_scope(person.id, roles, granted, at)

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

    async def _delegations_in_scope(
        self, person_id: uuid.UUID, roles: list[ScopedRole], rows: list[Any], at: datetime | None
    ) -> list[Delegation]:
        """Where each delegation reaches. A delegation to a role reaches where both the delegation and
        the holder's role reach: an avdelningschef given a decision "for the förvaltning" decides for
        their own avdelning, and one given it for a single enhet decides only there."""
        found: list[Delegation] = []
        for row in rows:
            scopes: list[uuid.UUID] = []
            if row.to_person_id == person_id:
                scopes.append(row.unit_id)
            for held in roles:
                if row.to_role is not None and held.role == row.to_role:
                    narrower = await self._narrower(held.unit_id, row.unit_id, at)
                    if narrower is not None:
                        scopes.append(narrower)
            for unit_id in scopes:
                delegation = Delegation(row.decision_type, row.from_role, unit_id)
                if delegation not in found:
                    found.append(delegation)
        return found

    async def _narrower(self, a: uuid.UUID, b: uuid.UUID, at: datetime | None) -> uuid.UUID | None:
        """The one of two units that lies within the other's subtree, or None when they are apart."""
        if b in await self.ancestors_and_self(a, at):
            return a
        if a in await self.ancestors_and_self(b, at):
            return b
        return None

    async def delegations_in_force(
        self, decision_type: str, unit_id: uuid.UUID, at: datetime | None = None
    ) -> list[DelegationRecord]:
        """Delegations of a decision type that cover the unit (granted on it or an ancestor), nearest
        unit first."""
        ancestry = await self.ancestors_and_self(unit_id, at)
        d = self._t.delegation.c
        rows = await self._session.execute(
            select(self._t.delegation).where(
                d.decision_type == decision_type,
                d.unit_id.in_(ancestry),
                _valid_at(self._t.delegation, at or utc_now()),
            )
        )
        records = [DelegationRecord(**row._mapping) for row in rows]
        return sorted(records, key=lambda r: (ancestry.index(r.unit_id), r.valid_from, str(r.id)))

    async def holders(
        self, roles: list[str], unit_id: uuid.UUID, at: datetime | None = None, *, active_only: bool = False
    ) -> list[RoleHolder]:
        """People holding one of `roles` on exactly this unit at `at` (default now)."""
        r = self._t.role.c
        stmt = select(r.person_id, r.role, r.unit_id, r.acting).where(
            r.role.in_(roles), r.unit_id == unit_id, _valid_at(self._t.role, at or utc_now())
        )
        if active_only:
            p = self._t.person.c
            stmt = stmt.join(self._t.person, p.id == r.person_id).where(p.active.is_(True))
        rows = await self._session.execute(stmt.order_by(r.person_id))
        return [RoleHolder(row.person_id, row.role, row.unit_id, row.acting) for row in rows]

    async def unit(self, unit_id: uuid.UUID) -> UnitRecord | None:
        row = (await self._session.execute(select(self._t.unit).where(self._t.unit.c.id == unit_id))).first()
        if row is None:
            return None
        values = dict(row._mapping)
        values["laws"] = tuple(values["laws"] or ())
        return UnitRecord(**values)

    async def unit_exists(self, unit_id: uuid.UUID) -> bool:
        if self._cache is not None:
            return await self._cache.unit_exists(unit_id, utc_now(), lambda: self._unit_exists(unit_id))
        return await self._unit_exists(unit_id)

    async def _unit_exists(self, unit_id: uuid.UUID) -> bool:
        found = await self._session.scalar(_caller_queries(self._t).unit_exists, {"unit_id": unit_id})
        return found is not None

    async def unit_open(self, unit_id: uuid.UUID, at: datetime | None = None) -> bool:
        """The unit exists and is open at `at` (default now): not yet closed, already begun. Closed
        units still exist (unit_exists) for history and figures; new work should not go to them."""
        unit = await self.unit(unit_id)
        return unit is not None and unit.open_at(at or utc_now())

    async def regi_at(self, unit_id: uuid.UUID, at: datetime | None = None) -> RegiRecord | None:
        """How the unit was run at `at` (default now); None: egen regi (nothing else recorded)."""
        t = self._t.unit_regi
        row = (
            await self._session.execute(
                select(t)
                .where(t.c.unit_id == unit_id, _valid_at(t, at or utc_now()))
                .order_by(t.c.valid_from.desc())
            )
        ).first()
        return RegiRecord(**dict(row._mapping)) if row is not None else None

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
        """The unit and its ancestors, nearest first (as the tree stood at `at`, or now)."""
        edges = self._edges(at)
        chain = (
            select(edges.c.child, edges.c.parent, literal(0).label("depth"))
            .where(edges.c.child == unit_id)
            .cte("chain", recursive=True)
        )
        chain = chain.union_all(
            select(edges.c.child, edges.c.parent, (chain.c.depth + 1).label("depth"))
            .join(chain, edges.c.child == chain.c.parent)
            .where(chain.c.depth < _MAX_DEPTH)
        )
        rows = (
            await self._session.execute(select(chain.c.child, chain.c.parent).order_by(chain.c.depth))
        ).all()
        found = [row.child for row in rows]
        if rows and rows[-1].parent is not None and rows[-1].parent not in found:
            found.append(rows[-1].parent)  # a parent whose own place in the tree starts later
        return found or ([unit_id] if await self.unit_exists(unit_id) else [])

    async def subtree(self, unit_id: uuid.UUID, at: datetime | None = None) -> list[uuid.UUID]:
        """The unit and every unit below it (as the tree stood at `at`, or now)."""
        if not await self.unit_exists(unit_id):
            return []
        edges = self._edges(at)
        tree = select(cast(literal(unit_id, Uuid), Uuid).label("child"), literal(0).label("depth")).cte(
            "tree", recursive=True
        )
        tree = tree.union_all(
            select(edges.c.child, (tree.c.depth + 1).label("depth"))
            .join(tree, edges.c.parent == tree.c.child)
            .where(tree.c.depth < _MAX_DEPTH)
        )
        found = list((await self._session.scalars(select(tree.c.child).order_by(tree.c.depth))).all())
        return list(dict.fromkeys(found))

    async def parent_of(self, unit_id: uuid.UUID) -> uuid.UUID | None:
        return await self._session.scalar(
            select(self._t.unit.c.parent_id).where(self._t.unit.c.id == unit_id)
        )

    async def people_with_role_over(
        self, role: str, unit_id: uuid.UUID, at: datetime | None = None
    ) -> list[uuid.UUID]:
        """People holding `role` on the unit or one of its ancestors (their scope covers the unit)."""
        ancestry = await self.ancestors_and_self(unit_id, at)
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
