"""Swedish free-text search over document versions, on the migrated schema of both databases:
PostgreSQL's `swedish` full-text search and SQLite FTS5 over Snowball stems find the same versions."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from org_svc.adapters.orm import Document, DocumentVersion, OrgUnit
from org_svc.adapters.search import index_version, matches, unindex_version
from org_svc.app import DEFINITION
from platform_shared.db import make_engine, make_session_factory
from platform_shared.migrations import alembic_config
from platform_shared.timeutil import utc_now

TEXTS = {
    "lakemedel": (
        "Rutinen för läkemedelshanteringen",
        "Säker hantering av läkemedel i hemtjänsten",
        "Signera varje given dos. Avvikelser i läkemedelshanteringen rapporteras samma dag. "
        "Vid fall kontaktas sjuksköterskan.",
    ),
    "fall": (
        "Rutin vid fallolyckor",
        "Att förebygga fall",
        "Gör en riskbedömning för fall när en brukare flyttar in.",
    ),
    "lex_sarah": (
        "Riktlinje för lex Sarah",
        "Rapporteringsskyldighet enligt socialtjänstlagen",
        "Den som uppmärksammar ett missförhållande ska genast rapportera det.",
    ),
}


@dataclass
class Db:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    dialect: str
    versions: dict[str, uuid.UUID]

    async def search(self, query: str) -> list[str]:
        statement = matches(self.dialect, query)
        if statement is None:
            return []
        by_id = {v: k for k, v in self.versions.items()}
        async with self.sessions() as session:
            rows = (await session.execute(statement.order_by("rank"))).all()
        return [by_id[row.version_id] for row in rows]


async def _store(
    session: AsyncSession, key: str, title: str, purpose: str, body: str, unit: uuid.UUID
) -> uuid.UUID:
    now = utc_now()
    document = Document(
        id=uuid.uuid4(),
        kind="rutin",
        title=title,
        owner_role="enhetschef",
        owner_unit_id=unit,
        created_at=now,
    )
    version = DocumentVersion(
        id=uuid.uuid4(),
        document_id=document.id,
        number=1,
        status="published",
        title=title,
        purpose=purpose,
        body=body,
        created_at=now,
    )
    session.add(document)
    await session.flush()
    session.add(version)
    await session.flush()
    await index_version(
        session, version_id=version.id, document_id=document.id, title=title, purpose=purpose, body=body
    )
    return version.id


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Db]:
    from platform_shared.testing import database_url

    async with database_url(request.param, tmp_path, "orgsearch") as url:
        await asyncio.to_thread(command.upgrade, alembic_config(Path(DEFINITION.alembic_ini), url), "head")
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        versions: dict[str, uuid.UUID] = {}
        async with sessions() as session, session.begin():
            unit = OrgUnit(id=uuid.uuid4(), name="Enhet", level="enhet", laws=["SoL"], valid_from=utc_now())
            session.add(unit)
            await session.flush()
            for key, (title, purpose, body) in TEXTS.items():
                versions[key] = await _store(session, key, title, purpose, body, unit.id)
        yield Db(engine, sessions, engine.dialect.name, versions)
        await engine.dispose()


async def test_a_search_in_swedish_finds_a_rutin_by_an_inflected_word(db: Db) -> None:
    assert await db.search("läkemedelshantering") == ["lakemedel"]
    assert await db.search("Rutiner läkemedelshantering") == ["lakemedel"]
    assert set(await db.search("rutiner")) == {"lakemedel", "fall"}


async def test_every_word_of_a_search_must_match(db: Db) -> None:
    assert await db.search("rutin missförhållande") == []
    assert await db.search("riskbedömning fall") == ["fall"]


async def test_a_search_finds_words_in_the_body_and_ranks_title_and_purpose_matches_first(db: Db) -> None:
    assert set(await db.search("rapportera")) == {"lex_sarah", "lakemedel"}
    assert await db.search("avvikelse läkemedel") == ["lakemedel"]
    assert await db.search("fall") == ["fall", "lakemedel"]


async def test_a_search_understands_or_phrases_and_exclusions(db: Db) -> None:
    assert set(await db.search("fallolyckor or missförhållanden")) == {"fall", "lex_sarah"}
    assert await db.search('"säker hantering"') == ["lakemedel"]
    assert await db.search('"hantering säker"') == []
    assert await db.search("rutin -riskbedömning") == ["lakemedel"]


async def test_a_search_of_only_stop_words_or_exclusions_finds_nothing(db: Db) -> None:
    assert matches(db.dialect, "och för att") is None
    assert matches(db.dialect, "-fall") is None
    assert await db.search("") == []


async def test_a_version_taken_out_of_search_is_no_longer_found(db: Db) -> None:
    async with db.sessions() as session, session.begin():
        version = await session.get(DocumentVersion, db.versions["fall"])
        assert version is not None
        version.body = "Gör en bedömning av risken när någon flyttar in."
        await index_version(
            session,
            version_id=version.id,
            document_id=version.document_id,
            title="Rutin vid olyckor",
            purpose=None,
            body=version.body,
        )
        version.title = "Rutin vid olyckor"
        version.purpose = None
    assert await db.search("riskbedömning") == []
    assert await db.search("olyckor") == ["fall"]
    async with db.sessions() as session, session.begin():
        await unindex_version(session, db.versions["lakemedel"])
        if db.dialect == "postgresql":  # PostgreSQL searches the row itself: it goes with the row
            lakemedel = await session.scalar(
                select(DocumentVersion).where(DocumentVersion.id == db.versions["lakemedel"])
            )
            assert lakemedel is not None
            lakemedel.body, lakemedel.title, lakemedel.purpose = "", "Tom", None
    assert await db.search("läkemedelshantering") == []


async def test_a_word_finds_the_compounds_it_begins(db: Db) -> None:
    assert await db.search("läkemedel") == ["lakemedel"]
    assert await db.search("rapporteringsskyldighet") == ["lex_sarah"]
    assert await db.search("fallolycka") == ["fall"]
