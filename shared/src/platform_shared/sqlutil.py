from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, Table, insert, inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_ignore(session: AsyncSession, table: Table, values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on both dialects; True when a row was inserted."""
    dialect = session.get_bind().dialect.name
    insert_for = pg_insert if dialect == "postgresql" else sqlite_insert
    # The values as parameters, not in the statement: one cached compiled statement per table.
    result = await session.execute(insert_for(table).on_conflict_do_nothing(), values)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def upsert(session: AsyncSession, table: Table, values: dict[str, Any], keys: list[str]) -> None:
    dialect = session.get_bind().dialect.name
    insert_for = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert_for(table).values(**values)
    updates = {k: v for k, v in values.items() if k not in keys}
    await session.execute(
        stmt.on_conflict_do_update(index_elements=keys, set_=updates)
        if updates
        else stmt.on_conflict_do_nothing()
    )


async def insert_now(session: AsyncSession, obj: Any) -> None:
    """Insert the row of a new mapped object at once, as one Core statement compiled once per class,
    and leave the object out of the session (no flush to plan; it keeps its values, its defaults
    set): a single new aggregate costs half what the ORM's flush of it does. A column the database
    fills in (a server default) must be given a value, so that the object shows what was stored."""
    statement, columns = _insert_of(type(obj))
    given = obj.__dict__
    for key, default in columns:
        if key not in given:
            if default is _SERVER_DEFAULT:
                raise ValueError(f"{type(obj).__name__}.{key}: the database's default would not be shown")
            setattr(obj, key, default() if default is not None else None)
    await session.execute(statement, {key: given[key] for key, _ in columns})


_SERVER_DEFAULT = object()


_Columns = tuple[tuple[str, Any], ...]
_inserts: dict[type[Any], tuple[Insert, _Columns]] = {}


def _insert_of(cls: type[Any]) -> tuple[Insert, _Columns]:
    if cls not in _inserts:
        _inserts[cls] = _build_insert(cls)
    return _inserts[cls]


def _build_insert(cls: type[Any]) -> tuple[Insert, _Columns]:
    """The class's INSERT and, per column (attribute key = column key), how a missing value is made."""
    columns: list[tuple[str, Any]] = []
    for attribute in inspect(cls).column_attrs:
        column = attribute.columns[0]
        if attribute.key != column.key:
            raise ValueError(f"{cls.__name__}.{attribute.key}: named unlike its column")
        default = column.default
        if default is None:
            columns.append((column.key, _SERVER_DEFAULT if column.server_default is not None else None))
        elif callable(default.arg):
            columns.append((column.key, lambda arg=default.arg: arg(None)))
        else:
            columns.append((column.key, lambda value=default.arg: value))
    return insert(inspect(cls).local_table), tuple(columns)
