"""Base class of every published event payload: versioned, frozen, tolerant of unknown fields."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class EventPayload(BaseModel):
    """An integration event's `data`. Subclasses set `event_type`, `version` and `topic`.

    Payloads carry ids and facts only, never personal data about a brukare.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    version: ClassVar[int] = 1
    topic: ClassVar[str]

    def aggregate_id(self) -> str:
        raise NotImplementedError
