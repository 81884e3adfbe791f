"""Small pieces of every read model: a row's columns, an object's deadlines."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from deviation_svc.service_layer import deadlines
from deviation_svc.service_layer.context import Ctx


def columns_of(row: Any) -> dict[str, Any]:
    """A mapped row's columns as a dict (to build a response model from)."""
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


async def deadlines_of(ctx: Ctx, object_id: uuid.UUID) -> list[dict[str, Any]]:
    return [asdict(v) for v in await deadlines.views(ctx, object_id)]
