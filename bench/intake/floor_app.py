"""The floor of the fixed stack: the least a FastAPI + SQLAlchemy async + asyncpg app served by uvicorn
can do for one report, measured beside the service and the raw side by run.py.

`POST /reports` takes the report's JSON into a pydantic model, runs the write set of one report
(write_set.py: the very statements of the raw side) through SQLAlchemy Core on one pooled connection
in one transaction, and answers 201 with the reference. No authentication, permission check, audit
logic, middleware, validation rule, deadline rule or event envelope: what is left is the framework,
the ORM layer's Core and the driver. If this app cannot reach a ratio, the service, which must do all
of those, cannot either.

    python bench/intake/floor_app.py --port 8123 --dsn postgresql+asyncpg://…/intake_bench
"""

from __future__ import annotations

import argparse
import re
import sys
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from write_set import STATEMENTS, write_report  # bench/intake is not a package


def _named(statement: str) -> TextClause:
    """`$1` → `:p1`, `$1::type` → `CAST(:p1 AS type)`: the raw side's statement as a SQLAlchemy text()
    with bound parameters (text() takes `:p1::type` for no parameter)."""
    cast = re.sub(r"\$(\d+)::([\w\[\]]+)", r"CAST(:p\1 AS \2)", statement)
    return text(re.sub(r"\$(\d+)", r":p\1", cast))


TEXTS = {key: _named(statement) for key, statement in STATEMENTS.items()}


class Report(BaseModel):
    type: str
    unit_id: uuid.UUID
    occurred_at: datetime
    description: str
    category: str


def create_app(dsn: str, reporter: uuid.UUID) -> FastAPI:
    engine = create_async_engine(dsn, pool_size=10, max_overflow=10)
    app = FastAPI()

    @app.post("/reports", status_code=201)
    async def report(body: Report) -> dict[str, str]:
        async with engine.begin() as conn:
            reference = await write_report(_runner(conn), body.unit_id, reporter)
        return {"reference": reference}

    return app


def _runner(conn: AsyncConnection) -> Any:
    async def run(key: str, args: Sequence[Any]) -> Sequence[Sequence[Any]]:
        params = {f"p{i}": value for i, value in enumerate(args, start=1)}
        result = await conn.execute(TEXTS[key], params)
        return result.all() if result.returns_rows else []

    return run


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--reporter", type=uuid.UUID, required=True)
    args = parser.parse_args()
    uvicorn.run(
        create_app(args.dsn, args.reporter),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
    )
