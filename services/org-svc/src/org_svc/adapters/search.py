"""Free-text search over document versions, on either database.

PostgreSQL (distributed): `document_version.search_vector`, a generated `tsvector` column over title
(weight A), purpose (B) and body (C) with the `swedish` configuration and a GIN index; a query is
the websearch query parsed and stemmed here (`swedish_text`) as `to_tsquery('simple', …)` with each
single word a prefix (Swedish compounds), ranked by `ts_rank_cd`.

SQLite (embedded): the FTS5 table `document_search` holds the same columns stemmed in Python
(`swedish_text`), written with the version; a query is the parsed websearch query as an FTS5 MATCH
expression over stems, ranked by `bm25` with the same column weights.

Both give `matches(...)`: a select of (version_id, rank), best first when ordered by rank, for the
service layer to join with the document filters (unit, kind, process, status).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import (
    Float,
    Select,
    String,
    Uuid,
    column,
    delete,
    func,
    insert,
    literal_column,
    select,
    table,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from org_svc.adapters.swedish_text import indexed_text, parse_query

FTS_TABLE = "document_search"
SEARCH_VECTOR = "search_vector"
SEARCH_INDEX = "ix_document_version_search"
POSTGRES_CONFIG = "swedish"  # the migration builds search_vector with the same configuration

# FTS5 keeps its index in shadow tables named after the virtual table.
FTS_SHADOW_TABLES = tuple(
    f"{FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "content", "docsize", "config")
)

_fts = table(
    FTS_TABLE,
    column("version_id", Uuid()),
    column("document_id", Uuid()),
    column("title", String()),
    column("purpose", String()),
    column("body", String()),
)
_versions = table("document_version", column("id", Uuid()), column(SEARCH_VECTOR))


def _is_sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"


async def index_version(
    session: AsyncSession,
    *,
    version_id: uuid.UUID,
    document_id: uuid.UUID,
    title: str,
    purpose: str | None,
    body: str | None,
) -> None:
    """Make a version's current text searchable (call after each change of a version's text; on
    PostgreSQL the generated column follows by itself)."""
    if not _is_sqlite(session):
        return
    await session.execute(delete(_fts).where(_fts.c.version_id == version_id))
    await session.execute(
        insert(_fts).values(
            version_id=version_id,
            document_id=document_id,
            title=indexed_text(title),
            purpose=indexed_text(purpose),
            body=indexed_text(body),
        )
    )


async def unindex_version(session: AsyncSession, version_id: uuid.UUID) -> None:
    if _is_sqlite(session):
        await session.execute(delete(_fts).where(_fts.c.version_id == version_id))


def matches(dialect: str, query: str) -> Select[tuple[uuid.UUID, float]] | None:
    """(version_id, rank) of the versions matching a free-text query, lower rank is better; None
    when the query has nothing to look for (only stop words or exclusions)."""
    parsed = parse_query(query)
    if parsed.empty:
        return None
    if dialect == "postgresql":
        tsquery = func.to_tsquery(literal_column("'simple'::regconfig"), parsed.tsquery())
        vector = _versions.c[SEARCH_VECTOR]
        rank = -func.ts_rank_cd(vector, tsquery)
        return select(_versions.c.id.label("version_id"), rank.label("rank")).where(vector.op("@@")(tsquery))
    fts: ColumnElement[Any] = literal_column(FTS_TABLE)  # FTS5 names the table itself in MATCH and bm25
    bm25 = func.bm25(fts, 0.0, 0.0, 10.0, 4.0, 1.0, type_=Float())
    return select(_fts.c.version_id, bm25.label("rank")).where(fts.op("MATCH")(parsed.fts5()))
