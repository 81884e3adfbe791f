"""The bus interface. Kafka and the local (in-process) transport both implement it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class OutgoingMessage:
    topic: str
    key: str
    value: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IncomingMessage:
    topic: str
    partition: int
    offset: int
    key: str | None
    value: bytes
    headers: dict[str, str] = field(default_factory=dict)


class Subscription(Protocol):
    # How many times the group gave this member partitions: when it changes, another member may
    # have held some of them meanwhile (and dead-lettered keys of them).
    assignments: int

    async def fetch(self, max_records: int, timeout_s: float) -> list[IncomingMessage]:
        """Next records after the last fetched; at most timeout_s of waiting when there are none."""
        ...

    async def commit(self, messages: list[IncomingMessage]) -> None:
        """Mark everything up to and including each message in its partition as processed (the last
        message per partition counts), in one request."""
        ...

    def assigned(self, topic: str, partition: int) -> bool:
        """Whether this member still owns the partition (False after a rebalance took it away)."""
        ...

    async def close(self) -> None: ...


class Transport(Protocol):
    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send_batch(self, messages: list[OutgoingMessage]) -> None:
        """Returns only when every message is durably accepted, in order per key; raises otherwise."""
        ...

    async def send_each(self, messages: list[OutgoingMessage]) -> list[SendOutcome]:
        """Like send_batch, with one outcome per message: None when it was durably accepted,
        `Refused` when the bus refuses that message (too large, no such topic; later messages of the
        same key in the batch are then not sent: `Held`), `TransportUnavailable` when the bus did not
        answer for it. Raises `TransportUnavailable` when the bus cannot be reached at all."""
        ...

    async def subscribe(self, topics: list[str], group: str) -> Subscription: ...

    async def ping(self) -> bool: ...


class TransportUnavailable(RuntimeError):
    """The bus cannot be reached or did not answer in time: retry later, nothing is wrong with the
    message."""


class Refused(RuntimeError):
    """The bus refused this message itself (too large, no such topic, not authorised)."""


class Held(RuntimeError):
    """Not sent: an earlier message of the same key in the batch was refused."""


SendOutcome = None | Refused | Held | TransportUnavailable


async def send_all(transport: Transport, messages: list[OutgoingMessage]) -> None:
    """send_each, raising the first failure (for callers that need all or nothing)."""
    for outcome in await transport.send_each(messages):
        if outcome is not None:
            raise outcome
