"""Idempotency-Key on creating POSTs: the same key with the same body returns the first answer; the
same key with another body is refused (422). The first answer is stored in the creating transaction."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from deviation_svc.adapters.orm import IdempotencyRecord
from platform_shared.errors import FieldError, ValidationFailed
from platform_shared.messaging.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Answer:
    """The first answer: its status and the object it created (rendered as it is now)."""

    status_code: int
    object_id: uuid.UUID


@dataclass(frozen=True)
class IdempotencyKey:
    key: str
    actor_id: uuid.UUID
    scope: str  # method and path template, e.g. "POST /api/v1/deviations"
    request_hash: str

    @classmethod
    def of(cls, key: str | None, actor_id: uuid.UUID, scope: str, body: bytes) -> IdempotencyKey | None:
        if not key:
            return None
        if len(key) > 200:
            raise ValidationFailed(
                "Idempotency-Key too long", errors=[FieldError("Idempotency-Key", "at most 200 characters")]
            )
        digest = hashlib.sha256(scope.encode() + b"\n" + body).hexdigest()
        return cls(key=key, actor_id=actor_id, scope=scope, request_hash=digest)

    async def replay(self, session: AsyncSession) -> Answer | None:
        """The first answer, if this key was used; 422 if it was used for another request."""
        row = await session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.actor_id == self.actor_id, IdempotencyRecord.key == self.key
            )
        )
        if row is None:
            return None
        if row.request_hash != self.request_hash:
            raise ValidationFailed(
                "This Idempotency-Key was used for a different request",
                errors=[FieldError("Idempotency-Key", "reused with a different body or path")],
            )
        return Answer(row.status_code, uuid.UUID(row.response["id"]))

    def remember(self, uow: UnitOfWork, answer: Answer) -> None:
        """Stored in the creating transaction: a crash cannot leave the object without its key."""
        uow.session.add(
            IdempotencyRecord(
                actor_id=self.actor_id,
                key=self.key,
                scope=self.scope,
                request_hash=self.request_hash,
                status_code=answer.status_code,
                response={"id": str(answer.object_id)},
                created_at=uow.clock(),
            )
        )
