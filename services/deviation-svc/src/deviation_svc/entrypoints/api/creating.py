"""Creating POSTs with an Idempotency-Key: replay the first answer, or create and remember it."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Response
from sqlalchemy.exc import IntegrityError

from deviation_svc.service_layer.context import Ctx
from deviation_svc.service_layer.idempotency import IdempotencyKey

T = TypeVar("T")


async def create_once(
    ctx: Ctx,
    idem: IdempotencyKey | None,
    response: Response,
    create: Callable[[], Awaitable[T]],
    render: Callable[[uuid.UUID], Awaitable[T]],
) -> T:
    """`create` remembers the key in its own transaction; a repeat renders the object it created."""
    if idem is not None:
        prior = await idem.replay(ctx.uow.session)
        if prior is not None:
            response.status_code = prior.status_code
            return await render(prior.object_id)
    try:
        return await create()
    except IntegrityError:
        # A concurrent request with the same key committed first: answer as it did.
        await ctx.uow.session.rollback()
        prior = await idem.replay(ctx.uow.session) if idem is not None else None
        if prior is None:
            raise
        response.status_code = prior.status_code
        return await render(prior.object_id)
