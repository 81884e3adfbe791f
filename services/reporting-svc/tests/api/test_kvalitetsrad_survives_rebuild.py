"""Meetings and protokoll are data people write: rebuilding the read models leaves them untouched."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from platform_shared.ids import new_id
from reporting_svc.adapters.orm import (
    KVALITETSRAD_TABLES,
    READ_MODELS,
    KvalitetsradAction,
    KvalitetsradAnnouncement,
    KvalitetsradItem,
    KvalitetsradMeeting,
)
from reporting_svc.service_layer.rebuild import rebuild

NOW = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)


def test_no_kvalitetsrad_table_is_a_read_model_the_rebuild_empties() -> None:
    assert not {t.name for t in KVALITETSRAD_TABLES} & {t.name for t in READ_MODELS}


async def _counts(svc: Any) -> dict[str, int]:
    async with svc.runtime.session_factory() as session:
        return {
            t.name: int(await session.scalar(select(func.count()).select_from(t)) or 0)
            for t in KVALITETSRAD_TABLES
        }


async def test_rebuild_leaves_meetings_and_protokoll_untouched(svc: Any) -> None:
    unit, chef, secretary = new_id(), new_id(), new_id()
    meeting = new_id()
    async with svc.runtime.session_factory() as session, session.begin():
        session.add(
            KvalitetsradMeeting(
                id=meeting,
                unit_id=unit,
                occasion="t1",
                meeting_on=date(2026, 5, 5),
                period_from=date(2026, 1, 1),
                period_to=date(2026, 4, 30),
                status="justerat",
                participant_ids=[str(chef), str(secretary)],
                secretary_id=secretary,
                chef_id=chef,
                figures={"klagomal_slag": {"rows": []}},
                held_at=NOW,
                justerat_at=NOW,
                justerat_by=chef,
                created_by=secretary,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        session.add(KvalitetsradItem(meeting_id=meeting, key="klagomal", position=3, notes="Två klagomål"))
        session.add(
            KvalitetsradAction(
                id=new_id(),
                meeting_id=meeting,
                unit_id=unit,
                item_key="klagomal",
                description="Ny rutin för matbeställning",
                owner_id=chef,
                due_date=date(2026, 6, 30),
                status="open",
                created_by=secretary,
                created_at=NOW,
            )
        )
        session.add(
            KvalitetsradAnnouncement(
                meeting_id=meeting, protokoll_meeting_id=new_id(), direction="from_below", announced_at=NOW
            )
        )
    before = await _counts(svc)
    assert set(before.values()) == {1}

    await rebuild(svc.runtime)

    assert await _counts(svc) == before
    async with svc.runtime.session_factory() as session:
        kept = await session.get(KvalitetsradMeeting, meeting)
        assert (
            kept is not None and kept.status == "justerat" and kept.figures == {"klagomal_slag": {"rows": []}}
        )
