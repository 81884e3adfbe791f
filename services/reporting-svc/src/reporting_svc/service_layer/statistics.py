"""Counting facts by period, unit and dimension, with the organisation as it was at the time.

A fact reported on day t for unit u counts for unit r when u was in r's subtree on day t (the replica's
unit history). The period is cut where the organisation changed; each piece is counted against the
tree in force then. Whole local months without a filter are read from the monthly pre-aggregate,
the rest (part months, filtered tables) from the fact tables.
"""

from __future__ import annotations

import itertools
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, case, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.orgreplica.tables import ReplicaTables
from platform_shared.timeutil import STOCKHOLM, as_utc, start_of_local_day
from reporting_svc.adapters.orm import (
    FACT_TABLES,
    deviation_document_fact,
    deviation_fact,
    document_fact,
    fact_month_count,
)
from reporting_svc.domain.periods import Bucket, Granularity, buckets
from reporting_svc.domain.subjects import SUBJECTS, TOTAL, Subject, dimension_value

Counts = dict[tuple[str, uuid.UUID, str], int]  # (bucket key, group unit, dimension value) -> count


class GroupMode(StrEnum):
    ROOT = "root"  # everything under each root counts for the root
    CHILD = "child"  # per direct child of the root (its subtree), and the root's own facts
    UNIT = "unit"  # per unit the fact was reported for


@dataclass(frozen=True)
class CountQuery:
    subject: str
    dimension: str  # one of the subject's dimensions, or "total"
    first: date
    last: date
    granularity: Granularity
    roots: Sequence[uuid.UUID]
    group: GroupMode = GroupMode.ROOT
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    use_pre_aggregate: bool = True


@dataclass(frozen=True)
class Interval:
    bucket: str
    start: datetime
    end: datetime

    @property
    def month_aligned(self) -> bool:
        return _is_month_start(self.start) and _is_month_start(self.end)


def _is_month_start(moment: datetime) -> bool:
    local = as_utc(moment).astimezone(STOCKHOLM)
    return local.day == 1 and local.hour == 0 and local.minute == 0 and local.second == 0


def _excluded_sql(subject: Subject, table: Table) -> ColumnElement[bool] | None:
    """The SQL twin of Subject.excluded (checked against it by the pre-aggregate test)."""
    if subject.name == "deviations":
        return or_(table.c.status.is_(None), table.c.status != "voided")
    if subject.name == "deadlines":
        return table.c.missed_at.is_not(None)
    return None


class Statistics:
    """Counts over one session. The organisation's history is read once per instance (one request
    or one report) and reused by every table computed with it."""

    def __init__(self, session: AsyncSession, replica: ReplicaTables) -> None:
        self._session = session
        self._replica = replica
        self._directory = OrgDirectory(session, replica)
        self._times: dict[tuple[datetime, datetime], list[datetime]] = {}
        self._maps: dict[tuple[tuple[uuid.UUID, ...], GroupMode, datetime], dict[uuid.UUID, uuid.UUID]] = {}
        self._roots: dict[tuple[uuid.UUID, ...], list[uuid.UUID]] = {}

    # --- the organisation over time -----------------------------------------------------------

    async def change_times(self, start: datetime, end: datetime) -> list[datetime]:
        if (start, end) not in self._times:
            p = self._replica.unit_parent.c
            times: set[datetime] = set()
            for column in (p.valid_from, p.valid_to):
                rows = await self._session.scalars(
                    select(column).where(column > start, column < end).distinct()
                )
                times.update(as_utc(t) for t in rows.all() if t is not None)
            self._times[(start, end)] = sorted(times)
        return self._times[(start, end)]

    async def children_at(self, unit_id: uuid.UUID, at: datetime) -> list[uuid.UUID]:
        p = self._replica.unit_parent.c
        rows = await self._session.scalars(
            select(p.unit_id).where(
                p.parent_id == unit_id, p.valid_from <= at, or_(p.valid_to.is_(None), p.valid_to > at)
            )
        )
        return sorted(set(rows.all()), key=str)

    async def minimal_roots(self, roots: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """Drop roots that lie under another root, so nothing is counted twice."""
        unique = tuple(dict.fromkeys(roots))
        if len(unique) <= 1:
            return list(unique)
        if unique not in self._roots:
            kept: list[uuid.UUID] = []
            for root in unique:
                ancestors = set(await self._directory.ancestors_and_self(root)) - {root}
                if not ancestors & set(unique):
                    kept.append(root)
            self._roots[unique] = kept
        return self._roots[unique]

    async def group_map(
        self, roots: Sequence[uuid.UUID], mode: GroupMode, at: datetime
    ) -> dict[uuid.UUID, uuid.UUID]:
        """unit -> the group it counts for, with the tree as it stood at `at`."""
        key = (tuple(roots), mode, at)
        if key not in self._maps:
            self._maps[key] = await self._group_map(roots, mode, at)
        return self._maps[key]

    async def subtree_at(self, root: uuid.UUID, at: datetime) -> list[uuid.UUID]:
        """OrgDirectory.subtree as of `at`; when the root's own history starts later than its
        children's (a root registered after units that were backdated under it), the children that
        hung under it then still count for it."""
        units = await self._directory.subtree(root, at)
        if units == [root]:
            for child in await self.children_at(root, at):
                units += await self._directory.subtree(child, at)
        return units

    async def _group_map(
        self, roots: Sequence[uuid.UUID], mode: GroupMode, at: datetime
    ) -> dict[uuid.UUID, uuid.UUID]:
        mapping: dict[uuid.UUID, uuid.UUID] = {}
        for root in roots:
            if mode is GroupMode.CHILD:
                mapping[root] = root
                for child in await self.children_at(root, at):
                    for unit in await self._directory.subtree(child, at):
                        mapping[unit] = child
                continue
            for unit in await self.subtree_at(root, at):
                mapping[unit] = unit if mode is GroupMode.UNIT else root
        return mapping

    async def intervals(self, bucket_list: Sequence[Bucket]) -> list[tuple[Interval, datetime]]:
        """The buckets cut where the organisation changed, each piece with the moment its tree took
        effect (the last change before it, else the start): pieces with the same moment share a tree."""
        start = start_of_local_day(bucket_list[0].first)
        end = start_of_local_day(bucket_list[-1].last + timedelta(days=1))
        cuts = await self.change_times(start, end)
        found: list[tuple[Interval, datetime]] = []
        for bucket in bucket_list:
            b_start = start_of_local_day(bucket.first)
            b_end = start_of_local_day(bucket.last + timedelta(days=1))
            edges = [b_start, *(t for t in cuts if b_start < t < b_end), b_end]
            for a, b in itertools.pairwise(edges):
                found.append((Interval(bucket.key, a, b), max((c for c in cuts if c <= a), default=start)))
        return found

    # --- counting ----------------------------------------------------------------------------

    async def count(self, query: CountQuery) -> tuple[list[Bucket], Counts]:
        spec = SUBJECTS[query.subject]
        if query.dimension != TOTAL and query.dimension not in spec.dimensions:
            raise KeyError(query.dimension)
        bucket_list = buckets(query.first, query.last, query.granularity)
        counts: Counts = defaultdict(int)
        roots = await self.minimal_roots(query.roots)
        if not roots:
            return bucket_list, counts
        by_snapshot: dict[datetime, list[Interval]] = defaultdict(list)
        for interval, tree_at in await self.intervals(bucket_list):
            by_snapshot[tree_at].append(interval)
        # Intervals that share the tree in force share one mapping: group by the tree, not the time.
        snapshots: list[tuple[dict[uuid.UUID, uuid.UUID], list[Interval]]] = []
        for at, pieces in sorted(by_snapshot.items()):
            mapping = await self.group_map(roots, query.group, at)
            same = next((s for s in snapshots if s[0] == mapping), None)
            if same is None:
                snapshots.append((mapping, list(pieces)))
            else:
                same[1].extend(pieces)
        for mapping, pieces in snapshots:
            cube = [p for p in pieces if p.month_aligned and query.use_pre_aggregate and not query.filters]
            rest = [p for p in pieces if p not in cube]
            if cube:
                await self._count_pre_aggregate(spec, query.dimension, mapping, cube, counts)
            if rest:
                await self._count_facts(spec, query.dimension, query.filters, mapping, rest, counts)
        return bucket_list, counts

    async def _count_pre_aggregate(
        self,
        spec: Subject,
        dimension: str,
        mapping: Mapping[uuid.UUID, uuid.UUID],
        pieces: Sequence[Interval],
        counts: Counts,
    ) -> None:
        month_bucket: dict[date, str] = {}
        for piece in pieces:
            month = as_utc(piece.start).astimezone(STOCKHOLM).date()
            end = as_utc(piece.end).astimezone(STOCKHOLM).date()
            while month < end:
                month_bucket[month] = piece.bucket
                month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
        c = fact_month_count.c
        rows = await self._session.execute(
            select(c.month, c.unit_id, c.value, func.sum(c.count))
            .where(
                c.subject == spec.name,
                c.dimension == dimension,
                c.month >= min(month_bucket),
                c.month <= max(month_bucket),
                c.unit_id.in_(list(mapping)),
            )
            .group_by(c.month, c.unit_id, c.value)
        )
        for month, unit_id, value, total in rows:
            bucket = month_bucket.get(month)
            if bucket is not None and total:
                counts[(bucket, mapping[unit_id], value)] += int(total)

    async def _count_facts(
        self,
        spec: Subject,
        dimension: str,
        filters: Mapping[str, tuple[str, ...]],
        mapping: Mapping[uuid.UUID, uuid.UUID],
        pieces: Sequence[Interval],
        counts: Counts,
    ) -> None:
        table = FACT_TABLES[spec.table]
        when = table.c[spec.date_field]
        which = case(
            *((and_(when >= p.start, when < p.end), literal_column(str(i))) for i, p in enumerate(pieces)),
            else_=literal_column("-1"),
        )
        columns: list[Any] = [which.label("piece"), table.c.unit_id.label("unit_id")]
        if dimension != TOTAL:
            columns.append(table.c[spec.dimensions[dimension]].label("value"))
        conditions: list[ColumnElement[bool]] = [
            when >= min(p.start for p in pieces),
            when < max(p.end for p in pieces),
            table.c.unit_id.in_(list(mapping)),
        ]
        excluded = _excluded_sql(spec, table)
        if excluded is not None:
            conditions.append(excluded)
        for name, values in filters.items():
            conditions.append(table.c[spec.dimensions[name]].in_(list(values)))
        facts = select(*columns).where(*conditions).subquery("facts")
        keys = [facts.c.piece, facts.c.unit_id, *([facts.c.value] if dimension != TOTAL else [])]
        rows = await self._session.execute(select(*keys, func.count()).group_by(*keys))
        for row in rows:
            piece, unit_id = int(row[0]), row[1]
            value = "" if dimension == TOTAL else dimension_value(row[2])
            if piece >= 0:
                counts[(pieces[piece].bucket, mapping[unit_id], value)] += int(row[-1])

    # --- lead times ----------------------------------------------------------------------------

    async def durations(
        self,
        first: date,
        last: date,
        granularity: Granularity,
        roots: Sequence[uuid.UUID],
        steps: Sequence[tuple[str, str, str, str]],
        filters: Mapping[str, tuple[str, ...]] | None = None,
    ) -> tuple[list[Bucket], dict[tuple[str, str], list[float]]]:
        """Seconds between the steps of each deviation reported in the period, per (bucket, step)."""
        spec = SUBJECTS["deviations"]
        table = FACT_TABLES[spec.table]
        bucket_list = buckets(first, last, granularity)
        found: dict[tuple[str, str], list[float]] = defaultdict(list)
        roots = await self.minimal_roots(roots)
        if not roots:
            return bucket_list, found
        sqlite = self._session.get_bind().dialect.name == "sqlite"

        def seconds(a: str, b: str) -> Any:
            if sqlite:
                return (func.julianday(table.c[b]) - func.julianday(table.c[a])) * 86400.0
            return func.extract("epoch", table.c[b] - table.c[a])

        for interval, tree_at in await self.intervals(bucket_list):
            mapping = await self.group_map(roots, GroupMode.ROOT, tree_at)
            conditions: list[ColumnElement[bool]] = [
                table.c.reported_at >= interval.start,
                table.c.reported_at < interval.end,
                table.c.unit_id.in_(list(mapping)),
                or_(table.c.status.is_(None), table.c.status != "voided"),
            ]
            for name, values in (filters or {}).items():
                conditions.append(table.c[spec.dimensions[name]].in_(list(values)))
            columns = [seconds(a, b).label(key) for key, _, a, b in steps]
            rows = await self._session.execute(select(*columns).where(*conditions))
            for row in rows:
                for (key, *_), value in zip(steps, row, strict=True):
                    if value is not None:
                        found[(interval.bucket, key)].append(float(value))
        return bucket_list, found

    async def unit_names(self, unit_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
        u = self._replica.unit.c
        if not unit_ids:
            return {}
        rows = await self._session.execute(select(u.id, u.name).where(u.id.in_(list(unit_ids))))
        return {row.id: row.name for row in rows}


async def named_document_counts(
    session: AsyncSession, start: datetime, end: datetime, units: set[uuid.UUID]
) -> list[tuple[uuid.UUID, str | None, str | None, int]]:
    """(document, kind, title, deviations) for the deviations reported in [start, end) in these units
    that name the document, most named first; a document org-svc has not told about has no title."""
    if not units:
        return []
    d, link, doc = deviation_fact.c, deviation_document_fact.c, document_fact.c
    count = func.count(d.deviation_id)
    rows = await session.execute(
        select(link.document_id, doc.kind, doc.title, count)
        .select_from(deviation_document_fact)
        .join(deviation_fact, d.deviation_id == link.deviation_id)
        .outerjoin(document_fact, doc.document_id == link.document_id)
        .where(
            d.reported_at >= start,
            d.reported_at < end,
            d.unit_id.in_(sorted(units, key=str)),
            or_(d.status.is_(None), d.status != "voided"),
        )
        .group_by(link.document_id, doc.kind, doc.title)
        .order_by(count.desc(), doc.title, link.document_id)
    )
    return [(r[0], r[1], r[2], int(r[3])) for r in rows.all()]
