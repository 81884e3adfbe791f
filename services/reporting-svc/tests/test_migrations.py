"""The Alembic history builds exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from platform_shared.migrations import check_models_match
from platform_shared.testing import database_url
from reporting_svc.app import DEFINITION


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    async with database_url(request.param, tmp_path, "reporting_migrations") as url:
        yield url


async def test_the_migrations_build_the_schema_the_models_describe(empty_db: str) -> None:
    await asyncio.to_thread(check_models_match, Path(DEFINITION.alembic_ini), empty_db)
