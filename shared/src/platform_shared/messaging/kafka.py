"""Kafka transport (aiokafka): the production implementation of the bus interface.

Guarantees, matching the local transport where our code depends on them:
- `send_batch` returns only after every record is acknowledged by all in-sync replicas
  (idempotent producer, acks=all); order per key holds because a key maps to one partition and the
  idempotent producer keeps one request in flight per partition. Any failure raises
  `TransportUnavailable`; the outbox relay then retries the whole batch (at-least-once, duplicates
  are removed by the consumers' inbox).
- A subscription is a consumer group member without auto-commit: records are redelivered until
  `commit` has been called for them, and a restarted member resumes from the committed offset.
- Nothing here needs the admin API. `ensure_topics` uses it when the cluster offers it; otherwise
  topics come from `deploy/` or broker auto-creation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import (
    CommitFailedError,
    ConsumerStoppedError,
    IllegalStateError,
    KafkaError,
    NoError,
    TopicAlreadyExistsError,
    for_code,
)
from aiokafka.structs import ConsumerRecord, OffsetAndMetadata

from platform_shared.messaging.transport import IncomingMessage, OutgoingMessage, TransportUnavailable

log = structlog.get_logger(__name__)

# Settings the transport's guarantees rest on; they cannot be overridden through the option dicts.
_PRODUCER_MANAGED = frozenset({"bootstrap_servers", "client_id", "enable_idempotence", "acks",
                               "transactional_id", "loop"})
_CONSUMER_MANAGED = frozenset({"bootstrap_servers", "group_id", "enable_auto_commit", "loop"})
_DEFAULT_REQUEST_TIMEOUT_MS = 40000  # aiokafka's default
_PING_TIMEOUT_S = 5.0
_CLOSE_TIMEOUT_S = 10.0


def _check_options(kind: str, options: dict[str, Any] | None, managed: frozenset[str]) -> dict[str, Any]:
    options = dict(options or {})
    clash = sorted(managed.intersection(options))
    if clash:
        raise ValueError(f"{kind} options may not set {', '.join(clash)}: the Kafka transport manages them")
    return options


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class KafkaTransport:
    name = "kafka"

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        client_id: str,
        fetch_max_wait_ms: int = 500,
        metadata_max_age_ms: int = 300000,
        consumer_options: dict[str, Any] | None = None,
        producer_options: dict[str, Any] | None = None,
    ) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._client_id = client_id
        self._fetch_max_wait_ms = fetch_max_wait_ms
        self._metadata_max_age_ms = metadata_max_age_ms
        self._consumer_options = _check_options("consumer", consumer_options, _CONSUMER_MANAGED)
        self._producer_options = _check_options("producer", producer_options, _PRODUCER_MANAGED)
        self._producer: AIOKafkaProducer | None = None
        self._producer_lock = asyncio.Lock()
        self._subscriptions: set[KafkaSubscription] = set()

    @property
    def bootstrap_servers(self) -> str:
        return self._bootstrap_servers

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect the producer. An unreachable cluster is logged, not raised: the service still
        starts, `ping` reports False and every `send_batch` retries the connection (and raises
        `TransportUnavailable` until the cluster answers), so the outbox relay just keeps retrying."""
        try:
            await self._ensure_producer()
        except TransportUnavailable as exc:
            log.warning("kafka not reachable at start; will retry on send", error=str(exc),
                        bootstrap_servers=self._bootstrap_servers)

    async def stop(self) -> None:
        for subscription in list(self._subscriptions):
            await subscription.close()
        producer, self._producer = self._producer, None
        if producer is not None:
            await _stop_quietly(producer)

    # -- producing ---------------------------------------------------------------------------

    def _producer_config(self) -> dict[str, Any]:
        return {
            "metadata_max_age_ms": self._metadata_max_age_ms,
            **self._producer_options,
            "bootstrap_servers": self._bootstrap_servers,
            "client_id": self._client_id,
            "enable_idempotence": True,
            "acks": "all",
        }

    @property
    def _connect_timeout_s(self) -> float:
        return float(self._producer_options.get("request_timeout_ms", _DEFAULT_REQUEST_TIMEOUT_MS)) / 1000

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is not None:
            return self._producer
        async with self._producer_lock:
            if self._producer is not None:
                return self._producer
            producer = AIOKafkaProducer(**self._producer_config())
            try:
                # Bounded: with idempotence, start() also waits for a producer id, without a limit.
                await asyncio.wait_for(producer.start(), self._connect_timeout_s)
            except BaseException as exc:
                await _stop_quietly(producer)
                if isinstance(exc, KafkaError | OSError | TimeoutError):
                    raise TransportUnavailable(
                        f"Kafka at {self._bootstrap_servers} is not reachable ({_describe(exc)})"
                    ) from exc
                raise
            self._producer = producer
            return producer

    async def _discard_producer(self, producer: AIOKafkaProducer) -> None:
        """After a failed send the producer is replaced, so the next attempt starts with a fresh
        producer id and no stale sequence state (as the Java client bumps its epoch)."""
        if self._producer is producer:
            self._producer = None
        await _stop_quietly(producer)

    async def send_batch(self, messages: list[OutgoingMessage]) -> None:
        if not messages:
            return
        producer = await self._ensure_producer()
        deliveries: list[asyncio.Future[Any]] = []
        failure: BaseException | None = None
        try:
            for message in messages:
                deliveries.append(
                    await producer.send(
                        message.topic,
                        message.value,
                        key=message.key.encode("utf-8"),
                        headers=[(name, value.encode("utf-8")) for name, value in message.headers.items()],
                    )
                )
        except KafkaError as exc:
            failure = exc
        # Wait for everything already handed to the producer, also after a failure, so no delivery
        # result is left unobserved and the producer is idle when it is replaced.
        results = await asyncio.gather(*deliveries, return_exceptions=True)
        if failure is None:
            failure = next((r for r in results if isinstance(r, BaseException)), None)
        if failure is not None:
            await self._discard_producer(producer)
            raise TransportUnavailable(
                f"Kafka did not accept the batch of {len(messages)} ({_describe(failure)})"
            ) from failure

    async def ping(self) -> bool:
        """True when the cluster answers a metadata request (no admin API needed)."""
        try:
            producer = await asyncio.wait_for(self._ensure_producer(), _PING_TIMEOUT_S)
            return bool(await asyncio.wait_for(producer.client.force_metadata_update(), _PING_TIMEOUT_S))
        except (TransportUnavailable, KafkaError, OSError, TimeoutError) as exc:
            log.warning("kafka ping failed", error=_describe(exc), bootstrap_servers=self._bootstrap_servers)
            return False

    # -- consuming ---------------------------------------------------------------------------

    def _consumer_config(self, group: str) -> dict[str, Any]:
        return {
            "client_id": self._client_id,
            "auto_offset_reset": "earliest",
            "isolation_level": "read_committed",
            "fetch_max_wait_ms": self._fetch_max_wait_ms,
            "metadata_max_age_ms": self._metadata_max_age_ms,
            **self._consumer_options,
            "bootstrap_servers": self._bootstrap_servers,
            "group_id": group,
            "enable_auto_commit": False,
        }

    async def subscribe(self, topics: list[str], group: str) -> KafkaSubscription:
        if not topics:
            raise ValueError("subscribe needs at least one topic")
        consumer = AIOKafkaConsumer(**self._consumer_config(group))
        try:
            await consumer.start()
            consumer.subscribe(topics=list(topics))
        except BaseException as exc:
            await _stop_quietly(consumer)
            if isinstance(exc, KafkaError | OSError | TimeoutError):
                raise TransportUnavailable(
                    f"Kafka at {self._bootstrap_servers} is not reachable ({_describe(exc)})"
                ) from exc
            raise
        subscription = KafkaSubscription(consumer, group, on_close=self._subscriptions.discard)
        self._subscriptions.add(subscription)
        return subscription

    # -- topics ------------------------------------------------------------------------------

    async def ensure_topics(self, names: Iterable[str], partitions: int, replication: int) -> bool:
        """Create missing topics through the admin API. Returns False, without raising, when the
        admin API is unavailable or refuses (e.g. no controller, no ACL): topics then come from
        `deploy/` or broker auto-creation."""
        topics = [NewTopic(name, num_partitions=partitions, replication_factor=replication) for name in names]
        if not topics:
            return True
        timeout_s = self._connect_timeout_s
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self._bootstrap_servers,
            client_id=self._client_id,
            request_timeout_ms=int(timeout_s * 1000),
            metadata_max_age_ms=self._metadata_max_age_ms,
        )
        try:
            await asyncio.wait_for(admin.start(), timeout_s)
            response = await asyncio.wait_for(admin.create_topics(topics), timeout_s)
            ok = True
            for topic, error_code, *details in response.topic_errors:
                error = for_code(error_code)
                if error not in (NoError, TopicAlreadyExistsError):
                    ok = False
                    log.warning("kafka topic not created", topic=topic, error=error.__name__, details=details)
            return ok
        except Exception as exc:
            log.info("kafka admin API unavailable; relying on declared or auto-created topics",
                     error=_describe(exc))
            return False
        finally:
            try:
                await asyncio.wait_for(admin.close(), _CLOSE_TIMEOUT_S)
            except Exception as exc:
                log.debug("kafka admin client did not close cleanly", error=_describe(exc))


class KafkaSubscription:
    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        group: str,
        *,
        on_close: Callable[[KafkaSubscription], None] | None = None,
    ) -> None:
        self._consumer = consumer
        self._group = group
        self._on_close = on_close
        self._closed = False

    @property
    def group(self) -> str:
        return self._group

    async def fetch(self, max_records: int, timeout_s: float) -> list[IncomingMessage]:
        try:
            batches = await self._consumer.getmany(
                timeout_ms=max(0, int(timeout_s * 1000)), max_records=max_records
            )
        except (KafkaError, ConsumerStoppedError) as exc:
            raise TransportUnavailable(f"Kafka fetch failed ({_describe(exc)})") from exc
        return [_incoming(record) for records in batches.values() for record in records]

    async def commit(self, message: IncomingMessage) -> None:
        partition = TopicPartition(message.topic, message.partition)
        try:
            await self._consumer.commit({partition: OffsetAndMetadata(message.offset + 1, "")})
        except (CommitFailedError, IllegalStateError) as exc:
            # The partition went to another member in a rebalance. That member resumes from the
            # last committed offset, so the record is delivered again there (at-least-once; the
            # inbox drops the duplicate). Raising would only stop this consumer's loop.
            log.warning("kafka offset commit skipped: partition reassigned", group=self._group,
                        topic=message.topic, partition=message.partition, offset=message.offset,
                        error=_describe(exc))
        except KafkaError as exc:
            raise TransportUnavailable(f"Kafka offset commit failed ({_describe(exc)})") from exc

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._on_close is not None:
            self._on_close(self)
        await _stop_quietly(self._consumer)


def _incoming(record: ConsumerRecord[Any, Any]) -> IncomingMessage:
    key: bytes | None = record.key
    value: bytes | None = record.value
    return IncomingMessage(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        key=None if key is None else key.decode("utf-8", errors="replace"),
        value=b"" if value is None else value,
        headers={
            name: "" if raw is None else raw.decode("utf-8", errors="replace") for name, raw in record.headers
        },
    )


async def _stop_quietly(client: AIOKafkaProducer | AIOKafkaConsumer) -> None:
    try:
        await asyncio.wait_for(client.stop(), _CLOSE_TIMEOUT_S)
    except Exception as exc:
        log.debug("kafka client did not stop cleanly", error=_describe(exc))
