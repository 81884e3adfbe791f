"""Key figures an operations dashboard shows, and the same as Prometheus gauges.

"Open" and "overdue" are today's state of the units under the given roots (today's tree); the tertial
counts follow the organisation as it was (Statistics)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from prometheus_client import REGISTRY
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from platform_shared import metrics
from platform_shared.messaging.consumer import EventConsumer
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.orgreplica.tables import ReplicaTables
from platform_shared.timeutil import Clock, local_date, start_of_local_day
from reporting_svc.adapters.orm import IvoFact, fact_month_count
from reporting_svc.domain.periods import Granularity, previous_period, tertial_of, tertial_range
from reporting_svc.domain.subjects import TOTAL
from reporting_svc.service_layer.scope import top_units
from reporting_svc.service_layer.statistics import CountQuery, Statistics

CLOSED_STATES = {"deviations": ("closed", "voided"), "complaints": ("closed",)}
PERIOD_SUBJECTS = ("deviations", "complaints", "data_breaches", "ivo_notifications")


@dataclass(frozen=True)
class PeriodCounts:
    label: str
    first: date
    last: date
    counts: dict[str, int]


@dataclass(frozen=True)
class DashboardFigures:
    open_by_status: dict[str, int]
    open_complaints: int
    overdue_deadlines: int
    this_tertial: PeriodCounts
    last_tertial: PeriodCounts
    ivo_sent_this_year: int
    ivo_awaiting: int


async def _units(
    session: AsyncSession, replica: ReplicaTables, roots: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    directory = OrgDirectory(session, replica)
    units: set[uuid.UUID] = set()
    for root in roots:
        units.update(await directory.subtree(root))
    return sorted(units, key=str)


async def _by_value(
    session: AsyncSession, subject: str, dimension: str, units: Sequence[uuid.UUID]
) -> dict[str, int]:
    """All-time counts of today's values, from the pre-aggregate."""
    c = fact_month_count.c
    rows = await session.execute(
        select(c.value, func.sum(c.count))
        .where(c.subject == subject, c.dimension == dimension, c.unit_id.in_(list(units)))
        .group_by(c.value)
    )
    return {value: int(total) for value, total in rows if total}


async def _period(stats: Statistics, roots: Sequence[uuid.UUID], first: date, last: date) -> PeriodCounts:
    counts: dict[str, int] = {}
    for subject in PERIOD_SUBJECTS:
        _, found = await stats.count(CountQuery(subject, TOTAL, first, last, Granularity.TOTAL, roots))
        counts[subject] = sum(found.values())
    return PeriodCounts(f"T{tertial_of(first)} {first.year}", first, last, counts)


async def figures(
    session: AsyncSession, replica: ReplicaTables, roots: Sequence[uuid.UUID], today: date
) -> DashboardFigures:
    units = await _units(session, replica, roots)
    statuses = await _by_value(session, "deviations", "status", units)
    complaints = await _by_value(session, "complaints", "status", units)
    deadlines = await _by_value(session, "deadlines", "state", units)
    ivo = await _by_value(session, "ivo_notifications", "status", units)
    stats = Statistics(session, replica)
    first, last = tertial_range(today.year, tertial_of(today))
    before = previous_period(first, last)
    year_start = start_of_local_day(date(today.year, 1, 1))
    sent = await session.scalar(
        select(func.count())
        .select_from(IvoFact)
        .where(
            IvoFact.unit_id.in_(units),
            IvoFact.sent_at >= year_start,
            IvoFact.sent_at < start_of_local_day(date(today.year + 1, 1, 1)),
        )
    )
    return DashboardFigures(
        open_by_status={k: v for k, v in statuses.items() if k not in CLOSED_STATES["deviations"]},
        open_complaints=sum(v for k, v in complaints.items() if k not in CLOSED_STATES["complaints"]),
        overdue_deadlines=deadlines.get("open", 0),
        this_tertial=await _period(stats, roots, first, min(last, today)),
        last_tertial=await _period(stats, roots, *before),
        ivo_sent_this_year=int(sent or 0),
        ivo_awaiting=ivo.get("decided", 0),
    )


@dataclass(frozen=True)
class ConsumerLag:
    consumer: str
    lag_seconds: float | None
    processed_total: int


def consumer_lags(service: str, consumers: Sequence[EventConsumer]) -> list[ConsumerLag]:
    """Every consumer group of this process: seconds from an event's creation to its processing (the
    last one handled), from the gauge the shared consumer keeps."""
    return [
        ConsumerLag(
            c.spec.group,
            REGISTRY.get_sample_value(f"{service}_consumer_lag_seconds", {"consumer": c.spec.group}),
            c.processed_total,
        )
        for c in consumers
    ]


class DashboardGauges:
    """Keeps reporting_* gauges with the whole organisation's dashboard figures."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        replica: ReplicaTables,
        clock: Clock,
        consumers: Callable[[], Sequence[EventConsumer]],
    ) -> None:
        self._factory = session_factory
        self._replica = replica
        self._clock = clock
        self._consumers = consumers
        self._statuses: set[str] = set()
        self.open = metrics.gauge("reporting_deviations_open", "Open deviations by status", ("status",))
        self.complaints = metrics.gauge("reporting_complaints_open", "Open complaints")
        self.overdue = metrics.gauge("reporting_deadlines_overdue", "Missed deadlines still overdue")
        self.tertial = metrics.gauge(
            "reporting_cases_tertial",
            "Cases reported in this and the last tertial",
            ("subject", "tertial"),
        )
        self.ivo = metrics.gauge("reporting_ivo_anmalningar", "IVO anmälningar", ("state",))
        self.processed = metrics.gauge(
            "reporting_consumer_processed_events",
            "Events handled by each consumer of this process",
            ("consumer",),
        )

    async def refresh(self) -> DashboardFigures:
        async with self._factory() as session:
            roots = await top_units(session, self._replica)
            found = await figures(session, self._replica, roots, local_date(self._clock()))
        statuses = {status or "ej_angiven": count for status, count in found.open_by_status.items()}
        for status in self._statuses - set(statuses):  # a status that emptied goes to 0
            self.open.labels(status).set(0)
        for status, count in statuses.items():
            self.open.labels(status).set(count)
        self._statuses |= set(statuses)
        self.complaints.set(found.open_complaints)
        self.overdue.set(found.overdue_deadlines)
        for name, period in (("current", found.this_tertial), ("previous", found.last_tertial)):
            for subject, count in period.counts.items():
                self.tertial.labels(subject, name).set(count)
        self.ivo.labels("sent_this_year").set(found.ivo_sent_this_year)
        self.ivo.labels("awaiting").set(found.ivo_awaiting)
        for consumer in self._consumers():
            self.processed.labels(consumer.spec.group).set(consumer.processed_total)
        return found
