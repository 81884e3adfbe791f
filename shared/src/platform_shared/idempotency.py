"""Idempotency-Key on creating POSTs, the same in every service: the same key with the same request
answers as the first time; the same key with another request is refused (422). Each service attaches
the table to its own metadata (like the outbox) and its Alembic owns it. The key is stored only as a
hash; the first answer as its status and the id of what it created (rendered again, as it is now, so
no response body with personal data is kept)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Uuid, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.db import UtcDateTime
from platform_shared.errors import invalid

MAX_KEY_LENGTH = 200
HEADER = "Idempotency-Key"


def attach_idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_key",
        metadata,
        Column("actor_id", Uuid, primary_key=True),
        Column("key_hash", String(64), primary_key=True),
        Column("request_hash", String(64), nullable=False),
        Column("status_code", Integer, nullable=False),
        Column("object_id", Uuid, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Index("ix_idempotency_key_created_at", "created_at"),
    )


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@dataclass(frozen=True)
class FirstAnswer:
    status_code: int
    object_id: uuid.UUID


@dataclass(frozen=True)
class Idempotency:
    """A request that carried an Idempotency-Key: its caller, the key's hash, the request's hash (method,
    path and body), and the table keeping first answers."""

    table: Table
    actor_id: uuid.UUID
    key_hash: str
    request_hash: str

    @classmethod
    def of(cls, table: Table, key: str, actor_id: uuid.UUID, request: Iterable[bytes]) -> Idempotency:
        """`request`: what makes two requests the same (method, path template and parameters, body)."""
        if len(key) > MAX_KEY_LENGTH:
            raise invalid(HEADER, f"högst {MAX_KEY_LENGTH} tecken", "Idempotency-Key är för lång")
        return cls(table, actor_id, _sha256(key.encode()), _sha256(*request))

    async def first_answer(self, session: AsyncSession) -> FirstAnswer | None:
        """The first answer, if the key was used; 422 if it was used for another request."""
        t = self.table.c
        row = (
            await session.execute(
                select(t.request_hash, t.status_code, t.object_id).where(
                    t.actor_id == self.actor_id, t.key_hash == self.key_hash
                )
            )
        ).first()
        if row is None:
            return None
        if row.request_hash != self.request_hash:
            raise invalid(
                HEADER,
                "nyckeln har redan använts för en annan begäran (annan sökväg eller annat innehåll)",
                "Idempotency-Key har redan använts för en annan begäran",
            )
        return FirstAnswer(row.status_code, row.object_id)

    async def remember(self, session: AsyncSession, answer: FirstAnswer, at: datetime) -> None:
        """Written in the creating transaction: a crash cannot leave the object without its key."""
        await session.execute(
            self.table.insert().values(
                actor_id=self.actor_id,
                key_hash=self.key_hash,
                request_hash=self.request_hash,
                status_code=answer.status_code,
                object_id=answer.object_id,
                created_at=at,
            )
        )
