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
    async def fetch(self, max_records: int, timeout_s: float) -> list[IncomingMessage]:
        """Next records after the last fetched; at most timeout_s of waiting when there are none."""
        ...

    async def commit(self, message: IncomingMessage) -> None:
        """Mark everything up to and including `message` in its partition as processed."""
        ...

    async def close(self) -> None: ...


class Transport(Protocol):
    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send_batch(self, messages: list[OutgoingMessage]) -> None:
        """Returns only when every message is durably accepted, in order per key; raises otherwise."""
        ...

    async def subscribe(self, topics: list[str], group: str) -> Subscription: ...

    async def ping(self) -> bool: ...


class TransportUnavailable(RuntimeError):
    pass
