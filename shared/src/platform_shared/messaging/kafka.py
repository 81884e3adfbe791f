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
_PRODUCER_MANAGED = frozenset(
    {"bootstrap_servers", "client_id", "enable_idempotence", "acks", "transactional_id", "loop"}
)
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
    name, text = type(exc).__name__, str(exc)
    if not text:
        return name
    return text if text.startswith(name) else f"{name}: {text}"


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
            log.warning(
                "kafka not reachable at start; will retry on send",
                error=str(exc),
                bootstrap_servers=self._bootstrap_servers,
            )

    async def stop(self) -> None:
        for subscription in list(self._subscriptions):
            await subscription.close()
        producer, self._producer = self._producer, None
        if producer is not None:
            await self._close_producer(producer)

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
    def _request_timeout_s(self) -> float:
        return float(self._producer_options.get("request_timeout_ms", _DEFAULT_REQUEST_TIMEOUT_MS)) / 1000

    async def _ensure_producer(self) -> AIOKafkaProducer:
        producer = self._producer
        if producer is not None and not _sender_dead(producer):
            return producer
        async with self._producer_lock:
            if self._producer is not None:
                if not _sender_dead(self._producer):
                    return self._producer
                dead, self._producer = self._producer, None
                log.warning("kafka producer failed fatally; replacing it")
                await self._close_producer(dead)
            producer = AIOKafkaProducer(**self._producer_config())
            try:
                # Bounded: with idempotence, start() also waits for a producer id, without a limit.
                await asyncio.wait_for(producer.start(), self._request_timeout_s)
            except BaseException as exc:
                await self._close_producer(producer)
                if isinstance(exc, KafkaError | OSError | TimeoutError):
                    raise TransportUnavailable(
                        f"Kafka at {self._bootstrap_servers} is not reachable ({_describe(exc)})"
                    ) from exc
                raise
            self._producer = producer
            return producer

    async def _close_producer(self, producer: AIOKafkaProducer) -> None:
        """Flush and close; if the cluster does not acknowledge the rest in time, close anyway.

        aiokafka's idempotent producer never expires a batch (it retries until the broker answers),
        so a plain stop() would wait forever on a cluster that is down."""
        grace_s = min(_CLOSE_TIMEOUT_S, self._request_timeout_s)
        try:
            # flush() only waits (cancelling it cancels nothing); stop() would leave a task behind.
            await asyncio.wait_for(producer.flush(), grace_s)
        except Exception as exc:
            log.warning("kafka producer did not flush in time; closing it anyway", error=_describe(exc))
        else:
            try:
                await asyncio.wait_for(producer.stop(), grace_s)
                return
            except Exception as exc:
                log.warning("kafka producer did not stop cleanly; closing it anyway", error=_describe(exc))
        # aiokafka 0.14 internals, guarded: cancel the sender task, mark the producer closed and
        # drop its connections. Unacknowledged records are abandoned; the relay sends them again.
        sender = getattr(producer, "_sender", None)
        try:
            if sender is not None:
                await asyncio.wait_for(sender.close(), grace_s)
        except Exception as exc:
            log.debug("kafka producer sender did not stop cleanly", error=_describe(exc))
        if hasattr(producer, "_closed"):
            producer._closed = True
        try:
            await asyncio.wait_for(producer.client.close(), grace_s)
        except Exception as exc:
            log.debug("kafka producer connections did not close cleanly", error=_describe(exc))

    async def send_batch(self, messages: list[OutgoingMessage]) -> None:
        """Hand every message to the idempotent producer, then wait for all acknowledgements.

        At most the producer's `request_timeout_ms` (default 40 s) passes before this raises
        `TransportUnavailable`. On such a timeout the producer is kept: it holds the records in
        order and keeps retrying them without duplicates, so when the relay sends the batch again
        the copies land after the originals and order per key still holds for the (deduplicating)
        consumers. After a refused delivery the producer is replaced (fresh producer id)."""
        if not messages:
            return
        producer = await self._ensure_producer()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._request_timeout_s
        deliveries: list[asyncio.Future[Any]] = []
        failure: BaseException | None = None
        try:
            async with asyncio.timeout_at(deadline):
                for message in messages:
                    delivery = await producer.send(
                        message.topic,
                        message.value,
                        key=message.key.encode("utf-8"),
                        headers=[(name, value.encode("utf-8")) for name, value in message.headers.items()],
                    )
                    delivery.add_done_callback(_observe)
                    deliveries.append(delivery)
        except (KafkaError, TimeoutError) as exc:
            failure = exc
        pending: set[asyncio.Future[Any]] = set()
        if deliveries:
            # asyncio.wait, not gather: a timeout must not cancel the producer's futures.
            _, pending = await asyncio.wait(deliveries, timeout=max(0.0, deadline - loop.time()))
        refused = next(
            (d.exception() for d in deliveries if d.done() and not d.cancelled() and d.exception()), None
        )
        if refused is not None:
            await self._discard_producer(producer)
            raise TransportUnavailable(
                f"Kafka refused a record of a batch of {len(messages)} ({_describe(refused)})"
            ) from refused
        if failure is not None or pending:
            cause = failure or TimeoutError(f"no acknowledgement within {self._request_timeout_s:g} s")
            raise TransportUnavailable(
                f"Kafka did not accept the batch of {len(messages)} ({_describe(cause)})"
            ) from cause

    async def _discard_producer(self, producer: AIOKafkaProducer) -> None:
        if self._producer is producer:
            self._producer = None
        await self._close_producer(producer)

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
        timeout_s = self._request_timeout_s
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
            log.info(
                "kafka admin API unavailable; relying on declared or auto-created topics",
                error=_describe(exc),
            )
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

    def assignment(self) -> set[tuple[str, int]]:
        """(topic, partition) pairs this member owns now; empty before the group join completes."""
        return {(tp.topic, tp.partition) for tp in self._consumer.assignment()}

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
            log.warning(
                "kafka offset commit skipped: partition reassigned",
                group=self._group,
                topic=message.topic,
                partition=message.partition,
                offset=message.offset,
                error=_describe(exc),
            )
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


def _observe(delivery: asyncio.Future[Any]) -> None:
    """Retrieve a delivery's exception, so one nobody awaits any more is not reported as lost."""
    if not delivery.cancelled():
        delivery.exception()


def _sender_dead(producer: AIOKafkaProducer) -> bool:
    """The sender task ends only on a fatal error (e.g. OutOfOrderSequenceNumber) or on close;
    a producer without it accepts records and never delivers them."""
    task = getattr(getattr(producer, "_sender", None), "sender_task", None)
    return task is not None and task.done()


async def _stop_quietly(client: AIOKafkaConsumer) -> None:
    try:
        await asyncio.wait_for(client.stop(), _CLOSE_TIMEOUT_S)
    except Exception as exc:
        log.debug("kafka client did not stop cleanly", error=_describe(exc))
