"""Alembic helpers: one history per service; env.py delegates here so all four behave alike."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from platform_shared.db import make_engine


def alembic_config(ini_path: Path, database_url: str) -> Config:
    config = Config(str(ini_path))
    config.set_main_option("script_location", str(ini_path.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade_to_head(ini_path: Path, database_url: str) -> None:
    """Blocking; call from a thread when an event loop is running (env.py runs its own loop)."""
    command.upgrade(alembic_config(ini_path, database_url), "head")


DIALECT_SPECIFIC = "dialect_specific"


def dialect_specific(
    metadata: MetaData,
    *,
    tables: Iterable[str] = (),
    columns: Iterable[str] = (),
    indexes: Iterable[str] = (),
) -> None:
    """Name what a migration creates by hand for one database only (an FTS5 table and its shadow
    tables on SQLite; a generated tsvector column, `table.column`, and its GIN index on PostgreSQL),
    so that autogenerate and `alembic check` neither drop nor report them."""
    found: set[str] = metadata.info.setdefault(DIALECT_SPECIFIC, set())
    found.update(tables, columns, indexes)


def _autogenerate_filters(metadata: MetaData) -> dict[str, Any]:
    skip: set[str] = metadata.info.get(DIALECT_SPECIFIC, set())

    def include_name(name: str | None, type_: str, _parents: Any) -> bool:
        return not (type_ == "table" and name in skip)

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        key = f"{obj.table.name}.{name}" if type_ == "column" else name
        return not (reflected and compare_to is None and key in skip)

    return {"include_name": include_name, "include_object": include_object}


def _configure_and_run(connection: Connection, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
        **_autogenerate_filters(metadata),
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(url: str, metadata: MetaData) -> None:
    engine = make_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(_configure_and_run, metadata)
        await connection.commit()
    await engine.dispose()


def run_env(metadata: MetaData) -> None:
    """Body of every service's migrations/env.py."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url must be set (from the service settings)"
    if context.is_offline_mode():
        context.configure(
            url=url,
            target_metadata=metadata,
            literal_binds=True,
            compare_type=True,
            **_autogenerate_filters(metadata),
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, metadata))
