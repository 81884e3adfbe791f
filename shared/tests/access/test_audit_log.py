"""Every read or change of an object holding personal data is audited in the same transaction as the
change: the audit row and its AuditRecorded event (for org-svc's store) are written with it, never
without it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, String, Table, Uuid, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from platform_shared.access import Principal
from platform_shared.audit import Auditor, attach_audit_table
from platform_shared.db import make_engine, make_metadata, make_session_factory
from platform_shared.ids import new_id
from platform_shared.messaging.tables import attach_messaging_tables
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.testing import database_url

metadata = make_metadata()
case = Table("some_case", metadata, Column("id", Uuid, primary_key=True), Column("text", String(100)))
audit_log = attach_audit_table(metadata)
messaging = attach_messaging_tables(metadata)
READER = Principal(person_id=new_id(), subject="sub-reader", name="Reader")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with database_url(request.param, tmp_path, "audit") as url:
        engine = make_engine(url)
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)  # tests only; services use Alembic
        yield engine
        await engine.dispose()


async def _counts(engine: AsyncEngine) -> tuple[int, int, int]:
    async with engine.connect() as conn:
        return (
            int(await conn.scalar(select(func.count()).select_from(case)) or 0),
            int(await conn.scalar(select(func.count()).select_from(audit_log)) or 0),
            int(
                await conn.scalar(
                    select(func.count())
                    .select_from(messaging.outbox)
                    .where(messaging.outbox.c.event_type == "AuditRecorded")
                )
                or 0
            ),
        )


async def test_the_audit_row_and_its_event_are_written_with_the_change(engine: AsyncEngine) -> None:
    auditor = Auditor(audit_log, "deviation")
    case_id = new_id()
    async with UnitOfWork(make_session_factory(engine), messaging, source="deviation-svc") as uow:
        await uow.session.execute(case.insert().values(id=case_id, text="..."))
        await auditor.record(uow, READER, "deviation", case_id, "create")
        await uow.commit()
    assert await _counts(engine) == (1, 1, 1)
    async with engine.connect() as conn:
        row = (await conn.execute(select(audit_log))).one()
        payload = (await conn.execute(select(messaging.outbox.c.payload))).scalar_one()
    assert (row.actor_id, row.object_id, row.action) == (READER.person_id, case_id, "create")
    assert payload["data"]["audit_id"] == str(row.id) and payload["data"]["service"] == "deviation"


async def test_no_audit_row_or_event_is_left_when_the_change_is_not_committed(engine: AsyncEngine) -> None:
    auditor = Auditor(audit_log, "deviation")
    with pytest.raises(RuntimeError):
        async with UnitOfWork(make_session_factory(engine), messaging, source="deviation-svc") as uow:
            await uow.session.execute(case.insert().values(id=new_id(), text="..."))
            await auditor.record(uow, READER, "deviation", new_id(), "create")
            raise RuntimeError("the change fails before commit")
    assert await _counts(engine) == (0, 0, 0)
