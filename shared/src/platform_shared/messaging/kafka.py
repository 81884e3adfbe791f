"""Kafka transport (aiokafka): the production implementation of the bus interface.

Guarantees, matching the local transport where our code depends on them:
- `send_batch` returns only after every record is acknowledged by all in-sync replicas
  (idempotent producer, acks=all); order per key holds because a key maps to one partition and the
  idempotent producer keeps one request in flight per partition. Any failure raises
  `TransportUnavailable`; the outbox relay then retries the whole batch (at-least-once, duplicates
  are removed by the consumers' inbox).
- A subscription is a consumer group member without auto-commit: records are redelivered until
  `commit` has been called for them, and a restarted member resumes from the committed offset.
- Topics are never auto-created: `ensure_topics` creates the declared ones through the admin API
  (`<name>-svc topics`). A message for a topic that does not exist is refused at once (its key is
  held), it does not wait out the producer's metadata timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import (
    CommitFailedError,
    ConsumerStoppedError,
    IllegalStateError,
    InvalidProducerEpoch,
    InvalidProducerIdMapping,
    InvalidTopicError,
    KafkaError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    NoError,
    OutOfOrderSequenceNumber,
    TopicAlreadyExistsError,
    TopicAuthorizationFailedError,
    UnknownProducerId,
    for_code,
)
from aiokafka.structs import ConsumerRecord, OffsetAndMetadata

from platform_shared import tracing
from platform_shared.contracts.topics import TopicSpec
from platform_shared.messaging.transport import (
    Held,
    IncomingMessage,
    OutgoingMessage,
    Refused,
    SendOutcome,
    TransportUnavailable,
    send_all,
)

log = structlog.get_logger(__name__)

# The broker lost or rejects the producer's idempotence state (typically after it restarted): nothing is
# wrong with the records. The producer is replaced and the records are sent again (the consumers'
# inboxes drop what arrived twice), instead of each being refused and its key held.
_PRODUCER_STATE_LOST = (
    OutOfOrderSequenceNumber,
    UnknownProducerId,
    InvalidProducerEpoch,
    InvalidProducerIdMapping,
)

# Settings the transport's guarantees rest on; they cannot be overridden through the option dicts.
_PRODUCER_MANAGED = frozenset(
    {"bootstrap_servers", "client_id", "enable_idempotence", "acks", "transactional_id", "loop"}
)
_CONSUMER_MANAGED = frozenset({"bootstrap_servers", "group_id", "enable_auto_commit", "loop"})
# Refusals of one record, raised by producer.send() before anything goes out.
_REFUSED_AT_SEND = (MessageSizeTooLargeError, TopicAuthorizationFailedError, InvalidTopicError)
_DEFAULT_REQUEST_TIMEOUT_MS = 40000  # aiokafka's default
_PING_TIMEOUT_S = 2.0
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
        self._reachable: bool | None = None

    @property
    def bootstrap_servers(self) -> str:
        return self._bootstrap_servers

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Nothing to do: the producer connects on the first send (or ping), so a service starts and
        serves its API while the cluster is unreachable; the outbox holds its events meanwhile."""
        return None

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
        """All or nothing: raises the first message's failure (see send_each)."""
        await send_all(self, messages)

    async def send_each(self, messages: list[OutgoingMessage]) -> list[SendOutcome]:
        """Hand every message to the idempotent producer, then wait for all acknowledgements; one
        outcome per message.

        A message the cluster refuses by itself (larger than `max_request_size`, a topic that does
        not exist, not authorised) is `Refused`, and later messages of its key are `Held` (not sent),
        so order per key holds. A message not acknowledged within the producer's
        `request_timeout_ms` (default 40 s) is `TransportUnavailable`. On a timeout the producer is
        kept: it holds the records in order and keeps retrying them without duplicates, so when the
        relay sends them again the copies land after the originals and order per key still holds for
        the (deduplicating) consumers. After a refused delivery the producer is replaced (fresh
        producer id); a delivery failed because the broker lost the producer's sequence state
        (`_PRODUCER_STATE_LOST`) is `TransportUnavailable`, sent again by the fresh producer. Raises
        `TransportUnavailable` when the cluster cannot be reached at all."""
        outcomes: list[SendOutcome] = [None] * len(messages)
        if not messages:
            return outcomes
        producer = await self._ensure_producer()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._request_timeout_s
        missing = await self._missing_topics(producer, {m.topic for m in messages})
        refused_keys: set[tuple[str, str]] = set()
        deliveries: list[tuple[int, asyncio.Future[Any]]] = []
        failure: BaseException | None = None
        try:
            async with asyncio.timeout_at(deadline):
                for index, message in enumerate(messages):
                    if (message.topic, message.key) in refused_keys:
                        outcomes[index] = Held(f"an earlier message of key {message.key} was refused")
                        continue
                    if message.topic in missing:
                        outcomes[index] = Refused(f"topic {message.topic} does not exist")
                        refused_keys.add((message.topic, message.key))
                        continue
                    try:
                        delivery = await _send(producer, message)
                    except _REFUSED_AT_SEND as exc:
                        outcomes[index] = Refused(_describe(exc))
                        refused_keys.add((message.topic, message.key))
                        continue
                    delivery.add_done_callback(_observe)
                    deliveries.append((index, delivery))
        except (KafkaError, TimeoutError) as exc:
            failure = exc
        pending: set[asyncio.Future[Any]] = set()
        if deliveries:
            # asyncio.wait, not gather: a timeout must not cancel the producer's futures.
            _, pending = await asyncio.wait(
                [d for _, d in deliveries], timeout=max(0.0, deadline - loop.time())
            )
        sent = {index for index, _ in deliveries}
        refused_by_broker = False
        for index, delivery in deliveries:
            if delivery in pending:
                outcomes[index] = TransportUnavailable(
                    f"Kafka did not acknowledge within {self._request_timeout_s:g} s"
                )
            elif delivery.cancelled():
                outcomes[index] = TransportUnavailable("Kafka delivery was cancelled")
            elif (error := delivery.exception()) is not None:
                if isinstance(error, _PRODUCER_STATE_LOST):
                    outcomes[index] = TransportUnavailable(f"Kafka did not accept ({_describe(error)})")
                    refused_by_broker = True  # the producer is replaced
                elif (
                    isinstance(error, KafkaError)
                    and not error.retriable
                    and not isinstance(error, KafkaTimeoutError)
                ):
                    outcomes[index] = Refused(f"Kafka refused the record ({_describe(error)})")
                    refused_by_broker = True
                else:
                    outcomes[index] = TransportUnavailable(f"Kafka did not accept ({_describe(error)})")
        if failure is not None:
            cause = _describe(failure)
            for index in range(len(messages)):
                if index not in sent and outcomes[index] is None:
                    outcomes[index] = TransportUnavailable(f"Kafka did not accept ({cause})")
        if refused_by_broker:
            await self._discard_producer(producer)
        return outcomes

    async def _missing_topics(self, producer: AIOKafkaProducer, topics: set[str]) -> set[str]:
        """Topics the cluster says do not exist (asked once per unknown topic, not waited for)."""
        cluster = producer.client.cluster
        unknown = {t for t in topics if cluster.partitions_for_topic(t) is None}
        if not unknown:
            return set()
        for topic in unknown:
            producer.client.add_topic(topic)
        try:
            updated = await asyncio.wait_for(
                producer.client.force_metadata_update(), min(_PING_TIMEOUT_S, self._request_timeout_s)
            )
        except (KafkaError, OSError, TimeoutError) as exc:
            raise TransportUnavailable(f"Kafka metadata not available ({_describe(exc)})") from exc
        if not updated:
            raise TransportUnavailable(f"Kafka at {self._bootstrap_servers} answered no metadata request")
        return {t for t in unknown if cluster.partitions_for_topic(t) is None}

    async def _discard_producer(self, producer: AIOKafkaProducer) -> None:
        if self._producer is producer:
            self._producer = None
        await self._close_producer(producer)

    async def ping(self) -> bool:
        """True when the cluster answers a metadata request within a couple of seconds (no admin API
        needed). Logs only when the answer changes."""
        try:
            producer = await asyncio.wait_for(self._ensure_producer(), _PING_TIMEOUT_S)
            reachable = bool(await asyncio.wait_for(producer.client.force_metadata_update(), _PING_TIMEOUT_S))
            error = "" if reachable else "no metadata"
        except (TransportUnavailable, KafkaError, OSError, TimeoutError) as exc:
            reachable, error = False, _describe(exc)
        if reachable != self._reachable:
            if reachable:
                log.info("kafka reachable", bootstrap_servers=self._bootstrap_servers)
            else:
                log.warning("kafka unreachable", bootstrap_servers=self._bootstrap_servers, error=error)
            self._reachable = reachable
        return reachable

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
        assignments = _Assignments()
        try:
            await consumer.start()
            consumer.subscribe(topics=list(topics), listener=assignments)
        except BaseException as exc:
            await _stop_quietly(consumer)
            if isinstance(exc, KafkaError | OSError | TimeoutError):
                raise TransportUnavailable(
                    f"Kafka at {self._bootstrap_servers} is not reachable ({_describe(exc)})"
                ) from exc
            raise
        subscription = KafkaSubscription(
            consumer, group, assignments=assignments, on_close=self._subscriptions.discard
        )
        self._subscriptions.add(subscription)
        return subscription

    # -- topics ------------------------------------------------------------------------------

    async def ensure_topics(self, topics: Iterable[TopicSpec], *, replication: int = 1) -> list[str]:
        """Create the missing topics through the admin API and re-assert the retention of existing
        ones; idempotent. Returns the names created. Raises `TransportUnavailable` when the cluster
        is unreachable and `RuntimeError` when it refuses a topic."""
        specs = list(topics)
        if not specs:
            return []
        timeout_s = self._request_timeout_s
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self._bootstrap_servers,
            client_id=self._client_id,
            request_timeout_ms=int(timeout_s * 1000),
            metadata_max_age_ms=self._metadata_max_age_ms,
        )
        try:
            try:
                await asyncio.wait_for(admin.start(), timeout_s)
            except (KafkaError, OSError, TimeoutError) as exc:
                raise TransportUnavailable(
                    f"Kafka at {self._bootstrap_servers} is not reachable ({_describe(exc)})"
                ) from exc
            response = await asyncio.wait_for(
                admin.create_topics(
                    [
                        NewTopic(
                            spec.name,
                            num_partitions=spec.partitions,
                            replication_factor=replication,
                            topic_configs=spec.configs(),
                        )
                        for spec in specs
                    ]
                ),
                timeout_s,
            )
            created: list[str] = []
            problems: list[str] = []
            for topic, error_code, *details in response.topic_errors:
                error = for_code(error_code)
                if error is NoError:
                    created.append(topic)
                elif error is not TopicAlreadyExistsError:
                    problems.append(f"{topic}: {error.__name__} {details}")
            existing = [spec for spec in specs if spec.name not in created]
            if existing:
                await asyncio.wait_for(
                    admin.alter_configs(
                        [ConfigResource(ConfigResourceType.TOPIC, s.name, s.configs()) for s in existing]
                    ),
                    timeout_s,
                )
            if problems:
                raise RuntimeError("Kafka refused to create topics: " + "; ".join(problems))
            return created
        finally:
            try:
                await asyncio.wait_for(admin.close(), _CLOSE_TIMEOUT_S)
            except Exception as exc:
                log.debug("kafka admin client did not close cleanly", error=_describe(exc))


class _Assignments(ConsumerRebalanceListener):
    """Counts the rebalances that gave this member partitions."""

    def __init__(self) -> None:
        self.count = 0

    def on_partitions_revoked(self, revoked: Any) -> None:
        return None

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.count += 1


class KafkaSubscription:
    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        group: str,
        *,
        assignments: _Assignments | None = None,
        on_close: Callable[[KafkaSubscription], None] | None = None,
    ) -> None:
        self._consumer = consumer
        self._assignments = assignments or _Assignments()
        self._group = group
        self._on_close = on_close
        self._closed = False

    @property
    def group(self) -> str:
        return self._group

    @property
    def assignments(self) -> int:
        return self._assignments.count

    def assignment(self) -> set[tuple[str, int]]:
        """(topic, partition) pairs this member owns now; empty before the group join completes."""
        return {(tp.topic, tp.partition) for tp in self._consumer.assignment()}

    def assigned(self, topic: str, partition: int) -> bool:
        return TopicPartition(topic, partition) in self._consumer.assignment()

    async def fetch(self, max_records: int, timeout_s: float) -> list[IncomingMessage]:
        try:
            batches = await self._consumer.getmany(
                timeout_ms=max(0, int(timeout_s * 1000)), max_records=max_records
            )
        except (KafkaError, ConsumerStoppedError) as exc:
            raise TransportUnavailable(f"Kafka fetch failed ({_describe(exc)})") from exc
        return [_incoming(record) for records in batches.values() for record in records]

    async def commit(self, messages: list[IncomingMessage]) -> None:
        offsets = {
            TopicPartition(m.topic, m.partition): OffsetAndMetadata(m.offset + 1, "") for m in messages
        }
        if not offsets:
            return
        try:
            await self._consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as exc:
            # A partition went to another member in a rebalance. That member resumes from the last
            # committed offset, so the records are delivered again there (at-least-once; the inbox
            # drops the duplicates). Raising would only hold this consumer back.
            log.warning(
                "kafka offset commit skipped: partition reassigned",
                group=self._group,
                partitions=sorted(f"{tp.topic}[{tp.partition}]" for tp in offsets),
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


async def _send(producer: AIOKafkaProducer, message: OutgoingMessage) -> asyncio.Future[Any]:
    """Hand one message to the producer. The trace context the message carries (the outbox row's)
    is the current one meanwhile, so the Kafka client's send span continues that trace; when the
    client is instrumented it writes the trace headers itself (one `traceparent`, in the same trace)."""
    traced = tracing.kafka_client_traced()
    headers = [
        (k, v.encode("utf-8"))
        for k, v in message.headers.items()
        if not (traced and k in tracing.TRACE_HEADERS)
    ]
    with tracing.continued(message.headers):
        return await producer.send(
            message.topic, message.value, key=message.key.encode("utf-8"), headers=headers
        )


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
