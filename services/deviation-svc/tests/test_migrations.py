"""The Alembic history builds exactly the schema the models describe, on SQLite and PostgreSQL, and
moves complaints of kind forbattringsforslag to improvement proposals."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select

from deviation_svc.adapters.orm import (
    Complaint,
    ImprovementProposal,
    ImprovementProposalStep,
    deadline_tables,
)
from deviation_svc.app import DEFINITION
from platform_shared.db import make_engine
from platform_shared.migrations import alembic_config, check_models_match
from platform_shared.testing import database_url

BEFORE_PROPOSALS = "7693ef0aa7b3"
RECEIVED = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_url(request.param, tmp_path, "deviation_migrations") as url:
        yield url


async def _upgrade(url: str, revision: str) -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(Path(DEFINITION.alembic_ini), url), revision)


async def test_the_migrations_build_the_schema_the_models_describe(empty_db: str) -> None:
    await asyncio.to_thread(check_models_match, Path(DEFINITION.alembic_ini), empty_db)


def _complaint(kind: str, status: str, complainant_type: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "reference": f"KLA-2026-{uuid.uuid4().int % 1_000_000:06d}",
        "kind": kind,
        "channel": "webbformular",
        "complainant_type": complainant_type,
        "unit_id": uuid.uuid4(),
        "text": "Schemat borde läggas ut två veckor tidigare\nså att alla hinner planera.",
        "status": status,
        "received_at": RECEIVED,
        "registered_by": uuid.uuid4(),
        "registered_at": RECEIVED,
        "version": 1,
        **extra,
    }


def _deadline(complaint: dict[str, Any], rule: str, met: bool = False) -> dict[str, Any]:
    due = RECEIVED + timedelta(days=28)
    return {
        "id": uuid.uuid4(),
        "rule": rule,
        "object_type": "complaint",
        "object_id": complaint["id"],
        "reference": complaint["reference"],
        "unit_id": complaint["unit_id"],
        "due_at": due,
        "warn_at": due - timedelta(days=3),
        "met_at": RECEIVED if met else None,
    }


async def test_complaints_of_kind_forbattringsforslag_become_proposals_without_clocks(empty_db: str) -> None:
    await _upgrade(empty_db, BEFORE_PROPOSALS)
    open_one = _complaint("forbattringsforslag", "kvitterad", "personal", acknowledged_at=RECEIVED)
    answered = _complaint(
        "forbattringsforslag", "avslutad", "anonym", response="Tack, vi inför det i höst.", closed_at=RECEIVED
    )
    klagomal = _complaint("klagomal", "mottagen", "brukare")
    complaint_table = Complaint.__table__.c
    old_columns = [c for c in complaint_table if c.name != "moved_to_proposal_id"]
    deadline = deadline_tables.deadline
    engine = make_engine(empty_db)
    try:
        async with engine.begin() as conn:
            for row in (open_one, answered, klagomal):
                await conn.execute(
                    Complaint.__table__.insert().values(
                        {c.name: row[c.name] for c in old_columns if c.name in row}
                    )
                )
            await conn.execute(
                deadline.insert(),
                [
                    _deadline(open_one, "complaint_acknowledge", met=True),
                    _deadline(open_one, "complaint_response"),
                    _deadline(klagomal, "complaint_response"),
                ],
            )

        await _upgrade(empty_db, "head")

        async with engine.connect() as conn:
            proposals = {
                r.id: r
                for r in await conn.execute(select(ImprovementProposal.__table__).order_by("submitted_at"))
            }
            moved = {r.id: r.moved_to_proposal_id for r in await conn.execute(select(Complaint.__table__))}
            deadlines = {
                (r.object_id, r.rule): (r.met_at is not None, r.cancelled_at is not None)
                for r in await conn.execute(select(deadline))
            }
            steps = [r.step for r in await conn.execute(select(ImprovementProposalStep.__table__))]
    finally:
        await engine.dispose()

    assert set(proposals) == {open_one["id"], answered["id"]}
    first, second = proposals[open_one["id"]], proposals[answered["id"]]
    assert (first.status, first.reference, first.anonymous, first.proposer_id) == (
        "submitted",
        open_one["reference"],
        False,
        open_one["registered_by"],
    )
    assert first.title == "Schemat borde läggas ut två veckor tidigare"
    assert (second.status, second.anonymous, second.proposer_id, second.motivation) == (
        "closed",
        True,
        None,
        "Tack, vi inför det i höst.",
    )
    assert first.moved_from_complaint and first.announced_at is None
    assert moved == {open_one["id"]: open_one["id"], answered["id"]: answered["id"], klagomal["id"]: None}
    # the proposal's answer clock stops; a met deadline stays met; a real complaint keeps its clock
    assert deadlines[(open_one["id"], "complaint_response")] == (False, True)
    assert deadlines[(open_one["id"], "complaint_acknowledge")] == (True, False)
    assert deadlines[(klagomal["id"], "complaint_response")] == (False, False)
    assert steps == ["moved", "moved"]
