"""The metrics every service keeps about its own plumbing, beside those of its loops (loops.py), relay
and consumers (messaging/): its database connection pool, read when scraped, and its outbox backlog and
open dead letters, counted by a supervised loop every `METRICS_REFRESH_S`.

| metric | type | meaning |
| --- | --- | --- |
| `<service>_db_pool_connections{state}` | gauge | connections `in_use` and `idle` in the pool |
| `<service>_db_pool_max_connections` | gauge | the most the pool opens (size + overflow) |
| `<service>_outbox_pending_messages` | gauge | events committed and not yet on the bus |
| `<service>_outbox_oldest_pending_age_seconds` | gauge | how long the oldest of them has waited |
| `<service>_consumer_dead_letters_open{consumer}` | gauge | dead letters waiting for a redrive |
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from platform_shared import metrics
from platform_shared.loops import Loop
from platform_shared.messaging.tables import MessagingTables
from platform_shared.timeutil import Clock, as_utc

METRICS_REFRESH_S = 15.0


class PoolCollector(Collector):
    """Reads each service's connection pool when Prometheus scrapes (nothing per request)."""

    def __init__(self) -> None:
        self.engines: dict[str, AsyncEngine] = {}

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for service, engine in sorted(self.engines.items()):
            pool = engine.sync_engine.pool
            checked_out = getattr(pool, "checkedout", None)
            if checked_out is None:  # one shared connection (in-memory SQLite): no pool to watch
                continue
            connections = GaugeMetricFamily(
                f"{service}_db_pool_connections", "Database connections by state", labels=["state"]
            )
            connections.add_metric(["in_use"], checked_out())
            connections.add_metric(["idle"], pool.checkedin())  # type: ignore[attr-defined]
            yield connections
            size = pool.size() + max(0, getattr(pool, "_max_overflow", 0))  # type: ignore[attr-defined]
            yield GaugeMetricFamily(
                f"{service}_db_pool_max_connections", "The most connections the pool opens", value=size
            )


POOLS = PoolCollector()
REGISTRY.register(POOLS)


def watch_pool(service: str, engine: AsyncEngine) -> None:
    """Report the service's pool (the latest engine of the service in this process)."""
    POOLS.engines[service] = engine


class BacklogGauges:
    """The outbox backlog and the open dead letters, counted from the service's tables."""

    def __init__(
        self,
        service: str,
        session_factory: async_sessionmaker[AsyncSession],
        tables: MessagingTables,
        clock: Clock,
    ) -> None:
        self._factory = session_factory
        self._tables = tables
        self._clock = clock
        self._consumers: set[str] = set()
        self._pending = metrics.gauge(
            f"{service}_outbox_pending_messages", "Events committed and not yet published to the bus"
        )
        self._oldest = metrics.gauge(
            f"{service}_outbox_oldest_pending_age_seconds", "Age of the oldest event not yet published"
        )
        self._dead = metrics.gauge(
            f"{service}_consumer_dead_letters_open", "Dead letters not yet redriven", ("consumer",)
        )

    def loop(self, interval_s: float = METRICS_REFRESH_S) -> Loop:
        return Loop("metrics", self.refresh, interval_s)

    async def refresh(self) -> None:
        outbox = self._tables.outbox.c
        dead = self._tables.dead_letter.c
        async with self._factory() as session:
            pending, oldest = (
                await session.execute(
                    select(func.count(), func.min(outbox.created_at)).where(outbox.published_at.is_(None))
                )
            ).one()
            rows = await session.execute(
                select(dead.consumer, func.count()).where(dead.resolved_at.is_(None)).group_by(dead.consumer)
            )
            open_by_consumer: dict[str, int] = {consumer: count for consumer, count in rows.all()}
        self._pending.set(pending)
        waited = 0.0 if oldest is None else (self._clock() - as_utc(oldest)).total_seconds()
        self._oldest.set(max(0.0, waited))
        for consumer in self._consumers - set(open_by_consumer):  # redriven: back to 0
            self._dead.labels(consumer).set(0)
        for consumer, count in open_by_consumer.items():
            self._dead.labels(consumer).set(count)
        self._consumers |= set(open_by_consumer)
