from __future__ import annotations

import uuid

import uuid6


def new_id() -> uuid.UUID:
    """A time-ordered UUIDv7 (index friendly), as a standard uuid.UUID."""
    return uuid.UUID(bytes=uuid6.uuid7().bytes)
