"""reporting-svc's events: kvalitetsråd meetings and their protokoll (issue 14).

Ids and facts: who attended and who decided are staff ids; notes, decisions and action texts stay
in reporting-svc.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.topics import REPORTING_EVENTS


class _KvalitetsradEvent(EventPayload):
    topic = REPORTING_EVENTS
    meeting_id: uuid.UUID
    unit_id: uuid.UUID
    occasion: str  # t1 | t2 | vb | vp | extra
    meeting_on: date
    status: str | None = None  # planned | held | justerat

    def aggregate_id(self) -> str:
        return str(self.meeting_id)


class KvalitetsradPlanned(_KvalitetsradEvent):
    event_type = "KvalitetsradPlanned"
    planned_at: datetime
    report_id: uuid.UUID | None = None  # the kvalitetsrad report printed as underlag


class KvalitetsradHeld(_KvalitetsradEvent):
    event_type = "KvalitetsradHeld"
    participant_ids: list[uuid.UUID] = []
    secretary_id: uuid.UUID | None = None
    held_at: datetime


class KvalitetsradProtokollJusterat(_KvalitetsradEvent):
    """The chef justerade the protokoll; it is locked and is announced one level up and down."""

    event_type = "KvalitetsradProtokollJusterat"
    justerat_at: datetime
    justerat_by: uuid.UUID
    secretary_id: uuid.UUID
    action_ids: list[uuid.UUID] = []
    announced_meeting_ids: list[uuid.UUID] = []  # protokoll from other units announced at this meeting


class _KvalitetsradActionEvent(_KvalitetsradEvent):
    action_id: uuid.UUID
    item_key: str  # the agenda item it was decided under
    owner_id: uuid.UUID
    due_date: date


class KvalitetsradActionDecided(_KvalitetsradActionEvent):
    """Published with the justering that makes the decision final."""

    event_type = "KvalitetsradActionDecided"
    decided_at: datetime


class KvalitetsradActionFollowedUp(_KvalitetsradActionEvent):
    """Followed up at a later meeting (`followed_up_meeting_id`): done, continues or dropped."""

    event_type = "KvalitetsradActionFollowedUp"
    followed_up_meeting_id: uuid.UUID
    outcome: str  # done | continues | dropped
    followed_up_at: datetime
